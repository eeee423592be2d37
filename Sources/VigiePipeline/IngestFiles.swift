import Foundation
import VigieCore

/// `vigie ingest`: loads files for one partner's feed, each in its own transaction, and reports
/// on each; with `dryRun`, checks everything and stores nothing.
public struct IngestFiles: UseCase {
    public var partner: String
    public var feed: String
    public var period: Period?
    public var files: [String]
    public var force: Bool
    public var dryRun: Bool

    public init(partner: String, feed: String, period: Period?, files: [String], force: Bool = false, dryRun: Bool = false) {
        self.partner = partner
        self.feed = feed
        self.period = period
        self.files = files
        self.force = force
        self.dryRun = dryRun
    }

    /// One report per file (JSON: the array of reports, as before use cases).
    public struct Result: UseCaseResult {
        public var reports: [IngestReport]
        /// Set for a dry run: the reports with the header check.
        public var dryRuns: [DryRunReport]?

        public var text: String {
            dryRuns.map { $0.map(\.text).joined(separator: "\n") } ?? reports.map(\.text).joined(separator: "\n")
        }

        /// `attention` when a file or a row was refused.
        public var exitStatus: ExitStatus {
            let clean = reports.allSatisfy { $0.status == .loaded && $0.rowsRejected == 0 && $0.rejects.isEmpty || $0.status == .alreadyLoaded }
            return clean ? .ok : .attention
        }

        public init(reports: [IngestReport], dryRuns: [DryRunReport]? = nil) {
            self.reports = reports
            self.dryRuns = dryRuns
        }

        public init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let dry = try? container.decode([DryRunReport].self) {
                self.init(reports: dry.map(\.load), dryRuns: dry)
            } else {
                self.init(reports: try container.decode([IngestReport].self))
            }
        }

        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            if let dryRuns { try container.encode(dryRuns) } else { try container.encode(reports) }
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        if dryRun {
            let dry = try files.map { try observatory.dryRun(URL(fileURLWithPath: $0), partner: partner, feed: feed, period: period, force: force) }
            return Result(reports: dry.map(\.load), dryRuns: dry)
        }
        return Result(reports: try files.map {
            IngestReport(try observatory.ingest(URL(fileURLWithPath: $0), partner: partner, feed: feed, period: period, force: force))
        })
    }
}
