import Foundation
import GRDB
import VigieCore

/// One account of the web application, as stored (the bcrypt hash included, for the login check).
public struct WebUser: Sendable, Codable, Equatable {
    public var login: String
    public var name: String?
    public var role: String
    /// A partner's account: the partner (partners.yaml id) whose data it sees.
    public var partner: String?
    /// An elected official's account: the communes (INSEE codes) whose bulletins it reads.
    public var communes: [String]
    public var passwordHash: String
    public var disabled: Bool
    public var createdAt: String

    public init(login: String, name: String?, role: String, partner: String? = nil, communes: [String] = [],
                passwordHash: String, disabled: Bool = false, createdAt: String) {
        self.login = login
        self.name = name
        self.role = role
        self.partner = partner
        self.communes = communes
        self.passwordHash = passwordHash
        self.disabled = disabled
        self.createdAt = createdAt
    }

    init(row: Row) {
        self.init(login: row["login"], name: row["name"], role: row["role"], partner: row["partner"],
                  communes: Self.communes(row["communes"]), passwordHash: row["password_hash"],
                  disabled: row["disabled"], createdAt: row["created_at"])
    }

    /// The stored list of communes: INSEE codes separated by spaces.
    static func communes(_ text: String?) -> [String] { (text ?? "").split(separator: " ").map(String.init) }
}

/// An open web session, found by the SHA-256 of its cookie's id, with its account.
public struct WebSession: Sendable, Codable, Equatable {
    public var login: String
    public var name: String?
    public var role: String
    /// The partner of a partner's account.
    public var partner: String? = nil
    /// The communes of an elected official's account.
    public var communes: [String] = []
    public var csrf: String
    public var expiresAt: String
}

/// One line of the web audit: who did what, when (UTC).
public struct WebAuditEvent: Sendable, Codable, Equatable {
    public var at: String
    public var login: String
    public var action: String
    public var detail: String
}

/// Accounts, sessions and the web audit. Every account change writes its audit line in the same
/// transaction.
extension Store {
    /// Adds an account; false when the login is taken.
    public func addUser(_ user: WebUser, actor: String, at: String) throws -> Bool {
        try write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM web_user WHERE login = ?", arguments: [user.login]) == true { return false }
            try db.execute(sql: """
                INSERT INTO web_user (login, name, role, partner, communes, password_hash, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [user.login, user.name, user.role, user.partner, user.communes.joined(separator: " "),
                                 user.passwordHash, user.disabled, user.createdAt])
            let scope = user.partner.map { " de \($0)" } ?? (user.communes.isEmpty ? "" : " de " + user.communes.joined(separator: ", "))
            try Self.webAudit(db, at: at, login: actor, action: "compte créé",
                              detail: "\(user.login) (\(user.role)\(scope))" + (user.name.map { " — \($0)" } ?? ""))
            return true
        }
    }

    /// Every account, by login.
    public func users() throws -> [WebUser] {
        try read { db in try Row.fetchAll(db, sql: "SELECT * FROM web_user ORDER BY login").map(WebUser.init(row:)) }
    }

    /// The account `login`, or nil.
    public func user(_ login: String) throws -> WebUser? {
        try read { db in try Row.fetchOne(db, sql: "SELECT * FROM web_user WHERE login = ?", arguments: [login]).map(WebUser.init(row:)) }
    }

    /// Disables an account and ends its sessions; false when there is no such account.
    public func disableUser(_ login: String, actor: String, at: String) throws -> Bool {
        try write { db in
            try db.execute(sql: "UPDATE web_user SET disabled = 1 WHERE login = ?", arguments: [login])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "DELETE FROM web_session WHERE login = ?", arguments: [login])
            try Self.webAudit(db, at: at, login: actor, action: "compte désactivé", detail: login)
            return true
        }
    }

    /// Replaces an account's password hash and ends its sessions; false when there is no such account.
    public func setPasswordHash(_ login: String, hash: String, actor: String, at: String) throws -> Bool {
        try write { db in
            try db.execute(sql: "UPDATE web_user SET password_hash = ? WHERE login = ?", arguments: [hash, login])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "DELETE FROM web_session WHERE login = ?", arguments: [login])
            try Self.webAudit(db, at: at, login: actor, action: "mot de passe changé", detail: login)
            return true
        }
    }

    /// Opens a session (its id already hashed), records the login, and drops the expired sessions.
    public func openSession(idSHA256: String, login: String, csrf: String, at: String, expiresAt: String, client: String) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM web_session WHERE expires_at <= ?", arguments: [at])
            try db.execute(sql: """
                INSERT INTO web_session (id_sha256, login, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [idSHA256, login, csrf, at, expiresAt])
            try Self.webAudit(db, at: at, login: login, action: "connexion", detail: client)
        }
    }

    /// The session whose id hashes to `idSHA256`, when it has not expired at `now` and its account is enabled.
    public func session(idSHA256: String, now: String) throws -> WebSession? {
        try read { db in
            try Row.fetchOne(db, sql: """
                SELECT s.login, u.name, u.role, u.partner, u.communes, s.csrf, s.expires_at FROM web_session s JOIN web_user u ON u.login = s.login
                WHERE s.id_sha256 = ? AND s.expires_at > ? AND u.disabled = 0
                """, arguments: [idSHA256, now]).map {
                WebSession(login: $0["login"], name: $0["name"], role: $0["role"], partner: $0["partner"],
                           communes: WebUser.communes($0["communes"]), csrf: $0["csrf"], expiresAt: $0["expires_at"])
            }
        }
    }

    /// Ends a session (logout).
    public func closeSession(idSHA256: String, login: String, at: String) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM web_session WHERE id_sha256 = ?", arguments: [idSHA256])
            try Self.webAudit(db, at: at, login: login, action: "déconnexion", detail: "")
        }
    }

    /// Appends one line to the web audit.
    public func recordWebAudit(login: String, action: String, detail: String, at: String) throws {
        try write { db in try Self.webAudit(db, at: at, login: login, action: action, detail: detail) }
    }

    /// The web audit, oldest first.
    public func webAuditEvents() throws -> [WebAuditEvent] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT at, login, action, detail FROM web_audit ORDER BY id").map {
                WebAuditEvent(at: $0["at"], login: $0["login"], action: $0["action"], detail: $0["detail"])
            }
        }
    }

    static func webAudit(_ db: Database, at: String, login: String, action: String, detail: String) throws {
        try db.execute(sql: "INSERT INTO web_audit (at, login, action, detail) VALUES (?, ?, ?, ?)",
                       arguments: [at, login, action, detail])
    }
}
