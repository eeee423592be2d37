import Foundation
import VigieCore

/// `vigie nightly`: the unattended load of the inbox (`Nightly`), its report written beside
/// (`reportPath`, text and JSON), then, when asked, the reminders (`Relances`) to late partners.
public struct NightlyRun: UseCase {
    public var options: Nightly.Options
    /// Where to write the report (text, with the reminders) and, beside it, the load's report in JSON; nil for none.
    public var reportPath: String?
    /// Sends (or writes) the reminders after the load; nil for none.
    public var relances: Outgoing?
    /// One line per event, as it happens (the command writes them to the standard error).
    public var log: @Sendable (String) -> Void

    public init(options: Nightly.Options, reportPath: String? = nil, relances: Outgoing? = nil, log: @escaping @Sendable (String) -> Void = { _ in }) {
        self.options = options
        self.reportPath = reportPath
        self.relances = relances
        self.log = log
    }

    public struct Result: UseCaseResult {
        /// Another run held the lock: nothing was loaded.
        public var busy: String?
        public var report: Nightly.Report?
        public var relances: Relances.Result?

        public var text: String {
            if let busy { return "Chargement de nuit non lancé : \(busy)" }
            return ([report?.text, relances?.text].compactMap { $0 }).joined(separator: "\n")
        }

        public var exitStatus: ExitStatus {
            if busy != nil { return .busy }
            let load = ExitStatus(rawValue: report?.exitCode ?? 0) ?? .attention
            return load == .ok ? relances?.exitStatus ?? .ok : load
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let report: Nightly.Report
        do {
            report = try Nightly(observatory, options: options).run(log: log)
        } catch let busy as RunLock.Busy {
            log(busy.description)
            return Result(busy: busy.description)
        }
        var result = Result(report: report)
        if let relances {
            result.relances = try Relances(outgoing: relances).run(observatory)
        }
        if let reportPath {
            let textURL = URL(fileURLWithPath: reportPath)
            let isJSON = textURL.pathExtension == "json"
            let other = textURL.deletingPathExtension().appendingPathExtension(isJSON ? "txt" : "json")
            try Data(result.text.utf8).write(to: isJSON ? other : textURL, options: .atomic)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(report).write(to: isJSON ? textURL : other, options: .atomic)
        }
        return result
    }
}
