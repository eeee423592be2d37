import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie token`: the bearer tokens of the partners' API (vigie serve, /api/).
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Jetons de l'API des partenaires : créer (affiché une seule fois), lister, révoquer.",
        subcommands: [Add.self, List.self, Revoke.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Crée un jeton pour le système d'un partenaire ; il est affiché une seule fois.")

        @OptionGroup var options: StoreOptions

        @Option(help: "Identifiant du partenaire dans partners.yaml.")
        var partner: String

        @Option(help: "Note pour s'y retrouver (par exemple « serveur de supervision STRAV »).")
        var label: String?

        func run() throws {
            try present(try AddToken(partner: partner, label: label, actor: Passwords.unixUser()).run(at: options.location))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liste les jetons (jamais leur secret).")

        @OptionGroup var options: StoreOptions

        @Flag(help: "Sortie en JSON.")
        var json = false

        func run() throws { try present(try ListTokens().run(at: options.location), json: json) }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Révoque un jeton : il n'ouvre plus rien.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "Numéro du jeton (vigie token list).")
        var id: Int64

        func run() throws { try present(try RevokeToken(id: id, actor: Passwords.unixUser()).run(at: options.location)) }
    }
}
