import Foundation
import GRDB
import VigieCore

/// What became of one file handed to the store.
public enum LoadOutcome: Sendable {
    /// Loaded; the report says what was stored, rejected and superseded.
    case loaded(LoadReport)
    /// The same bytes were already received for this partner and feed: nothing was done.
    case alreadyLoaded(Submission)
    /// Refused whole: nothing of it was stored; the ledger keeps the refusal and its reason.
    case refused(Submission, VigieError)
}

/// The load report of one file.
public struct LoadReport: Sendable {
    public var submission: Submission
    public var periods: [Period]
    /// Earlier submissions whose figures this file replaced, for at least one period.
    public var superseded: [Submission]
    public var rejects: [StoredReject]
    /// What the adapter said: notes, incidents per place level, unclassified natures.
    public var summary: AdapterSummary
}

extension Store {
    /// Loads one file in one transaction: `read` streams the adapter's counts and rejects into
    /// the sink; either all of it is stored with its ledger entry, or nothing is.
    /// The same bytes for the same partner and feed are recognized and skipped. A later file for
    /// a period supersedes the earlier one for that period. `read` throwing a `VigieError` of kind
    /// `.input`, or more rejected rows than the feed tolerates, refuses the file. The same bytes
    /// already loaded for another partner refuse it too (one commune's file counted for another),
    /// unless `force`. A `dryRun` does all of it, checks included, and rolls it back: the outcome
    /// says what a load would do, and nothing is stored, not even a refusal.
    public func load(_ file: ReceivedFile, feed: Feed, receivedAt: Date = Date(), force: Bool = false, dryRun: Bool = false,
                     read: (BatchSink) throws -> AdapterSummary) throws -> LoadOutcome {
        do {
            return try pool.writeWithoutTransaction { db in
                // A file's rows go to the indexes in date order, not in the table's: with SQLite's
                // default 2 MB of cache the by-day index is written and re-read many times over
                // (2.7 GB through the WAL for a million rows). The load gets 24 MB, given back after:
                // a million rows' by-day index (12 MB) stays in it; 16 or 32 MB write the same.
                try db.execute(sql: "PRAGMA cache_size = -24576")
                defer { try? db.execute(sql: "PRAGMA cache_size = -2000") }
                var outcome: LoadOutcome?
                try db.inTransaction(.immediate) {
                    outcome = try load(db, file, feed: feed, receivedAt: receivedAt, force: force, read: read)
                    return dryRun ? .rollback : .commit
                }
                guard let outcome else { throw VigieError(.store, "chargement interrompu") }
                return outcome
            }
        } catch let error as VigieError where error.kind == .input {
            if dryRun { return .refused(Submission.refusal(file, feed: feed, receivedAt: receivedAt, error: error), error) }
            let refused = try recordRefusal(file, feed: feed, receivedAt: receivedAt, error: error)
            return .refused(refused, error)
        } catch let error as DatabaseError {
            throw Store.storeError(error, path: path)
        }
    }

    private func load(_ db: Database, _ file: ReceivedFile, feed: Feed, receivedAt: Date, force: Bool,
                      read: (BatchSink) throws -> AdapterSummary) throws -> LoadOutcome {
        if let earlier = try Submission.fetchOne(db, sql: """
            SELECT * FROM submission WHERE partner = ? AND feed = ? AND sha256 = ? AND status != 'refused'
            ORDER BY id LIMIT 1
            """, arguments: [feed.partnerID, feed.id, file.sha256]) {
            return .alreadyLoaded(earlier)
        }
        if !force, let other = try Submission.fetchOne(db, sql: """
            SELECT * FROM submission WHERE sha256 = ? AND partner != ? AND status != 'refused' ORDER BY id LIMIT 1
            """, arguments: [file.sha256, feed.partnerID]) {
            throw VigieError(.input, "ce fichier (mêmes octets) a déjà été chargé le \(other.receivedAt.prefix(10)) pour un autre partenaire : "
                                 + "« \(other.partner) », flux « \(other.feed) », sous le nom « \(other.fileName.shown()) » (dépôt n° \(other.id ?? 0))",
                             at: SourceLocation(file: file.name),
                             hint: "Un même fichier ne vient pas de deux partenaires : vérifiez --partner et le fichier. S'il est vraiment à charger aussi pour « \(feed.partnerID) », relancez avec --force.")
        }
        var submission = Submission(
            id: nil, partner: feed.partnerID, feed: feed.id, fileName: file.name, sha256: file.sha256,
            size: file.size, receivedAt: Timestamp.utc(receivedAt), status: .loaded, layout: nil,
            rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, valuesLoaded: 0, message: nil)
        try submission.insert(db)
        guard let id = submission.id else { throw VigieError(.store, "identifiant de dépôt manquant") }

        let sink = try StoreSink(db: db, submissionID: id)
        let summary = try read(sink)
        try sink.finish()

        if let limit = feed.maxRejectedRows, summary.rowsRejected > limit {
            throw VigieError(.input, "\(summary.rowsRejected) ligne(s) rejetée(s), le flux en tolère \(limit) : fichier refusé",
                             at: SourceLocation(file: file.name),
                             hint: "Premier rejet : \(sink.firstReject.map(describe) ?? "—"). Faites corriger le fichier par le partenaire.")
        }
        guard sink.valuesLoaded > 0 else {
            throw VigieError(.input, summary.rowsRejected > 0 ? "toutes les lignes ont été rejetées : fichier refusé"
                                                            : "le fichier ne contient aucune valeur",
                             at: SourceLocation(file: file.name),
                             hint: sink.firstReject.map { "Premier rejet : \(describe($0))." } ?? "Vérifiez que c'est le bon fichier pour ce flux.")
        }

        let periods = sink.periods.sorted()
        guard !periods.isEmpty else {
            throw VigieError(.input, "période du fichier introuvable", at: SourceLocation(file: file.name),
                             hint: "Donnez-la avec --period.")
        }
        var supersededIDs: Set<Int64> = []
        for period in periods {
            let key = period.description
            try db.execute(sql: """
                INSERT INTO submission_period (submission_id, period, period_start, period_end) VALUES (?, ?, ?, ?)
                """, arguments: [id, key, period.start.description, period.end.description])
            let earlier = try Int64.fetchAll(db, sql: """
                SELECT sp.submission_id FROM submission_period sp JOIN submission s ON s.id = sp.submission_id
                WHERE sp.period = ? AND sp.superseded_by IS NULL AND sp.submission_id != ?
                  AND s.partner = ? AND s.feed = ?
                """, arguments: [key, id, feed.partnerID, feed.id])
            guard !earlier.isEmpty else { continue }
            supersededIDs.formUnion(earlier)
            try db.execute(sql: """
                UPDATE submission_period SET superseded_by = ?
                WHERE period = ? AND superseded_by IS NULL AND submission_id IN (\(earlier.map { _ in "?" }.joined(separator: ",")))
                """, arguments: StatementArguments([id, key] as [any DatabaseValueConvertible]) + StatementArguments(earlier))
        }
        for old in supersededIDs {
            try db.execute(sql: """
                UPDATE submission SET status = CASE
                    WHEN EXISTS (SELECT 1 FROM submission_period WHERE submission_id = ?1 AND superseded_by IS NULL)
                    THEN 'partly-superseded' ELSE 'superseded' END
                WHERE id = ?1
                """, arguments: [old])
        }

        submission.layout = summary.layout
        submission.rowsRead = summary.rowsRead
        submission.rowsRejected = summary.rowsRejected
        submission.rowsLoaded = summary.rowsRead - summary.rowsRejected
        submission.valuesLoaded = sink.valuesLoaded
        try submission.update(db)

        let superseded = try Submission.fetchAll(db, keys: Array(supersededIDs)).sorted { ($0.id ?? 0) < ($1.id ?? 0) }
        let rejects = try StoredReject.fetchAll(db, sql: """
            SELECT submission_id, sheet, source_row, source_column, value, reason FROM reject WHERE submission_id = ? ORDER BY id
            """, arguments: [id])
        return .loaded(LoadReport(submission: submission, periods: periods, superseded: superseded, rejects: rejects, summary: summary))
    }

    private func recordRefusal(_ file: ReceivedFile, feed: Feed, receivedAt: Date, error: VigieError) throws -> Submission {
        try write { db in
            var inserted = Submission.refusal(file, feed: feed, receivedAt: receivedAt, error: error)
            try inserted.insert(db)
            return inserted
        }
    }
}

private func describe(_ reject: RejectFact) -> String {
    var parts: [String] = []
    if let sheet = reject.sheet { parts.append("feuille « \(sheet.shown()) »") }
    if let row = reject.row { parts.append("ligne \(row)") }
    if let column = reject.column { parts.append("colonne \(column)") }
    if let value = reject.value { parts.append("valeur « \(value.shown()) »") }
    return parts.joined(separator: ", ") + " : " + reject.reason
}

/// Writes an adapter's output into the open transaction, with statements prepared once.
/// Incidents go through a `StoreIncidentPreparer`: its own for those added here one by one, or
/// the one a reading thread runs (`incidentPreparer()`), whose batches come to `write(_:)`; either
/// way their monthly tally is counted here.
final class StoreSink: BatchSink {
    private let insertCount: BoundInsert
    private let insertIncident: BoundInsert
    private let upsertMonthly: BoundInsert
    private let insertReject: BoundInsert
    private let db: Database
    private let submissionID: Int64
    private(set) var valuesLoaded = 0
    private(set) var periods: Set<Period> = []
    private(set) var firstReject: RejectFact?
    private var lastPeriod: Period?
    private var lastPeriodText = ""
    /// For the incidents added one by one.
    private var preparer: StoreIncidentPreparer
    private var tally: AggregateTally

    init(db: Database, submissionID: Int64, tallyLimit: Int = AggregateTally.defaultLimit) throws {
        self.db = db
        self.submissionID = submissionID
        preparer = StoreIncidentPreparer(submissionID: submissionID)
        tally = AggregateTally(limit: tallyLimit)
        insertCount = try BoundInsert(db, sql: """
            INSERT INTO count_value (submission_id, period, unit, commune, quartier, code, category, value, sheet, source_row, source_column)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insertIncident = try BoundInsert(db, sql: IncidentRows.insert)
        upsertMonthly = try BoundInsert(db, sql: AggregateTally.upsert)
        insertReject = try BoundInsert(db, sql: """
            INSERT INTO reject (submission_id, sheet, source_row, source_column, value, reason) VALUES (?, ?, ?, ?, ?, ?)
            """)
    }

    func add(_ count: CountFact) throws {
        if count.period != lastPeriod {
            lastPeriod = count.period
            lastPeriodText = count.period.description
            periods.insert(count.period)
        }
        try insertCount.run { v in
            v.add(submissionID); v.add(lastPeriodText); v.add(count.unit.id); v.add(count.unit.commune)
            v.add(count.unit.quartier); v.add(count.code); v.add(count.category); v.add(count.value)
            v.add(count.source.sheet); v.add(count.source.row); v.add(count.source.column)
        }
        valuesLoaded += 1
    }

    func withdraw(count source: SourceRef) throws -> Int? {
        let value = try Int.fetchOne(db, sql: """
            DELETE FROM count_value WHERE submission_id = ? AND sheet IS ? AND source_row = ? AND source_column = ? RETURNING value
            """, arguments: [submissionID, source.sheet, source.row, source.column])
        if value != nil { valuesLoaded -= 1 }
        return value
    }

    func add(_ incident: IncidentFact) throws {
        try preparer.add(incident)
        if preparer.pending >= StoreIncidentPreparer.batchSize, let rows = preparer.take(final: false) { try write(rows) }
    }

    func incidentPreparer() -> (any IncidentPreparer)? {
        StoreIncidentPreparer(submissionID: submissionID)
    }

    func write(_ prepared: any PreparedIncidents) throws {
        guard let rows = prepared as? IncidentRows else { throw VigieError(.store, "faits préparés d'un autre type") }
        try insertIncident.run(rows.incidents)
        valuesLoaded += rows.incidents.count
        for incident in rows.tallied { tally.add(incident) }
        for aggregates in tally.take(final: false) { try write(aggregates) }
    }

    private func write(_ aggregates: AggregateTally.Rows) throws {
        let names = aggregates.names
        try names.bytes.withUnsafeBufferPointer { bytes in
            for (key, n) in aggregates.monthly {
                try upsertMonthly.step { bind in
                    func text(_ column: Int32, _ number: Int32) {
                        let span = names.spans[Int(number)]
                        bind.text(column, bytes.baseAddress.map { $0 + span.offset }, span.length)
                    }
                    bind.integer(1, Int64(key.day)); bind.integer(2, submissionID)
                    text(3, key.commune); text(4, key.sector); text(5, key.quartier); text(6, key.category); text(7, key.nature)
                    bind.integer(8, Int64(n))
                }
            }
        }
    }

    /// Writes what the incidents added here one by one left, then the tally still held: called
    /// once, after the adapter's last fact (a reading thread's preparer gave its last rows itself).
    func finish() throws {
        if let rows = preparer.take(final: true) { try write(rows) }
        for aggregates in tally.take(final: true) { try write(aggregates) }
    }

    func declare(period: Period) throws {
        periods.insert(period)
    }

    func reject(_ reject: RejectFact) throws {
        if firstReject == nil { firstReject = reject }
        try insertReject.run { v in
            v.add(submissionID); v.add(reject.sheet); v.add(reject.row); v.add(reject.column); v.add(reject.value); v.add(reject.reason)
        }
    }
}

extension Submission {
    /// The ledger entry of a refused file (not yet stored).
    static func refusal(_ file: ReceivedFile, feed: Feed, receivedAt: Date, error: VigieError) -> Submission {
        Submission(id: nil, partner: feed.partnerID, feed: feed.id, fileName: file.name, sha256: file.sha256,
                   size: file.size, receivedAt: Timestamp.utc(receivedAt), status: .refused, layout: nil,
                   rowsRead: 0, rowsLoaded: 0, rowsRejected: 0, valuesLoaded: 0, message: error.description)
    }
}
