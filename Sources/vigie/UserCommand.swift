import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie user`: the accounts of the web application (vigie serve).
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Comptes de l'application web (vigie serve) : créer, lister, désactiver, changer le mot de passe.",
        discussion: """
            Le mot de passe est lu sur l'entrée standard (une ligne, \(Passwords.minimumLength) caractères au moins), \
            jamais sur la ligne de commande : echo n'est pas conseillé, tapez-le ou lisez-le d'un fichier protégé. \
            Chaque changement est écrit dans le journal d'audit web avec l'utilisateur Unix qui l'a fait.
            """,
        subcommands: [Add.self, List.self, Disable.self, Password.self])

    /// `vigie user add LOGIN --role coordinateur|assistant [--name …]`.
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Crée un compte ; le mot de passe est lu sur l'entrée standard.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "Identifiant de connexion (minuscules, chiffres, « . », « - », « _ »).")
        var login: String

        @Option(help: "Rôle : coordinateur, assistant, partenaire (avec --partner) ou elu (avec --commune).")
        var role: String

        @Option(help: "Nom affiché (par exemple « Marie Durand »).")
        var name: String?

        @Option(help: "Pour un compte partenaire : l'identifiant du partenaire dans partners.yaml (ses seules données).")
        var partner: String?

        @Option(help: "Pour un compte d'élu : une commune (code INSEE, nom ou alias) ; répétez l'option pour plusieurs.")
        var commune: [String] = []

        func validate() throws {
            guard let role = WebRole(rawValue: role) else {
                throw ValidationError("--role « \(role) » : coordinateur, assistant, partenaire ou elu attendu.")
            }
            if role == .partenaire && partner == nil { throw ValidationError("--role partenaire demande --partner (l'identifiant du partenaire).") }
            if role == .elu && commune.isEmpty { throw ValidationError("--role elu demande --commune (une ou plusieurs).") }
            if role != .partenaire && partner != nil { throw ValidationError("--partner ne va qu'avec --role partenaire.") }
            if role != .elu && !commune.isEmpty { throw ValidationError("--commune ne va qu'avec --role elu.") }
        }

        func run() throws {
            let password = try readPassword()
            try present(try AddUser(login: login, role: WebRole(rawValue: role) ?? .assistant, name: name, partner: partner,
                                    communes: commune, password: password, actor: Passwords.unixUser()).run(at: options.location))
        }
    }

    /// `vigie user list`.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liste les comptes (identifiant, rôle, nom, désactivé ou non).")

        @OptionGroup var options: StoreOptions

        @Flag(help: "Sortie en JSON.")
        var json = false

        func run() throws {
            try present(try ListUsers().run(at: options.location), json: json)
        }
    }

    /// `vigie user disable LOGIN`.
    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Désactive un compte : il ne peut plus se connecter, ses sessions sont fermées.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "Identifiant du compte.")
        var login: String

        func run() throws {
            try present(try DisableUser(login: login, actor: Passwords.unixUser()).run(at: options.location))
        }
    }

    /// `vigie user password LOGIN`.
    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change le mot de passe d'un compte (lu sur l'entrée standard) ; ses sessions sont fermées.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "Identifiant du compte.")
        var login: String

        func run() throws {
            let password = try readPassword()
            try present(try SetPassword(login: login, password: password, actor: Passwords.unixUser()).run(at: options.location))
        }
    }
}

/// One line of standard input: the password (the prompt goes to standard error, only on a terminal).
private func readPassword() throws -> String {
    if isatty(STDIN_FILENO) != 0 {
        FileHandle.standardError.write(Data("Mot de passe (\(Passwords.minimumLength) caractères au moins) : ".utf8))
    }
    guard let line = readLine(strippingNewline: true) else {
        throw VigieError(.usage, "aucun mot de passe sur l'entrée standard",
                         hint: "Tapez-le après la commande, ou donnez-le d'un fichier : vigie user add LOGIN --role assistant < fichier")
    }
    return line.hasSuffix("\r") ? String(line.dropLast()) : line
}
