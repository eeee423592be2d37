import ArgumentParser
import Foundation
import VigieCore
import VigieDelivery
import VigiePipeline

/// `vigie mail`: sends bulletins by mail.
struct MailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail", abstract: "Envoie les bulletins par courrier électronique.", subcommands: [Weekly.self])

    struct Weekly: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Envoie les faits marquants de la semaine au maire et au DGS de chaque commune (recipients.yaml).")

        @OptionGroup var options: StoreOptions

        @Option(help: "Semaine ISO, par exemple 2026-W47.")
        var week: String

        @Option(help: "Une seule commune (code INSEE ou nom) ; par défaut, toutes.")
        var commune: String?

        @Flag(help: "Envoie par la commande sendmail (settings.yaml, ou la variable VIGIE_SENDMAIL).")
        var send = false

        @Option(help: "N'envoie rien : écrit les messages en fichiers .eml dans ce dossier (essai).")
        var outbox: String?

        @Flag(help: "Renvoie même si la semaine a déjà été envoyée à cette commune.")
        var resend = false

        func period() throws -> Period {
            try parsePeriod(week, option: "--week", kind: "une semaine", example: "2026-W47") { if case .isoWeek = $0 { true } else { false } }
        }

        func validate() throws {
            _ = try period()
            guard send != (outbox != nil) else { throw ValidationError("Donnez --send ou --outbox DOSSIER (l'un des deux).") }
        }

        func run() throws {
            let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
            let transport: MailTransport = outbox.map { OutboxTransport(directory: URL(fileURLWithPath: $0)) }
                ?? SendmailTransport(command: WeeklyMail.sendmailCommand(observatory.config.settings))
            let outcomes = try WeeklyMail(observatory).send(week: try period(), commune: commune, transport: transport, resend: resend)
            for o in outcomes {
                switch o.result {
                case .sent: printOut("✔ envoyé : « \(o.subject) » à \(o.recipients.joined(separator: ", "))")
                case .outbox: printOut("✔ écrit dans \(outbox ?? "") : « \(o.subject) » pour \(o.recipients.joined(separator: ", "))")
                case .failed, .none: printOut("— déjà envoyé : « \(o.subject) » (--resend pour renvoyer)")
                }
            }
        }
    }
}
