import Foundation
import GRDB
import VigieCore

/// An elected official's ask for a diagnostic, as stored: who, which place and months, why, and
/// whether the coordinator has dealt with it.
public struct DiagnosticAsk: Sendable, Codable, Equatable {
    public var id: Int64
    public var login: String
    /// The place as the territory names it (commune or quartier).
    public var place: String
    public var from: String
    public var to: String
    public var note: String?
    public var askedAt: String
    public var doneAt: String?
    public var doneBy: String?
}

/// The asks for a diagnostic; each change is written in the web audit in the same transaction.
extension Store {
    public func addDiagnosticAsk(login: String, place: String, from: String, to: String, note: String?, at: String) throws -> Int64 {
        try write { db in
            try db.execute(sql: "INSERT INTO diagnostic_ask (login, place, from_month, to_month, note, asked_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [login, place, from, to, note, at])
            let id = db.lastInsertedRowID
            try Self.webAudit(db, at: at, login: login, action: "diagnostic demandé", detail: "n° \(id) : \(place) de \(from) à \(to)")
            return id
        }
    }

    /// Every ask, the newest first; only `login`'s when given.
    public func diagnosticAsks(login: String? = nil) throws -> [DiagnosticAsk] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, login, place, from_month, to_month, note, asked_at, done_at, done_by FROM diagnostic_ask
                WHERE ? IS NULL OR login = ? ORDER BY id DESC
                """, arguments: [login, login]).map {
                DiagnosticAsk(id: $0["id"], login: $0["login"], place: $0["place"], from: $0["from_month"], to: $0["to_month"],
                              note: $0["note"], askedAt: $0["asked_at"], doneAt: $0["done_at"], doneBy: $0["done_by"])
            }
        }
    }

    /// Marks ask `id` done; false when there is none or it was already done.
    public func markDiagnosticAskDone(_ id: Int64, by login: String, at: String) throws -> Bool {
        try write { db in
            try db.execute(sql: "UPDATE diagnostic_ask SET done_at = ?, done_by = ? WHERE id = ? AND done_at IS NULL", arguments: [at, login, id])
            guard db.changesCount > 0 else { return false }
            try Self.webAudit(db, at: at, login: login, action: "diagnostic demandé traité", detail: "n° \(id)")
            return true
        }
    }
}
