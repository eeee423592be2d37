import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie request`: a partner or a mairie asks for data; each owner is asked by mail, consents
/// or refuses; the package leaves under disclosure control, with a copy or a notice to each owner.
struct RequestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "request", abstract: "Demandes de données des partenaires : accord des propriétaires, extraction protégée, envoi, journal.",
        subcommands: [New.self, Ask.self, Consent.self, List.self, Show.self, Fulfil.self])

    /// How the request's mails leave: `--send` or `--outbox DIR`, exactly one.
    struct Delivery: ParsableArguments {
        @Flag(help: "Envoie les messages par la commande d'envoi configurée (settings.yaml ou VIGIE_SENDMAIL).")
        var send = false

        @Option(help: "N'envoie rien : écrit chaque message (.eml) dans ce dossier.")
        var outbox: String?

        func validate() throws {
            guard send != (outbox != nil) else { throw ValidationError("Donnez --send ou --outbox DOSSIER (l'un des deux).") }
        }

        var outgoing: Outgoing { outbox.map(Outgoing.outbox) ?? .send }
    }

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enregistre une demande de données (identifiant DR-AAAA-NNN) et demande par courriel l'accord de chaque propriétaire.")

        @OptionGroup var options: StoreOptions
        @OptionGroup var delivery: Delivery

        @Option(help: "Qui demande : un partenaire de partners.yaml (identifiant ou nom) ou la mairie d'une commune (« mairie de Créteil », Créteil, 94028).")
        var requester: String

        @Option(help: "Pour quel usage.")
        var purpose: String

        @Option(help: "Les flux demandés, partenaire/flux séparés par des virgules (ou flux seul quand un seul partenaire l'envoie).")
        var data: String

        @Option(help: "Première période (2026-01, 2026-S1, 2026…).")
        var from: String

        @Option(help: "Dernière période.")
        var to: String

        @Option(help: "Zone : une commune, un secteur ou un quartier (code INSEE, identifiant, nom ou alias ; quartier:NOM précise le niveau). Par défaut tout le territoire.")
        var area: String?

        @Option(help: "Détail : territoire, commune, secteur, quartier ou lieu, suivi au besoin de ,category ou ,nature.")
        var by = "commune"

        @Flag(help: "Résultat en JSON.")
        var json = false

        func validate() throws {
            _ = try parsePeriod(from, option: "--from")
            _ = try parsePeriod(to, option: "--to")
        }

        func run() throws {
            let useCase = RequestNew(
                requester: requester, purpose: purpose, data: data.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                from: try parsePeriod(from, option: "--from")!, to: try parsePeriod(to, option: "--to")!, area: area, by: by,
                outgoing: delivery.outgoing)
            try present(try useCase.run(at: options.location), json: json)
        }
    }

    struct Ask: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Envoie de nouveau la demande d'accord aux propriétaires qui n'ont pas encore répondu (après un échec d'envoi, ou pour relancer).")

        @OptionGroup var options: StoreOptions
        @OptionGroup var delivery: Delivery

        @Argument(help: "Identifiant de la demande.")
        var id: String

        func run() throws {
            try present(try RequestAsk(id: id, outgoing: delivery.outgoing).run(at: options.location))
        }
    }

    struct Consent: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enregistre la réponse d'un propriétaire de données : accord (avec réserves) ou refus.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "Identifiant de la demande (DR-2026-014).")
        var id: String

        @Option(help: "Le partenaire propriétaire des données (identifiant ou nom).")
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
            let useCase = RequestConsent(id: id, owner: owner, grant: grant, reason: reason, reservation: reserve, rules: reserveRules)
            try present(try useCase.run(at: options.location))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Liste les demandes et leur état.")

        @OptionGroup var options: StoreOptions

        @Flag(help: "Résultat en JSON.")
        var json = false

        func run() throws {
            try present(try RequestList().run(at: options.location), json: json)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Montre une demande, les réponses et son journal.")

        @OptionGroup var options: StoreOptions

        @Argument(help: "Identifiant de la demande.")
        var id: String

        func run() throws {
            try present(try RequestShow(id: id).run(at: options.location))
        }
    }

    struct Fulfil: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Écrit le paquet d'une demande dont tous les propriétaires ont répondu et l'envoie : au demandeur, une copie à chaque propriétaire qui a donné son accord, un avis à chaque propriétaire qui a refusé.")

        @OptionGroup var options: StoreOptions
        @OptionGroup var delivery: Delivery

        @Argument(help: "Identifiant de la demande.")
        var id: String

        @Option(help: "Dossier où écrire le paquet (un sous-dossier par demande).")
        var out = "demandes"

        @Flag(help: "Résultat en JSON.")
        var json = false

        func run() throws {
            try present(try RequestFulfil(id: id, out: out, outgoing: delivery.outgoing).run(at: options.location), json: json)
        }
    }
}
