import Foundation
import VigieConfig
import VigieCore
import VigieIngest
import VigieStore

/// The observatory as the command line sees it: a checked configuration and an open store.
public struct Observatory: Sendable {
    public let config: Configuration
    public let store: Store

    /// What the feed adapters need to know of the observatory.
    public private(set) var context: IngestContext

    /// Loads and checks `Config/`, then opens (or creates) the store and brings it up to date.
    /// `today` (default: the date in Europe/Paris) bounds the incident dates accepted.
    public init(configDirectory: URL, databasePath: String, today: CivilDate? = nil) throws {
        config = try Configuration.load(from: configDirectory)
        store = try Store(path: databasePath)
        context = IngestContext(
            territory: config.territory, nomenclature: config.nomenclature,
            places: PlaceResolver(territory: config.territory, places: config.places, streets: config.streets, shapes: config.shapes),
            today: today ?? Observatory.todayInParis())
    }

    /// The same observatory on another day: a server running past midnight moves to the new date.
    public func on(_ day: CivilDate) -> Observatory {
        guard day != context.today else { return self }
        var moved = self
        moved.context.today = day
        return moved
    }

    /// The date in Europe/Paris at `instant` (now by default).
    public static func todayInParis(at instant: Date = Date()) -> CivilDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .current
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        return CivilDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1) ?? CivilDate(dayNumber: 0)
    }

    /// Loads one file for one feed, in one transaction, and says what became of it.
    /// Nothing is thrown for a bad file: a refusal is an outcome, recorded in the ledger. `force`
    /// loads bytes already loaded for another partner (refused otherwise). `dryRun` reads and checks
    /// everything and stores nothing (see `DryRun`).
    public func ingest(_ url: URL, partner: String, feed feedID: String, period: Period? = nil,
                       displayName: String? = nil, force: Bool = false, dryRun: Bool = false) throws -> IngestResult {
        let feed = try config.feed(partner: partner, feed: feedID)
        if let period, let mismatch = feed.mismatch(period) {
            throw VigieError(.usage, mismatch, hint: "Donnez --period sous la forme de \(feed.cadence.expected).")
        }
        let name = displayName ?? url.lastPathComponent
        let received: ReceivedFile
        do {
            received = try FileDigest.received(url, displayName: name)
        } catch let error as VigieError {
            return IngestResult(file: name, partner: partner, feed: feedID, sha256: nil, outcome: nil, error: error)
        }
        let adapter = FeedAdapters.adapter(for: feed, context: context, fileName: name, period: period,
                                           hmacKey: try Secrets.hmacKey(for: feed, configDirectory: config.directory))
        // The file is read and checked on a thread of its own while this one writes it (`HandOffSink`).
        let outcome = try store.load(received, feed: feed, force: force, dryRun: dryRun) { sink in
            try HandOffSink.run(into: sink) { handOff in
                let reader = try TableFile.open(url, displayName: name, readHiddenSheets: feed.readHiddenSheets)
                var summary = try adapter.read(reader, into: handOff)
                summary.notes.append(contentsOf: reader.skippedSheets.map(\.note))
                return summary
            }
        }
        return IngestResult(file: name, partner: partner, feed: feedID, sha256: received.sha256, outcome: outcome, error: nil)
    }
}

/// The result of `Observatory.ingest` for one file.
public struct IngestResult: Sendable {
    public var file: String
    public var partner: String
    public var feed: String
    /// The SHA-256 of the file's bytes (nil when it could not be read).
    public var sha256: String?
    /// nil when the file could not even be opened.
    public var outcome: LoadOutcome?
    /// Set when the file could not be opened (then nothing was recorded).
    public var error: VigieError?

    /// True when the file loaded (or was already loaded) with no rejected row.
    public var isClean: Bool {
        switch outcome {
        case .loaded(let report): return report.submission.rowsRejected == 0 && report.rejects.isEmpty
        case .alreadyLoaded: return true
        case .refused, .none: return false
        }
    }
}
