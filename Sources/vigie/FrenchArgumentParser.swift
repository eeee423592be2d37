import Foundation

/// Translates what swift-argument-parser (1.8) prints — usage errors, help screens — into French.
/// One table of patterns over the parser's own English sentences (read in its `UsageGenerator`,
/// `HelpGenerator`, `MessageInfo` and `HelpCommand`); option names and values stay as typed.
enum FrenchArgumentParser {
    /// The width help screens are wrapped to once translated.
    static let screenWidth = 80

    /// `(English pattern, French template)`, tried in order on the whole text. `$1`… are the
    /// pattern's groups; quotes around names become « ».
    static let sentences: [(String, String)] = [
        // Error messages (UsageGenerator.swift, ErrorMessageGenerator).
        (#"Unknown option '([^']*)'\. Did you mean '([^']*)'\?"#, "option inconnue « $1 ». Vouliez-vous dire « $2 » ?"),
        (#"Unknown option '([^']*)'"#, "option inconnue « $1 »"),
        (#"Missing value for '([^']*)'"#, "valeur manquante pour « $1 »"),
        (#"\n   or: "#, "\n   ou : "),
        (#"(valeur manquante pour « [^»]* ») in '([^']*)'"#, "$1 dans « $2 »"),
        (#"The option '([^']*)' does not take any value, but '([^']*)' was specified\."#,
         "l'option « $1 » ne prend pas de valeur, or « $2 » a été donné."),
        (#"Unexpected argument '([^']*)'"#, "paramètre en trop : « $1 »"),
        (#"(\d+) unexpected arguments: '(.*)'"#, "$1 paramètres en trop : « $2 »"),
        (#"Value to be set with (.*) had already been set with (.*)"#, "la valeur donnée par $1 l'a déjà été par $2"),
        (#"flag '(.)' in '([^']*)'"#, "l'option « $1 » de « $2 »"),
        (#"flag '([^']*)'"#, "l'option « $1 »"),
        (#"Missing expected argument '([^']*)'"#, "paramètre obligatoire manquant : « $1 »"),
        (#"Missing one of: '(.*)'"#, "il manque l'un de : « $1 »"),
        (#"The value '([^']*)' is invalid for '([^']*)'"#, "la valeur « $1 » n'est pas valable pour « $2 »"),
        (#"The value '([^']*)' is invalid\."#, "la valeur « $1 » n'est pas valable."),
        (#"\. Please provide one of the following:"#, ". Choisissez l'une de celles-ci :"),
        (#"\. Please provide one of (.*)\."#, ". Choisissez $1."),
        (#"Invalid option: (.*)"#, "option non valable : $1"),
        (#"Missing required subcommand\."#, "sous-commande manquante."),
        (#"Command '([^']*)' is not a parent of the current command\."#, "« $1 » ne contient pas cette commande."),
        (#"Internal error\. [^\n]*"#, "erreur interne de l'analyse de la ligne de commande."),
        (#"Can't autodetect a supported shell\."#, "Shell non reconnu."),
        (#"Can't generate completion scripts for '([^']*)'\."#, "Pas de script de complétion pour « $1 »."),
        (#"Please use (--generate-completion-script=<shell>) with one of:"#, "Utilisez $1 avec l'un de :"),
        (#"No value set for non-argument var ([^.]*)\. [^\n]*"#, "erreur interne : $1 sans valeur."),
        (#"Unspecified version"#, "version non précisée"),
        // The frame of a usage error (MessageInfo.swift).
        (#"(?m)^Error: "#, "Erreur : "),
        (#"(?m)^Help:  "#, "Aide : "),
        (#"(?m)^  See '([^']*)' for more information\."#, "  Voir « $1 » pour en savoir plus."),
        // Help screens (HelpGenerator.swift, HelpCommand.swift).
        (#"(?m)^OVERVIEW: "#, "DESCRIPTION : "),
        (#"(?m)^ARGUMENTS:$"#, "PARAMÈTRES :"),
        (#"(?m)^OPTIONS:$"#, "OPTIONS :"),
        (#"(?m)^SUBCOMMANDS:$"#, "SOUS-COMMANDES :"),
        (#"(?m)^(.+) SUBCOMMANDS:$"#, "SOUS-COMMANDES $1 :"),
        (#"(?m)^([A-ZÀ-Ü][^a-z\n]*[^ a-z\n]):$"#, "$1 :"),
        (#"\(default as flag: "#, "(défaut si l'option est seule : "),
        (#"; default as flag: "#, " ; défaut si l'option est seule : "),
        (#"\(values: "#, "(valeurs : "),
        (#"; default: "#, " ; défaut : "),
        (#"\(default: "#, "(défaut : "),
        (#"(?m)^(  \S+) \(default\)"#, "$1 (par défaut)"),
        (#"Show help information\."#, "Affiche cette aide."),
        (#"Show subcommand help information\."#, "Affiche l'aide d'une sous-commande."),
        (#"Show the version\."#, "Affiche la version."),
        (#"Dump help information as JSON\."#, "Écrit l'aide en JSON."),
        (#"See '([^']*) <subcommand>' for detailed help\."#, "Voir « $1 <sous-commande> » pour l'aide détaillée."),
        (#"<subcommand>"#, "<sous-commande>"),
        (#"<subcommands>"#, "<sous-commandes>"),
    ]

    static let compiled: [(NSRegularExpression, String)] = sentences.map { pattern, template in
        // The patterns are literals of this file: a bad one is a programming error.
        (try! NSRegularExpression(pattern: pattern), template)
    }

    /// `text` (an error or a help screen of the parser, rendered unwrapped) in French; a help
    /// screen is wrapped to the screen, an error stays on its lines (paths and names whole).
    static func translate(_ text: String, wrapped: Bool) -> String {
        var out = text
        for (regex, template) in compiled {
            out = regex.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: template)
        }
        out = quoteLists(out)
        out = reindentUsage(out)
        guard wrapped else { return out }
        return out.split(separator: "\n", omittingEmptySubsequences: false).map { wrap(String($0)) }.joined(separator: "\n")
    }

    /// `'a', 'b' or 'c'` (value lists of the parser) as `« a », « b » ou « c »`.
    static func quoteLists(_ text: String) -> String {
        var out = text
        for (pattern, template) in [(#"'([^'\n]*)' and '([^'\n]*)'"#, "« $1 » ou « $2 »"),
                                    (#"'([^'\n]*)' or '([^'\n]*)'"#, "« $1 » ou « $2 »"),
                                    (#"(Choisissez [^\n]*)'([^'\n]*)'"#, "$1« $2 »"),
                                    (#"« ([^»\n]*)', '"#, "« $1 », « ")] {
            let regex = try! NSRegularExpression(pattern: pattern)
            var previous = ""
            while previous != out { // lists of any length: repeat until nothing changes
                previous = out
                out = regex.stringByReplacingMatches(in: out, range: NSRange(out.startIndex..., in: out), withTemplate: template)
            }
        }
        return out
    }

    /// The parser indents the lines of a long usage under `USAGE: ` (7 columns); French
    /// « UTILISATION : » takes 14.
    static func reindentUsage(_ text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var inUsage = false
        for i in lines.indices {
            let line = lines[i]
            if line.hasPrefix("USAGE: ") || line.hasPrefix("Usage: ") {
                lines[i] = (line.hasPrefix("USAGE") ? "UTILISATION : " : "Utilisation : ") + line.dropFirst(7)
                inUsage = true
            } else if inUsage, line.hasPrefix("       ") {
                lines[i] = "       " + line
            } else {
                inUsage = false
            }
        }
        return lines.joined(separator: "\n")
    }

    /// A line longer than the screen, cut at spaces; the continuation lines are indented as the
    /// line's text is (after a help label, after « UTILISATION : », or as the line itself).
    static func wrap(_ line: String) -> String {
        guard line.count > screenWidth else { return line }
        let leading = line.prefix { $0 == " " }.count
        var indent = leading
        if let usage = ["UTILISATION : ", "Utilisation : "].first(where: line.hasPrefix) {
            indent = usage.count
        } else if let match = line.range(of: #"^ +\S.*?  +"#, options: .regularExpression),
                  line.distance(from: line.startIndex, to: match.upperBound) <= 40 {
            indent = line.distance(from: line.startIndex, to: match.upperBound) // "  --label <v>   Text": the text's column
        }
        var result: [String] = []
        var current = String(line.prefix(leading))
        var first = true
        for word in line.dropFirst(leading).split(separator: " ", omittingEmptySubsequences: false) {
            let candidate = first ? current + word : current + " " + word
            first = false
            // French punctuation after a space (« : », « ; », « » ») stays with the word before it.
            let glued = [":", ";", "!", "?", "»"].contains(word) || current.hasSuffix("«")
            if candidate.count > screenWidth, current.count > indent, !word.isEmpty, !glued {
                result.append(current)
                current = String(repeating: " ", count: indent) + word
            } else {
                current = candidate
            }
        }
        result.append(current)
        return result.joined(separator: "\n")
    }
}
