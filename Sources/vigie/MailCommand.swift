import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie mail`: sends bulletins by mail.
struct MailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail", abstract: "Envoie les bulletins par courrier électronique.", subcommands: [Weekly.self])

    struct Weekly: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approuve puis envoie les faits marquants de la semaine au maire et au DGS de chaque commune (recipients.yaml).",
            discussion: """
                --approve enregistre l'approbation du message tel qu'il partira (son empreinte) ; quand l'approbation \
                est obligatoire (le défaut ; réglage « approval » de settings.yaml), --send et --outbox n'envoient que les messages approuvés et inchangés depuis, et \
                nomment ceux qui attendent. Sans les faits marquants de la police de la semaine (bulletins.yaml, flux \
                exigés du bulletin hebdomadaire), rien n'est approuvé ni envoyé sans --force. Code de sortie 1 quand un message est retenu.
                """)

        @OptionGroup var options: StoreOptions

        @Option(help: "Semaine ISO, par exemple 2026-W47.")
        var week: String

        @Option(help: "Une seule commune (code INSEE, nom ou alias) ; par défaut, toutes.")
        var commune: String?

        @Flag(help: "Approuve les messages tels qu'ils partiront (quand l'approbation est obligatoire, seuls les messages approuvés partent).")
        var approve = false

        @Flag(help: "Envoie par la commande sendmail (settings.yaml, ou la variable VIGIE_SENDMAIL).")
        var send = false

        @Option(help: "N'envoie rien : écrit les messages en fichiers .eml dans ce dossier (essai).")
        var outbox: String?

        @Flag(help: "Renvoie même si la semaine a déjà été envoyée à cette commune.")
        var resend = false

        @Flag(help: "Approuve ou envoie même si les faits marquants de la police de la semaine ne sont pas arrivés.")
        var force = false

        @Flag(help: "Écrit le résultat en JSON.")
        var json = false

        func period() throws -> Period {
            try parsePeriod(week, option: "--week", kind: "une semaine", example: "2026-W47") { if case .isoWeek = $0 { true } else { false } }
        }

        func validate() throws {
            _ = try period()
            guard [approve, send, outbox != nil].filter({ $0 }).count == 1 else {
                throw ValidationError("Donnez --send ou --outbox DOSSIER (l'un des deux), ou --approve.")
            }
        }

        func run() throws {
            let action: MailWeekly.Action = approve ? .approve : .send(outbox.map { .outbox($0) } ?? .send)
            let useCase = MailWeekly(week: try period(), commune: commune, action: action, resend: resend, force: force)
            try present(try useCase.run(at: options.location), json: json)
        }
    }
}
