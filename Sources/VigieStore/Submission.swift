import GRDB
import VigieCore

/// One file received: a row of the ledger.
public struct Submission: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "submission"

    public enum Status: String, Codable, Sendable {
        case loaded
        /// Some of its periods were replaced by a later file.
        case partlySuperseded = "partly-superseded"
        case superseded
        case refused
    }

    public var id: Int64?
    public var partner: String
    public var feed: String
    public var fileName: String
    public var sha256: String
    public var size: Int64
    public var receivedAt: String
    public var status: Status
    public var layout: String?
    public var rowsRead: Int
    public var rowsLoaded: Int
    public var rowsRejected: Int
    public var valuesLoaded: Int
    public var message: String?

    enum CodingKeys: String, CodingKey {
        case id, partner, feed, status, layout, message, size, sha256
        case fileName = "file_name", receivedAt = "received_at", rowsRead = "rows_read"
        case rowsLoaded = "rows_loaded", rowsRejected = "rows_rejected", valuesLoaded = "values_loaded"
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A rejected value or row as stored.
public struct StoredReject: Codable, Sendable, Equatable, FetchableRecord {
    public var submissionID: Int64
    public var sheet: String?
    public var sourceRow: Int?
    public var sourceColumn: String?
    public var value: String?
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case sheet, value, reason
        case submissionID = "submission_id", sourceRow = "source_row", sourceColumn = "source_column"
    }
}

extension Store {
    /// The whole ledger, newest first.
    public func submissions(partner: String? = nil, feed: String? = nil) throws -> [Submission] {
        try read { db in
            try Submission.fetchAll(db, sql: """
                SELECT * FROM submission
                WHERE (?1 IS NULL OR partner = ?1) AND (?2 IS NULL OR feed = ?2)
                ORDER BY id DESC
                """, arguments: [partner, feed])
        }
    }

    /// One submission of the ledger, or nil.
    public func submission(id: Int64) throws -> Submission? {
        try read { db in try Submission.fetchOne(db, sql: "SELECT * FROM submission WHERE id = ?", arguments: [id]) }
    }

    /// The periods a submission covers, in order, each with the id of the file that replaced it, if any.
    public func periods(ofSubmission id: Int64) throws -> [(period: String, supersededBy: Int64?)] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT period, superseded_by FROM submission_period WHERE submission_id = ? ORDER BY period_start, period_end
                """, arguments: [id]).map { ($0["period"], $0["superseded_by"]) }
        }
    }

    /// The rejects of a submission, in file order.
    public func rejects(ofSubmission id: Int64) throws -> [StoredReject] {
        try read { db in
            try StoredReject.fetchAll(db, sql: """
                SELECT submission_id, sheet, source_row, source_column, value, reason FROM reject
                WHERE submission_id = ? ORDER BY id
                """, arguments: [id])
        }
    }
}

extension Store {
    /// The periods for which a partner's feed has a loaded file (current or since corrected).
    public func receivedPeriods(partner: String, feed: String) throws -> Set<Period> {
        try read { db in
            let texts = try String.fetchAll(db, sql: """
                SELECT DISTINCT sp.period FROM submission_period sp JOIN submission s ON s.id = sp.submission_id
                WHERE s.partner = ? AND s.feed = ? AND s.status != 'refused'
                """, arguments: [partner, feed])
            return Set(texts.compactMap(Period.init))
        }
    }
}

/// A nature label that no category mapping covers yet, with where it was seen.
public struct UnclassifiedNature: Codable, Sendable, Equatable {
    public var partner: String
    public var feed: String
    public var nature: String
    public var rows: Int
}

extension Store {
    /// Natures loaded as « non classé » in current files, so the coordinator can map them.
    /// A count code whose values are all zero (the unused index of the état 4001) carries no fact
    /// and is not listed.
    public func unclassifiedNatures() throws -> [UnclassifiedNature] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT s.partner, s.feed, i.nature, COUNT(*) AS n FROM incident i JOIN submission s ON s.id = i.submission_id
                WHERE i.category IS NULL AND s.status IN ('loaded', 'partly-superseded')
                GROUP BY s.partner, s.feed, i.nature
                UNION ALL
                SELECT s.partner, s.feed, c.code, COUNT(*) FROM count_value c JOIN submission s ON s.id = c.submission_id
                WHERE c.category IS NULL AND s.status IN ('loaded', 'partly-superseded')
                GROUP BY s.partner, s.feed, c.code HAVING SUM(c.value) > 0
                ORDER BY 1, 2, 3
                """).map { UnclassifiedNature(partner: $0[0], feed: $0[1], nature: $0[2], rows: $0[3]) }
        }
    }
}
