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
        try pool.read { db in
            try Submission.fetchAll(db, sql: """
                SELECT * FROM submission
                WHERE (?1 IS NULL OR partner = ?1) AND (?2 IS NULL OR feed = ?2)
                ORDER BY id DESC
                """, arguments: [partner, feed])
        }
    }

    /// The periods a submission covers, in order, each with the id of the file that replaced it, if any.
    public func periods(ofSubmission id: Int64) throws -> [(period: String, supersededBy: Int64?)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT period, superseded_by FROM submission_period WHERE submission_id = ? ORDER BY period_start, period_end
                """, arguments: [id]).map { ($0["period"], $0["superseded_by"]) }
        }
    }

    /// The rejects of a submission, in file order.
    public func rejects(ofSubmission id: Int64) throws -> [StoredReject] {
        try pool.read { db in
            try StoredReject.fetchAll(db, sql: """
                SELECT submission_id, sheet, source_row, source_column, value, reason FROM reject
                WHERE submission_id = ? ORDER BY id
                """, arguments: [id])
        }
    }
}
