import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie request`: a partner or an elected official asks for data; each owner consents or
/// refuses; the package leaves under disclosure control, with a copy to each owner.
struct RequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request", abstract: "Demandes de données des partenaires : accord des propriétaires, extraction protégée, copie, journal.",
        subcommands: [New.self, Consent.self, List.self, Show.self, Fulfil.self])

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enregistre une demande de données (identifiant DR-AAAA-NNN).")

        @OptionGroup var options: StoreOptions

        @Option(help: "Qui demande : un partenaire de partners.yaml ou un élu.")
        var requester: String

        @Option(help: "Pour quel usage.")
        var purpose: String

        @Option(help: "Les flux demandés, partenaire/flux séparés par des virgules (ou flux seul quand un seul partenaire l'envoie).")
        var data: String

        @Option(help: "Première période (2026-01, 2026-S1, 2026…).")
        var from: String

        @Option(help: "Dernière période.")
        var to: String

        @Option(help: "Zone : commune:CODE, secteur:ID ou quartier:ID ; par défaut tout le territoire.")
        var area: String?

        @Option(help: "Détail : territoire, commune, secteur, quartier ou lieu, suivi au besoin de ,category ou ,nature.")
        var by = "commune"

        func validate() throws {
            _ = try parsePeriod(from, option: "--from")
            _ = try parsePeriod(to, option: "--to")
        }

        func run() throws {
            let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
            let request = try DataRequests(observatory).create(
                requester: requester, purpose: purpose, data: data.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                from: try parsePeriod(from, option: "--from")!, to: try parsePeriod(to, option: "--to")!, area: area, by: by)
            printOut("Demande \(request.id) enregistrée. Accord attendu de : \(request.owners.joined(separator: ", ")).")
        }
    }

    struct Consent: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enregistre la réponse d'un propriétaire de données : accord (avec réserves) ou refus.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "Identifiant de la demande (DR-2026-014).")
        var id: String

        @Option(help: "Le partenaire propriétaire des données.")
        var owner: String

        @Flag(help: "Donne l'accord.")
        var grant = false

        @Flag(help: "Refuse.")
        var refuse = false

        @Option(help: "Motif du refus.")
        var reason: String?

        @Option(help: "La réserve, en clair (reprise dans le manifeste).")
        var reserve: String?

        @Option(name: .customLong("reserve-rule"), help: "Règle appliquée à l'extraction : pas-sous-commune, pas-sous-secteur, pas-de-lieu, pas-de-texte-libre, seuil:N (répétable).")
        var reserveRules: [String] = []

        func validate() throws {
            guard grant != refuse else { throw ValidationError("Donnez --grant ou --refuse (l'un des deux).") }
            if refuse, (reason ?? "").trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("Un refus demande --reason TEXTE.") }
            if refuse, reserve != nil || !reserveRules.isEmpty { throw ValidationError("--reserve et --reserve-rule accompagnent un accord, pas un refus.") }
            if !reserveRules.isEmpty, reserve == nil { throw ValidationError("--reserve-rule demande aussi --reserve TEXTE (la réserve en clair).") }
        }

        func run() throws {
            let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
            try DataRequests(observatory).answer(id, owner: owner, grant: grant, reason: reason, reservation: reserve, rules: reserveRules)
            printOut("\(id) : \(grant ? "accord" : "refus") de \(owner) enregistré.")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liste les demandes et leur état.")

        @OptionGroup var options: StoreOptions

        func run() throws {
            let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
            let requests = DataRequests(observatory)
            let all = try observatory.store.requests()
            if all.isEmpty { printOut("Aucune demande.") }
            for r in all {
                printOut("\(r.id)  \(r.requester) — \(r.purpose) — \(requests.state(r, answers: try observatory.store.answers(request: r.id)))")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Montre une demande, les réponses et son journal.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "Identifiant de la demande.")
        var id: String

        func run() throws {
            let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
            printOut(try DataRequests(observatory).describe(id))
        }
    }

    struct Fulfil: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Prépare le paquet de données d'une demande dont tous les propriétaires ont répondu.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "Identifiant de la demande.")
        var id: String

        @Option(help: "Dossier où écrire le paquet (un sous-dossier par demande).")
        var out = "demandes"

        func run() throws {
            let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
            let written = try RequestPackage(observatory).fulfil(id, out: URL(fileURLWithPath: out))
            printOut("Paquet de la demande \(id) : \(written.folder.path)")
            for file in written.files { printOut("  \(file.lastPathComponent)") }
            for copy in written.copies { printOut("  copie : \(copy.path)") }
        }
    }
}
