import Foundation
import VigieConfig
import VigieCore
import VigieStore

/// `vigie token add --partner P [--label …]`: a bearer token for a partner's system, printed once,
/// kept only as its SHA-256.
public struct AddToken: UseCase {
    public var partner: String
    public var label: String?
    public var actor: String

    public init(partner: String, label: String? = nil, actor: String) {
        self.partner = partner
        self.label = label
        self.actor = actor
    }

    public struct Result: UseCaseResult {
        public var id: Int64
        public var partner: String
        /// The token itself: shown now, never again.
        public var token: String
        public var text: String {
            "Jeton n° \(id) pour \(partner) (à donner au système du partenaire ; il ne sera plus affiché) :\n\(token)\n"
                + "Appel : Authorization: Bearer <jeton>. Révocation : vigie token revoke \(id)."
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        guard observatory.config.partners.contains(where: { $0.id == partner }) else {
            throw VigieError(.usage, "partenaire « \(partner.shown(limit: 40)) » inconnu",
                             hint: "Choisissez parmi : " + observatory.config.partners.map(\.id).joined(separator: ", "))
        }
        let token = SessionTokens.random()
        let clean = label?.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200).description
        let id = try observatory.store.addToken(partner: partner, sha256: SessionTokens.sha256(token), label: clean?.isEmpty == false ? clean : nil,
                                                actor: actor, at: Timestamp.utc(Date()))
        return Result(id: id, partner: partner, token: token)
    }
}

/// `vigie token list`: the tokens, without their secret.
public struct ListTokens: UseCase {
    public init() {}

    public struct Result: UseCaseResult {
        public var tokens: [ApiToken]
        public var text: String {
            guard !tokens.isEmpty else { return "Aucun jeton d'API. vigie token add --partner P en crée un." }
            return (["Jetons de l'API des partenaires :"] + tokens.map {
                "  n° \($0.id) — \($0.partner)\($0.label.map { " — \($0.shown())" } ?? "") — créé le \($0.createdAt.prefix(10))"
                    + ($0.revokedAt.map { " — révoqué le \($0.prefix(10))" } ?? "")
            }).joined(separator: "\n")
        }
    }

    public func run(_ observatory: Observatory) throws -> Result { Result(tokens: try observatory.store.tokens()) }
}

/// `vigie token revoke ID`: the token opens nothing any more.
public struct RevokeToken: UseCase {
    public var id: Int64
    public var actor: String

    public init(id: Int64, actor: String) {
        self.id = id
        self.actor = actor
    }

    public struct Result: UseCaseResult {
        public var id: Int64
        public var text: String { "Jeton n° \(id) révoqué : il n'ouvre plus rien." }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        guard try observatory.store.revokeToken(id, actor: actor, at: Timestamp.utc(Date())) else {
            throw VigieError(.usage, "aucun jeton en service n° \(id)", hint: "vigie token list montre les jetons.")
        }
        return Result(id: id)
    }
}

/// The partner a bearer token opens (and the token's number), if it is well formed, known and not revoked.
public struct ApiCaller: UseCase {
    public var token: String

    public init(token: String) { self.token = token }

    public struct Result: UseCaseResult {
        public var partner: String?
        public var tokenID: Int64?
        public var text: String { partner ?? "jeton inconnu" }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        guard token.utf8.count == 64, token.allSatisfy(\.isHexDigit),
              let found = try observatory.store.tokenPartner(sha256: SessionTokens.sha256(token)) else { return Result(partner: nil, tokenID: nil) }
        return Result(partner: found.partner, tokenID: found.id)
    }
}
