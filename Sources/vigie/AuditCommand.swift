import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie audit`: the append-only log of every request event, for a period.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Exporte le journal des demandes de données (création, accords, refus, réserves, paquets, copies).")

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, text }

    @OptionGroup var options: StoreOptions

    @Option(help: "Premier jour (2026-11-01).")
    var from: String?

    @Option(help: "Dernier jour, inclus.")
    var to: String?

    @Option(help: "csv (UTF-8 avec BOM, « ; ») ou text.")
    var format: Format = .text

    func day(_ text: String?, _ option: String) throws -> CivilDate? {
        guard let text else { return nil }
        guard let date = CivilDate(iso: text) else { throw ValidationError("\(option) « \(text) » : écrivez une date AAAA-MM-JJ.") }
        return date
    }

    func validate() throws {
        _ = try day(from, "--from")
        _ = try day(to, "--to")
    }

    func run() throws {
        let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
        let from = try day(self.from, "--from"), to = try day(self.to, "--to")
        switch format {
        case .csv:
            FileHandle.standardOutput.write(Data(try DataRequests(observatory).auditCSV(from: from, to: to).utf8))
        case .text:
            let events = try observatory.store.auditEvents(from: from, to: to)
            if events.isEmpty { printOut("Aucun événement.") }
            for e in events { printOut("\(e.at)  \(e.requestID)  \(e.event)  \(e.actor) — \(e.detail)") }
        }
    }
}
