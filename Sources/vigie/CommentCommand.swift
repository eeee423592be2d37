import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// Bulletins as comment options name them: the diagnostics take no comment.
extension BulletinKind: ExpressibleByArgument {
    public static var allValueStrings: [String] { [weekly, monthly, semester].map(\.rawValue) }
}

/// `vigie comment`: the coordinator's comments, printed in the bulletin they are attached to.
struct CommentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comment", abstract: "Commentaires du coordonnateur, repris dans les bulletins.",
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ajoute un commentaire à un bulletin.")

        @OptionGroup var options: StoreOptions

        @Option(help: "Bulletin : weekly, monthly ou semester.")
        var bulletin: BulletinKind

        @Option(help: "Période du bulletin : une semaine (2026-W47) pour weekly, un mois (2026-10) pour monthly, un semestre (2026-S1) pour semester.")
        var period: String

        @Option(help: "Commune (code INSEE, nom ou alias) ; sans elle, le commentaire vaut pour tout le territoire.")
        var commune: String?

        @Argument(help: "Le texte du commentaire.")
        var text: String

        func validate() throws {
            _ = try parsePeriod(period, option: "--period")
        }

        func run() throws {
            guard let period = try parsePeriod(period, option: "--period") else { return }
            try present(try AddComment(bulletin: bulletin, period: period, commune: commune, text: text).run(at: options.location))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liste les commentaires.")

        @OptionGroup var options: StoreOptions

        @Option(help: "Seulement ce bulletin : weekly, monthly ou semester.")
        var bulletin: BulletinKind?

        @Option(help: "Seulement cette période.")
        var period: String?

        @Flag(help: "Sortie en JSON.")
        var json = false

        func validate() throws { _ = try parsePeriod(period, option: "--period") }

        func run() throws {
            try present(try ListComments(bulletin: bulletin, period: parsePeriod(period, option: "--period")).run(at: options.location), json: json)
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Supprime un commentaire par son numéro.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "Numéro du commentaire (voir vigie comment list).")
        var id: Int64

        func run() throws {
            try present(try RemoveComment(id: id).run(at: options.location))
        }
    }
}
