import ArgumentParser
import Foundation
import VigieCore
import VigieHub
import VigiePipeline

/// `vigie hub`: the departmental hub on PostgreSQL — create it, register observatories and
/// analysts, publish an observatory's aggregates, write the departmental bulletins.
struct HubCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Hub départemental (PostgreSQL) : création, rôles, publication des agrégats, bulletins départementaux.",
        discussion: """
            Le mot de passe du rôle de connexion vient de --password-file (fichier en mode 0600), de \
            hub: password_file dans settings.yaml, ou de la variable VIGIE_HUB_PASSWORD ; jamais de l'adresse.
            """,
        subcommands: [Init.self, ObservatoryCommand.self, AnalystCommand.self, Publish.self, BulletinCommand.self])

    /// The hub's address and where its password is.
    struct HubOptions: ParsableArguments {
        @Option(help: "Adresse du hub : postgresql://rôle@hôte:port/base (sans mot de passe).")
        var hub: String?

        @Option(help: "Fichier (mode 0600) contenant le mot de passe du rôle ; sinon $VIGIE_HUB_PASSWORD.")
        var passwordFile: String?

        func credentials() throws -> HubCredentials {
            guard let hub = hub ?? ProcessInfo.processInfo.environment["VIGIE_HUB_URL"] else {
                throw VigieError(.usage, "aucun hub donné", hint: "Donnez --hub postgresql://rôle@hôte:port/base (ou la variable VIGIE_HUB_URL).")
            }
            return HubCredentials(address: try HubAddress(url: hub), password: try HubCredentials.password(file: passwordFile))
        }
    }

    /// The password of a role being created: a file, else `VIGIE_HUB_ROLE_PASSWORD`.
    struct RolePasswordOptions: ParsableArguments {
        @Option(help: "Fichier (mode 0600) contenant le mot de passe du rôle créé ; sinon $VIGIE_HUB_ROLE_PASSWORD.")
        var rolePasswordFile: String?

        func password() throws -> String? {
            if let rolePasswordFile { return try HubCredentials.password(file: rolePasswordFile) }
            return ProcessInfo.processInfo.environment["VIGIE_HUB_ROLE_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        }
    }

    struct Init: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Crée le schéma du hub ou le met à jour (migrations numérotées) ; avec le rôle propriétaire de la base.")

        @OptionGroup var hub: HubOptions

        @Flag(help: "Sortie en JSON.")
        var json = false

        func run() throws { try present(try InitHub(credentials: hub.credentials()).run(), json: json) }
    }

    struct ObservatoryCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "observatory", abstract: "Rôles des observatoires : chacun n'écrit que ses propres lignes.", subcommands: [Add.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Crée le rôle de connexion d'un observatoire (ou change son mot de passe) et l'inscrit sous son identifiant.")

            @OptionGroup var hub: HubOptions
            @OptionGroup var rolePassword: RolePasswordOptions

            @Option(help: "Identifiant de l'observatoire (hub: id de son settings.yaml), par exemple plaine-centrale.")
            var id: String

            @Option(help: "Nom de l'observatoire.")
            var name: String = ""

            @Option(help: "Rôle de connexion PostgreSQL (défaut : vigie_obs_ suivi de l'identifiant).")
            var role: String?

            func run() throws {
                let role = role ?? "vigie_obs_" + id.replacingOccurrences(of: "-", with: "_")
                try present(try AddHubRole(credentials: hub.credentials(), kind: .observatory(id: id, name: name), role: role,
                                           rolePassword: rolePassword.password()).run())
            }
        }
    }

    struct AnalystCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "analyst", abstract: "Rôles des analystes du département : lecture seule.", subcommands: [Add.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Crée le rôle de connexion d'un analyste (lecture seule) ou change son mot de passe.")

            @OptionGroup var hub: HubOptions
            @OptionGroup var rolePassword: RolePasswordOptions

            @Option(help: "Rôle de connexion PostgreSQL, par exemple analyste_dupont.")
            var role: String

            func run() throws {
                try present(try AddHubRole(credentials: hub.credentials(), kind: .analyst, role: role, rolePassword: rolePassword.password()).run())
            }
        }
    }

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publie sur le hub les agrégats de l'observatoire (après secret statistique) ; sans effet si rien n'a changé.")

        @OptionGroup var options: StoreOptions

        @Option(help: "Adresse du hub (défaut : hub: url de settings.yaml).")
        var hub: String?

        @Option(help: "Fichier (mode 0600) du mot de passe (défaut : hub: password_file, sinon $VIGIE_HUB_PASSWORD).")
        var passwordFile: String?

        @Flag(help: "Sortie en JSON.")
        var json = false

        func run() throws {
            try present(try PublishToHub(url: hub, passwordFile: passwordFile).run(at: options.location), json: json)
        }
    }

    /// `vigie hub bulletin monthly|semester`: the departmental bulletin, read from the hub.
    struct BulletinCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bulletin",
            abstract: "Bulletin départemental (HTML, Markdown et un CSV par tableau) : observatoires et communes côte à côte.",
            discussion: """
                Se lit avec un rôle d'analyste (vigie hub analyst add) : un rôle d'observatoire ne voit que ses propres lignes. \
                Les modèles viennent de --config (templates/hub-monthly.*) ; la carte des communes de communes.geojson \
                dans ce dossier, s'il existe.
                """,
            subcommands: [Monthly.self, Semester.self])

        struct Options: ParsableArguments {
            @OptionGroup var hub: HubOptions

            @Option(help: "Dossier de configuration (modèles, bulletins.yaml, communes.geojson) ; défaut : $VIGIE_CONFIG, sinon ./Config.")
            var config: String?

            @Option(help: "Dossier où écrire le bulletin.")
            var out: String = "bulletins"

            @Flag(help: "Sortie en JSON.")
            var json = false

            func run(_ period: Period) throws {
                let config = URL(fileURLWithPath: config ?? ProcessInfo.processInfo.environment["VIGIE_CONFIG"] ?? "Config")
                try present(try HubBulletin(url: hub.hub ?? ProcessInfo.processInfo.environment["VIGIE_HUB_URL"], passwordFile: hub.passwordFile,
                                            period: period, config: config, out: out).run(), json: json)
            }
        }

        struct Monthly: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Bulletin départemental d'un mois, comparé au même mois un an plus tôt.")

            @OptionGroup var options: Options

            @Option(help: "Mois, par exemple 2026-10.")
            var month: String

            func period() throws -> Period {
                try parsePeriod(month, option: "--month", kind: "un mois", example: "2026-10") { BulletinKind.monthly.covers($0) }
            }

            func validate() throws { _ = try period() }

            func run() throws { try options.run(try period()) }
        }

        struct Semester: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Bulletin départemental d'un semestre, comparé au même semestre un an plus tôt.")

            @OptionGroup var options: Options

            @Option(help: "Semestre, par exemple 2026-S1.")
            var semester: String

            func period() throws -> Period {
                try parsePeriod(semester, option: "--semester", kind: "un semestre", example: "2026-S1") { BulletinKind.semester.covers($0) }
            }

            func validate() throws { _ = try period() }

            func run() throws { try options.run(try period()) }
        }
    }
}
