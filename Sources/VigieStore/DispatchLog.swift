import Foundation
import GRDB

/// One line of the dispatch log: a message handed to a transport and what it answered.
public struct Dispatch: Sendable, Equatable {
    public enum Result: String, Sendable { case sent, outbox, failed }

    public var bulletin: String
    public var period: String
    public var scope: String
    public var recipients: [String]
    public var messageSHA256: String
    public var transport: String
    public var at: String
    public var result: Result
    public var error: String?

    public init(bulletin: String, period: String, scope: String, recipients: [String], messageSHA256: String,
                transport: String, at: String, result: Result, error: String? = nil) {
        self.bulletin = bulletin
        self.period = period
        self.scope = scope
        self.recipients = recipients
        self.messageSHA256 = messageSHA256
        self.transport = transport
        self.at = at
        self.result = result
        self.error = error
    }
}

extension Store {
    public func recordDispatch(_ d: Dispatch) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO dispatch (bulletin, period, scope, recipients, message_sha256, transport, at, result, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [d.bulletin, d.period, d.scope, d.recipients.joined(separator: ", "), d.messageSHA256,
                                 d.transport, d.at, d.result.rawValue, d.error])
        }
    }

    /// True when this bulletin was already sent (the transport said so) for this period and scope.
    public func wasSent(bulletin: String, period: String, scope: String) throws -> Bool {
        try read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM dispatch WHERE bulletin = ? AND period = ? AND scope = ? AND result = 'sent')
                """, arguments: [bulletin, period, scope]) ?? false
        }
    }
}

/// The coordinator's approval of one bulletin mail: the hash of the content approved, when, by whom.
public struct Approval: Sendable, Equatable, Codable {
    public var bulletin: String
    public var period: String
    public var scope: String
    public var contentSHA256: String
    public var at: String
    public var by: String

    public init(bulletin: String, period: String, scope: String, contentSHA256: String, at: String, by: String) {
        self.bulletin = bulletin
        self.period = period
        self.scope = scope
        self.contentSHA256 = contentSHA256
        self.at = at
        self.by = by
    }
}

extension Store {
    public func recordApproval(_ a: Approval) throws {
        try write { db in
            try db.execute(sql: """
                INSERT INTO approval (bulletin, period, scope, content_sha256, at, approved_by) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [a.bulletin, a.period, a.scope, a.contentSHA256, a.at, a.by])
        }
    }

    /// The last approval of this bulletin, period and scope, if any.
    public func lastApproval(bulletin: String, period: String, scope: String) throws -> Approval? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT bulletin, period, scope, content_sha256, at, approved_by FROM approval
                WHERE bulletin = ? AND period = ? AND scope = ? ORDER BY id DESC LIMIT 1
                """, arguments: [bulletin, period, scope]).map {
                Approval(bulletin: $0[0], period: $0[1], scope: $0[2], contentSHA256: $0[3], at: $0[4], by: $0[5])
            }
        }
    }

    /// The moment (UTC timestamp) of the last dispatch of this bulletin, period and scope that the
    /// transport accepted, or that was written to an outbox too when `countingOutbox`; nil if none.
    public func lastDispatch(bulletin: String, period: String, scope: String, countingOutbox: Bool) throws -> String? {
        try read { db in
            try String.fetchOne(db, sql: """
                SELECT MAX(at) FROM dispatch WHERE bulletin = ? AND period = ? AND scope = ?
                AND (result = 'sent' OR (? AND result = 'outbox'))
                """, arguments: [bulletin, period, scope, countingOutbox])
        }
    }
}
