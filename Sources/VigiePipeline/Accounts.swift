import Foundation
import HummingbirdBcrypt
import VigieConfig
import VigieCore
import VigieStore

/// The roles of the web application's accounts: the observatory's staff (coordinator, assistant),
/// a partner's account (its own data only) and an elected official's (its communes' bulletins).
public enum WebRole: String, Codable, Sendable, CaseIterable {
    case coordinateur
    case assistant
    case partenaire
    case elu

    /// The coordinator and the assistant: the observatory's own pages.
    public var isStaff: Bool { self == .coordinateur || self == .assistant }
}

/// The rules of logins and passwords, and the bcrypt hashing shared by the account use cases.
public enum Passwords {
    /// The shortest password accepted.
    public static let minimumLength = 12
    /// bcrypt reads at most 72 bytes: a longer password would be cut without a word.
    public static let maximumBytes = 72
    /// The bcrypt cost of new hashes (2^12 rounds: about a quarter of a second, by design).
    public static let cost: UInt8 = 12

    /// Refuses a password too short or too long, in French.
    public static func check(_ password: String) throws {
        guard password.count >= minimumLength else {
            throw VigieError(.usage, "mot de passe trop court : \(minimumLength) caractères au moins (\(password.count) donnés)",
                             hint: "Choisissez une phrase de passe d'au moins \(minimumLength) caractères.")
        }
        guard password.utf8.count <= maximumBytes else {
            throw VigieError(.usage, "mot de passe trop long : \(maximumBytes) octets au plus",
                             hint: "Raccourcissez-le (les accents comptent pour deux octets).")
        }
    }

    /// Refuses a login that is not 2 to 32 lower-case letters, digits, dots, dashes or underscores.
    public static func checkLogin(_ login: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard (2...32).contains(login.count), login.allSatisfy({ allowed.contains($0) }) else {
            throw VigieError(.usage, "identifiant « \(login.shown()) » refusé : de 2 à 32 lettres minuscules sans accent, chiffres, « . », « - » ou « _ »",
                             hint: "Par exemple : vigie user add m.durand --role assistant")
        }
    }

    /// The bcrypt hash of `password`.
    public static func hash(_ password: String, cost: UInt8 = Passwords.cost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    /// Whether `password` matches `hash` (slow by design: run it off any event loop).
    public static func verify(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
    }

    /// Who acts from the command line: the Unix user.
    public static func unixUser() -> String { MailWeekly.unixUser() }
}

/// `vigie user add LOGIN --role … [--name …]`: creates a web account, its password hashed with bcrypt.
public struct AddUser: UseCase {
    public var login: String
    public var role: WebRole
    public var name: String?
    /// A partner's account: its partners.yaml id (required for `partenaire`, refused otherwise).
    public var partner: String?
    /// An elected official's account: its communes by any name (one at least for `elu`, refused otherwise).
    public var communes: [String]
    public var password: String
    /// Who creates it (the Unix user from the command line).
    public var actor: String
    /// The bcrypt cost (12; tests use less).
    public var cost: UInt8

    public init(login: String, role: WebRole, name: String? = nil, partner: String? = nil, communes: [String] = [],
                password: String, actor: String, cost: UInt8 = Passwords.cost) {
        self.login = login
        self.role = role
        self.name = name
        self.partner = partner
        self.communes = communes
        self.password = password
        self.actor = actor
        self.cost = cost
    }

    public struct Result: UseCaseResult {
        public var login: String
        public var role: WebRole
        public var name: String?
        /// The partner's name, or the communes' names, the account is limited to.
        public var scope: String?
        public var text: String {
            "Compte créé : \(login) (\(role.rawValue)\(scope.map { " — \($0)" } ?? "")\(name.map { ", \($0)" } ?? "")). "
                + "Il se connecte sur la page « connexion » de vigie serve."
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        try Passwords.checkLogin(login)
        let (partnerID, insee, scope) = try limits(observatory.config)
        try Passwords.check(password)
        let cleanName = name?.trimmingCharacters(in: .whitespacesAndNewlines)
        let user = WebUser(login: login, name: cleanName?.isEmpty == false ? cleanName : nil, role: role.rawValue,
                           partner: partnerID, communes: insee,
                           passwordHash: Passwords.hash(password, cost: cost), createdAt: Timestamp.utc(Date()))
        guard try observatory.store.addUser(user, actor: actor, at: user.createdAt) else {
            throw VigieError(.usage, "le compte « \(login) » existe déjà",
                             hint: "vigie user list les montre ; vigie user password \(login) change son mot de passe.")
        }
        return Result(login: login, role: role, name: user.name, scope: scope)
    }

    /// The partner or communes the role needs, checked against the configuration.
    func limits(_ config: Configuration) throws -> (partner: String?, communes: [String], scope: String?) {
        switch role {
        case .partenaire:
            guard communes.isEmpty else { throw VigieError(.usage, "--commune ne va qu'avec --role elu") }
            guard let partner else {
                throw VigieError(.usage, "un compte partenaire nomme son partenaire",
                                 hint: "Ajoutez --partner ID, parmi : " + config.partners.map(\.id).joined(separator: ", "))
            }
            guard let found = config.partners.first(where: { $0.id == partner }) else {
                throw VigieError(.usage, "partenaire « \(partner.shown(limit: 40)) » inconnu",
                                 hint: "Choisissez parmi : " + config.partners.map(\.id).joined(separator: ", "))
            }
            return (found.id, [], found.name)
        case .elu:
            guard partner == nil else { throw VigieError(.usage, "--partner ne va qu'avec --role partenaire") }
            guard !communes.isEmpty else {
                throw VigieError(.usage, "un compte d'élu nomme sa ou ses communes",
                                 hint: "Ajoutez --commune (code INSEE, nom ou alias), autant de fois que de communes.")
            }
            var codes: [String] = []
            for commune in communes {
                let code = try config.territory.place(commune, levels: [.commune]).code
                if !codes.contains(code) { codes.append(code) }
            }
            return (nil, codes, codes.map { config.territory.commune(insee: $0)?.name ?? $0 }.joined(separator: ", "))
        case .coordinateur, .assistant:
            guard partner == nil && communes.isEmpty else {
                throw VigieError(.usage, "--partner et --commune ne vont qu'avec --role partenaire ou elu")
            }
            return (nil, [], nil)
        }
    }
}

/// `vigie user list`: the web accounts, without their hashes.
public struct ListUsers: UseCase {
    public init() {}

    public struct Result: UseCaseResult {
        /// One account as it is shown.
        public struct Account: Codable, Sendable {
            public var login: String
            public var name: String?
            public var role: String
            public var partner: String?
            public var communes: [String]
            public var disabled: Bool
            public var createdAt: String
        }
        public var accounts: [Account]
        public var text: String {
            guard !accounts.isEmpty else { return "Aucun compte. vigie user add LOGIN --role coordinateur|assistant|partenaire|elu en crée un." }
            return (["Comptes de l'application web :"] + accounts.map {
                "  \($0.login) — \($0.role)\($0.partner.map { " de \($0)" } ?? "")\($0.communes.isEmpty ? "" : " de " + $0.communes.joined(separator: ", "))"
                    + "\($0.name.map { " — \($0.shown())" } ?? "")\($0.disabled ? " — désactivé" : "") (créé le \($0.createdAt.prefix(10)))"
            }).joined(separator: "\n")
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        Result(accounts: try observatory.store.users().map {
            .init(login: $0.login, name: $0.name, role: $0.role, partner: $0.partner, communes: $0.communes,
                  disabled: $0.disabled, createdAt: $0.createdAt)
        })
    }
}

/// `vigie user disable LOGIN`: the account can no longer log in, and its open sessions end.
public struct DisableUser: UseCase {
    public var login: String
    public var actor: String

    public init(login: String, actor: String) {
        self.login = login
        self.actor = actor
    }

    public struct Result: UseCaseResult {
        public var login: String
        public var text: String { "Compte désactivé : \(login). Ses sessions ouvertes sont fermées." }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        guard try observatory.store.disableUser(login, actor: actor, at: Timestamp.utc(Date())) else { throw Self.unknown(login) }
        return Result(login: login)
    }

    static func unknown(_ login: String) -> VigieError {
        VigieError(.usage, "aucun compte « \(login.shown()) »", hint: "vigie user list montre les comptes.")
    }
}

/// `vigie user password LOGIN`: a new password (its open sessions end).
public struct SetPassword: UseCase {
    public var login: String
    public var password: String
    public var actor: String
    public var cost: UInt8

    public init(login: String, password: String, actor: String, cost: UInt8 = Passwords.cost) {
        self.login = login
        self.password = password
        self.actor = actor
        self.cost = cost
    }

    public struct Result: UseCaseResult {
        public var login: String
        public var text: String { "Mot de passe changé pour \(login). Ses sessions ouvertes sont fermées." }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        try Passwords.check(password)
        guard try observatory.store.user(login) != nil else { throw DisableUser.unknown(login) }
        guard try observatory.store.setPasswordHash(login, hash: Passwords.hash(password, cost: cost), actor: actor,
                                                     at: Timestamp.utc(Date())) else { throw DisableUser.unknown(login) }
        return Result(login: login)
    }
}
