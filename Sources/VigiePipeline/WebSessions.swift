import Crypto
import Foundation
import VigieCore
import VigieStore

/// Random tokens and their hashes for the web sessions: 256 bits from the system's generator.
public enum SessionTokens {
    /// 32 random bytes, in hexadecimal.
    public static func random() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }.hex
    }

    /// What the store keeps of a session id: its SHA-256.
    public static func sha256(_ id: String) -> String {
        SHA256.hash(data: Data(id.utf8)).hex
    }
}

/// The login form: checks the password (bcrypt) of an enabled account and opens a NEW session
/// (a session id given before is never kept). A failure says nothing of which part was wrong.
public struct LogIn: UseCase {
    public var login: String
    public var password: String
    /// The client's address, for the audit.
    public var client: String
    public var now: Date

    public init(login: String, password: String, client: String, now: Date = Date()) {
        self.login = login
        self.password = password
        self.client = client
        self.now = now
    }

    public struct Result: UseCaseResult {
        /// The new session's id (for the cookie only; the store keeps its hash), nil when refused.
        public var sessionID: String?
        public var csrf: String?
        public var login: String
        public var expiresAt: String?
        public var accepted: Bool { sessionID != nil }
        public var exitStatus: ExitStatus { accepted ? .ok : .attention }
        public var text: String { accepted ? "Connecté : \(login)." : "Identifiant ou mot de passe incorrect." }
    }

    /// A hash checked when the login is unknown, so that the answer takes as long (cost 12).
    static let decoy = Passwords.hash(SessionTokens.random())

    public func run(_ observatory: Observatory) throws -> Result {
        let user = try observatory.store.user(login)
        let matches = Passwords.verify(password, hash: user?.passwordHash ?? Self.decoy)
        guard let user, matches, !user.disabled else {
            try observatory.store.recordWebAudit(login: login.shown(limit: 64), action: "connexion refusée", detail: client,
                                                 at: Timestamp.utc(now))
            return Result(sessionID: nil, csrf: nil, login: login, expiresAt: nil)
        }
        let id = SessionTokens.random()
        let csrf = SessionTokens.random()
        let hours = observatory.config.settings.web.sessionHours
        let expires = Timestamp.utc(now.addingTimeInterval(TimeInterval(hours * 3600)))
        try observatory.store.openSession(idSHA256: SessionTokens.sha256(id), login: user.login, csrf: csrf,
                                          at: Timestamp.utc(now), expiresAt: expires, client: client)
        return Result(sessionID: id, csrf: csrf, login: user.login, expiresAt: expires)
    }
}

/// The session a request's cookie names, when it is open, unexpired and its account enabled.
public struct CurrentSession: UseCase {
    public var sessionID: String
    public var now: Date

    public init(sessionID: String, now: Date = Date()) {
        self.sessionID = sessionID
        self.now = now
    }

    public struct Result: UseCaseResult {
        public var session: WebSession?
        public var text: String { session.map { "Session de \($0.login) jusqu'au \($0.expiresAt)" } ?? "Aucune session." }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        guard sessionID.count == 64, sessionID.allSatisfy(\.isHexDigit) else { return Result(session: nil) }
        return Result(session: try observatory.store.session(idSHA256: SessionTokens.sha256(sessionID), now: Timestamp.utc(now)))
    }
}

/// The logout button: ends the session.
public struct LogOut: UseCase {
    public var sessionID: String
    public var login: String

    public init(sessionID: String, login: String) {
        self.sessionID = sessionID
        self.login = login
    }

    public struct Result: UseCaseResult {
        public var text: String { "Déconnecté." }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        try observatory.store.closeSession(idSHA256: SessionTokens.sha256(sessionID), login: login, at: Timestamp.utc(Date()))
        return Result()
    }
}

/// One line of the web audit: a form sent (its path and what became of it) by a logged-in user.
public struct RecordWebAction: UseCase {
    public var login: String
    public var action: String
    public var detail: String

    public init(login: String, action: String, detail: String) {
        self.login = login
        self.action = action
        self.detail = detail
    }

    public struct Result: UseCaseResult {
        public var text: String { "" }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        try observatory.store.recordWebAudit(login: login, action: action, detail: detail, at: Timestamp.utc(Date()))
        return Result()
    }
}

/// The web audit, oldest first (for the tests and, later, an audit page).
public struct ListWebAudit: UseCase {
    public init() {}

    public struct Result: UseCaseResult {
        public var events: [WebAuditEvent]
        public var text: String {
            events.map { "\($0.at) \($0.login) — \($0.action)\($0.detail.isEmpty ? "" : " : \($0.detail)")" }.joined(separator: "\n")
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        Result(events: try observatory.store.webAuditEvents())
    }
}
