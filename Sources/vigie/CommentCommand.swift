import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie comment`: the coordinator's comments, printed in the bulletin they are attached to.
struct CommentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comment", abstract: "Commentaires du coordonnateur, repris dans les bulletins.",
        subcommands: [Add.self, List.self, Remove.self])

    enum Kind: String, ExpressibleByArgument, CaseIterable { case weekly, monthly, semester }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ajoute un commentaire à un bulletin.")

        @OptionGroup var options: StoreOptions

        @Option(help: "Bulletin : weekly, monthly ou semester.")
        var bulletin: Kind

        @Option(help: "Période du bulletin (2026-W47, 2026-10, 2026-S1).")
        var period: String

        @Option(help: "Commune (code INSEE) ; sans elle, le commentaire vaut pour tout le territoire.")
        var commune: String?

        @Argument(help: "Le texte du commentaire.")
        var text: String

        func validate() throws {
            _ = try parsePeriod(period, option: "--period")
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw ValidationError("Le commentaire est vide.") }
        }

        func run() throws {
            let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
            if let commune, observatory.config.territory.commune(insee: commune) == nil {
                throw VigieError(.usage, "commune inconnue « \(commune) »", hint: "Donnez le code INSEE d'une commune de territory.yaml.")
            }
            let id = try observatory.store.addComment(bulletin: bulletin.rawValue, period: try parsePeriod(period, option: "--period")?.description ?? period,
                                                      commune: commune, text: text)
            printOut("Commentaire n° \(id) ajouté au bulletin \(bulletin.rawValue) \(period)\(commune.map { " (\($0))" } ?? "").")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liste les commentaires.")

        @OptionGroup var options: StoreOptions

        @Option(help: "Seulement ce bulletin : weekly, monthly ou semester.")
        var bulletin: Kind?

        @Option(help: "Seulement cette période.")
        var period: String?

        func run() throws {
            let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
            let comments = try observatory.store.comments(bulletin: bulletin?.rawValue, period: period)
            if comments.isEmpty { printOut("Aucun commentaire.") }
            for c in comments {
                printOut("n° \(c.id) — \(c.bulletin) \(c.period)\(c.commune.map { " (\($0))" } ?? "") : \(c.text)")
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Supprime un commentaire par son numéro.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "Numéro du commentaire (voir vigie comment list).")
        var id: Int64

        func run() throws {
            let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
            guard try observatory.store.removeComment(id: id) else {
                throw VigieError(.usage, "aucun commentaire n° \(id)", hint: "vigie comment list les énumère.")
            }
            printOut("Commentaire n° \(id) supprimé.")
        }
    }
}
