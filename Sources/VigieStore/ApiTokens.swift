import Foundation
import GRDB
import VigieCore

/// A partners' API token as stored: its partner and its SHA-256, never the token.
public struct ApiToken: Sendable, Codable, Equatable {
    public var id: Int64
    public var partner: String
    public var label: String?
    public var createdAt: String
    public var revokedAt: String?
}

/// The partners' API tokens; every change is written in the web audit in the same transaction.
extension Store {
    /// Records a token's hash for `partner`; its number.
    public func addToken(partner: String, sha256: String, label: String?, actor: String, at: String) throws -> Int64 {
        try write { db in
            try db.execute(sql: "INSERT INTO api_token (partner, sha256, label, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [partner, sha256, label, at])
            let id = db.lastInsertedRowID
            try Self.webAudit(db, at: at, login: actor, action: "jeton d'API créé", detail: "n° \(id) pour \(partner)" + (label.map { " — \($0)" } ?? ""))
            return id
        }
    }

    public func tokens() throws -> [ApiToken] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT id, partner, label, created_at, revoked_at FROM api_token ORDER BY id").map {
                ApiToken(id: $0["id"], partner: $0["partner"], label: $0["label"], createdAt: $0["created_at"], revokedAt: $0["revoked_at"])
            }
        }
    }

    /// Revokes token `id`; false when there is none (or it was already revoked).
    public func revokeToken(_ id: Int64, actor: String, at: String) throws -> Bool {
        try write { db in
            try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", arguments: [at, id])
            guard db.changesCount > 0 else { return false }
            try Self.webAudit(db, at: at, login: actor, action: "jeton d'API révoqué", detail: "n° \(id)")
            return true
        }
    }

    /// The partner of the live token whose SHA-256 is `sha256`.
    public func tokenPartner(sha256: String) throws -> (id: Int64, partner: String)? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT id, partner FROM api_token WHERE sha256 = ? AND revoked_at IS NULL", arguments: [sha256])
                .map { (id: $0["id"], partner: $0["partner"]) }
        }
    }
}
