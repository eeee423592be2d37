import Foundation
import VigieCore
import VigieIngest

/// `vigie ingest --dry-run`: what loading a file would do — the header found beside the columns the
/// feed expects, the natures that would load « non classé », the rows that would be rejected, or the
/// refusal — with nothing stored. The load itself runs, checks included, and is rolled back.
public struct DryRunReport: Codable, Sendable {
    public var load: IngestReport
    /// Nil when the file cannot be opened as a table.
    public var header: HeaderCheck?

    /// The report in French.
    public var text: String {
        var lines = [load.text]
        if let header { lines.append(contentsOf: header.lines.map { "  " + $0 }) }
        return lines.joined(separator: "\n")
    }
}

extension Observatory {
    /// Reads and checks `url` for a feed as `ingest` would, and stores nothing.
    public func dryRun(_ url: URL, partner: String, feed feedID: String, period: Period? = nil,
                       force: Bool = false) throws -> DryRunReport {
        let feed = try config.feed(partner: partner, feed: feedID)
        let result = try ingest(url, partner: partner, feed: feedID, period: period, force: force, dryRun: true)
        let header = try? HeaderCheck.probe(TableFile.open(url, readHiddenSheets: feed.readHiddenSheets), feed: feed)
        return DryRunReport(load: IngestReport(result, dryRun: true), header: header)
    }
}
