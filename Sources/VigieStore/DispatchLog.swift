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
