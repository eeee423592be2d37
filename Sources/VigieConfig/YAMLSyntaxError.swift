import Foundation
import VigieCore
import Yams

/// A YAML syntax error told in French: « erreur de syntaxe YAML : … » at the file and line where
/// the coordinator must look, with the column and what to do.
enum YAMLSyntaxError {
    static func explained(_ error: YamlError, text: String, file: String) -> VigieError {
        let lines = text.components(separatedBy: "\n")
        var explanation: Explanation
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            explanation = explain(problem, context: context, at: mark, lines: lines)
        case .reader(let problem, let offset, _, _):
            let before = offset.map { String(text.prefix($0)) } ?? ""
            let lineStarts = before.split(separator: "\n", omittingEmptySubsequences: false)
            explanation = problem == "control characters are not allowed"
                ? Explanation("caractère de contrôle (invisible) interdit", hint: "Retapez la ligne dans un éditeur de texte, sans copier-coller depuis un tableur ou un traitement de texte.")
                : untranslated(problem)
            explanation.line = offset == nil ? nil : lineStarts.count
            explanation.column = offset == nil ? nil : (lineStarts.last?.count ?? 0) + 1
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "« \($0) »" }.joined(separator: ", ")
            explanation = Explanation("clé \(keys) donnée deux fois dans la même table, ici et plus bas",
                hint: duplicates.contains("<<")
                    ? "Pour fusionner plusieurs tables, donnez-les en liste : « <<: [*a, *b] »."
                    : "Gardez une seule fois chaque clé (la seconde remplacerait la première sans le dire).",
                line: context.mark.line)
        default:
            explanation = untranslated("\(error)".components(separatedBy: "\n").first ?? "\(error)")
        }
        var message = "erreur de syntaxe YAML : " + explanation.what
        if let column = explanation.column { message += " (colonne \(column))" }
        return VigieError(.config, message, at: SourceLocation(file: file, row: explanation.line), hint: explanation.hint)
    }

    /// What went wrong, where (1-based line and column) and what to do.
    struct Explanation {
        var what: String
        var hint: String?
        var line: Int?
        var column: Int?

        init(_ what: String, hint: String? = nil, line: Int? = nil, column: Int? = nil) {
            self.what = what
            self.hint = hint
            self.line = line
            self.column = column
        }
    }

    /// The common problems of libyaml, in French. Where the culprit is where the construct began
    /// (an unclosed quote, a key without « : »), the line is the context's, not where libyaml stopped.
    static func explain(_ problem: String, context: YamlError.Context?, at mark: Mark, lines: [String]) -> Explanation {
        let lineText = mark.line >= 1 && mark.line <= lines.count ? lines[mark.line - 1] : ""
        let character = Array(lineText.unicodeScalars).dropFirst(max(0, mark.column - 1)).first
        let since = context.map { " commencée ligne \($0.mark.line)" } ?? ""
        // Something before the mark on its line: the problem is not the line's indentation.
        let afterText = !lineText.unicodeScalars.prefix(max(0, mark.column - 1)).allSatisfy { $0 == " " }
        var e: Explanation
        switch problem {
        case _ where character == "\t" || problem.contains("tab character"):
            e = Explanation("tabulation dans l'indentation",
                            hint: "YAML n'accepte que des espaces pour indenter : remplacez les tabulations par des espaces.")
        case "found character that cannot start any token":
            e = Explanation("le caractère « \(character.map { String($0) } ?? "?") » ne peut pas commencer une valeur",
                            hint: "Mettez la valeur entre guillemets, par exemple « nom: \"@valeur\" ».")
        case "mapping values are not allowed in this context", "mapping values are not allowed here":
            e = Explanation("deux-points inattendu",
                            hint: "Une valeur qui contient « : » suivi d'une espace se met entre guillemets (« nom: \"Bus : ligne 2\" ») ; sinon, vérifiez l'indentation de la ligne.")
        case "did not find expected key" where afterText, "did not find expected '-' indicator" where afterText:
            e = Explanation("texte inattendu après la fin de la valeur",
                            hint: "Une valeur entre guillemets s'arrête au guillemet fermant : mettez tout le texte entre les guillemets (un commentaire se met après « # »).")
        case "did not find expected key":
            e = Explanation("ligne mal indentée dans la table « clé: valeur »\(since)",
                            hint: "Alignez la ligne sur les autres clés de la même table (mêmes espaces en début de ligne).")
        case "did not find expected '-' indicator":
            e = Explanation("ligne mal indentée dans la liste\(since)",
                            hint: "Alignez-la sur les clés de l'élément au-dessus, ou commencez un nouvel élément par « - » au même retrait que les autres.")
        case "could not find expected ':'":
            e = Explanation("« : » manquant après la clé", hint: "Chaque ligne d'une table s'écrit « clé: valeur », avec une espace après les deux-points.",
                            line: context?.mark.line, column: context?.mark.column)
        case "found undefined alias":
            let name = String(lineText.unicodeScalars.dropFirst(max(0, mark.column)).prefix { !" ,]}\t".unicodeScalars.contains($0) })
            e = Explanation("alias « *\(name) » inconnu",
                            hint: "L'ancre « &\(name) » doit être posée plus haut dans le même fichier ; vérifiez l'orthographe.")
        case "found unexpected end of stream" where context?.text.contains("quoted scalar") == true:
            e = Explanation("guillemet jamais fermé", hint: "Fermez le texte entre guillemets sur la même ligne, avec le même guillemet (\" ou ').",
                            line: context?.mark.line, column: context?.mark.column)
        case "found unexpected end of stream":
            e = Explanation("fin de fichier inattendue", hint: "Le fichier s'arrête au milieu d'une valeur : complétez-la.")
        case "did not find expected ',' or '}'":
            e = Explanation("table « { … } » mal fermée",
                            hint: "Séparez les éléments par des virgules et fermez l'accolade sur la même ligne ; une valeur qui contient « , » ou « } » se met entre guillemets.",
                            line: context?.mark.line, column: context?.mark.column)
        case "did not find expected ',' or ']'":
            e = Explanation("liste « [ … ] » mal fermée",
                            hint: "Séparez les éléments par des virgules et fermez le crochet sur la même ligne ; une valeur qui contient « , » ou « ] » se met entre guillemets.",
                            line: context?.mark.line, column: context?.mark.column)
        case "found unknown escape character":
            e = Explanation("séquence « \\ » inconnue dans un texte entre guillemets doubles",
                            hint: "Écrivez \\\\ pour une barre oblique inverse, ou mettez le texte entre guillemets simples.")
        case "did not find expected node content":
            e = Explanation("valeur attendue ici", hint: "Donnez une valeur après « : » ou « - », ou mettez-la entre guillemets.")
        case "block sequence entries are not allowed in this context":
            e = Explanation("« - » inattendu", hint: "Un élément de liste se met sur sa propre ligne, sous une clé suivie de « : », plus indenté qu'elle.")
        case "but found another document":
            e = Explanation("second document dans le fichier (« --- » ou « ... »)",
                            hint: "Un fichier de configuration ne contient qu'un document : retirez la ligne « --- » ou « ... ».")
        case "did not find expected <document start>":
            // Typically the first line of the file lacks its « : », so the file was read as one text.
            if let previous = lines.prefix(mark.line - 1).lastIndex(where: { !$0.trimmingSpaces.isEmpty && !$0.trimmingSpaces.hasPrefix("#") }),
               !lines[previous].contains(":") {
                e = Explanation("« : » manquant après la clé", hint: "Chaque ligne d'une table s'écrit « clé: valeur », avec une espace après les deux-points.",
                                line: previous + 1)
            } else {
                e = Explanation("contenu inattendu", hint: "La ligne ne continue ni la table ni la liste au-dessus : vérifiez son indentation.")
            }
        default:
            e = untranslated(problem)
        }
        if e.line == nil { e.line = mark.line; e.column = mark.column }
        return e
    }

    static func untranslated(_ problem: String) -> Explanation {
        Explanation("le fichier ne se lit pas (message de la bibliothèque YAML : « \(problem) »)",
                    hint: "Comparez la ligne avec les autres du fichier : indentation en espaces, « clé: valeur », guillemets fermés.")
    }
}
