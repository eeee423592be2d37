import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie audit`: the append-only log of every request event, for a period.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Exporte le journal des demandes de données (création, accords, refus, réserves, paquets, messages envoyés).")

    @OptionGroup var options: StoreOptions

    @Option(help: "Premier jour (2026-11-01).")
    var from: String?

    @Option(help: "Dernier jour, inclus.")
    var to: String?

    @Option(help: "csv (UTF-8 avec BOM, « ; ») ou text.")
    var format: String = "text"

    func day(_ text: String?, _ option: String) throws -> CivilDate? {
        guard let text else { return nil }
        guard let date = CivilDate(iso: text) else { throw ValidationError("\(option) « \(text) » : écrivez une date AAAA-MM-JJ.") }
        return date
    }

    func validate() throws {
        _ = try day(from, "--from")
        _ = try day(to, "--to")
        guard AuditExport.Format(rawValue: format) != nil else { throw ValidationError("--format « \(format) » : écrivez csv ou text.") }
    }

    func run() throws {
        let useCase = AuditExport(from: try day(from, "--from"), to: try day(to, "--to"), format: AuditExport.Format(rawValue: format) ?? .text)
        let result = try useCase.run(at: options.location)
        // The CSV goes out byte for byte (its own CRLF line ends), not as a line of text.
        if useCase.format == .csv { FileHandle.standardOutput.write(Data(result.csv.utf8)) } else { try present(result) }
    }
}
