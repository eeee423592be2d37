import Foundation
import VigieCore
import VigieStore

/// `vigie comment add`: a coordinator's comment printed in one bulletin (weekly, monthly or
/// semester) of one period, for one commune or the whole territory.
public struct AddComment: UseCase {
    public var bulletin: BulletinKind
    public var period: Period
    /// A commune, as typed (code, name or alias); nil for the whole territory.
    public var commune: String?
    public var text: String

    public init(bulletin: BulletinKind, period: Period, commune: String?, text: String) {
        self.bulletin = bulletin
        self.period = period
        self.commune = commune
        self.text = text
    }

    public struct Result: UseCaseResult {
        public var id: Int64
        public var bulletin: BulletinKind
        public var period: String
        public var commune: String?
        public var communeName: String?
        public var text: String {
            "Commentaire n° \(id) ajouté au bulletin \(bulletin.rawValue) \(period)\(communeName.map { " (\($0))" } ?? " (tout le territoire)")."
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        guard bulletin != .diagnostic else {
            throw VigieError(.usage, "les diagnostics ne reçoivent pas de commentaire", hint: "Choisissez weekly, monthly ou semester.")
        }
        guard bulletin.covers(period) else {
            throw VigieError(.usage, "la période « \(period) » ne convient pas au bulletin \(bulletin.rawValue)",
                             hint: "Le bulletin \(bulletin.rawValue) (\(bulletin.french)) paraît pour \(bulletin.expectedPeriod) : un commentaire sur « \(period) » n'y apparaîtrait jamais.")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw VigieError(.usage, "le commentaire est vide") }
        let territory = observatory.config.territory
        let place = try commune.map { try territory.place($0, levels: [.commune]) }
        let id = try observatory.store.addComment(bulletin: bulletin.rawValue, period: period.description, commune: place?.code, text: trimmed)
        return Result(id: id, bulletin: bulletin, period: period.description, commune: place?.code, communeName: place.map(territory.name(of:)))
    }
}

/// `vigie comment list`: the comments, optionally of one bulletin and period.
public struct ListComments: UseCase {
    public var bulletin: BulletinKind?
    public var period: Period?

    public init(bulletin: BulletinKind?, period: Period?) {
        self.bulletin = bulletin
        self.period = period
    }

    public struct Result: UseCaseResult {
        public struct Comment: Codable, Sendable {
            public var id: Int64
            public var bulletin: String
            public var period: String
            public var commune: String?
            public var communeName: String?
            public var text: String
            public var createdAt: String
        }

        public var comments: [Comment]
        public var text: String {
            comments.isEmpty ? "Aucun commentaire."
                : comments.map { "n° \($0.id) — \($0.bulletin) \($0.period)\($0.communeName.map { " (\($0))" } ?? "") : \($0.text)" }
                    .joined(separator: "\n")
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let territory = observatory.config.territory
        let comments = try observatory.store.comments(bulletin: bulletin?.rawValue, period: period?.description).map {
            Result.Comment(id: $0.id, bulletin: $0.bulletin, period: $0.period, commune: $0.commune,
                           communeName: $0.commune.map { territory.name(of: .commune($0)) }, text: $0.text, createdAt: $0.createdAt)
        }
        return Result(comments: comments)
    }
}

/// `vigie comment remove`: removes a comment by its number.
public struct RemoveComment: UseCase {
    public var id: Int64

    public init(id: Int64) { self.id = id }

    public struct Result: UseCaseResult {
        public var id: Int64
        public var text: String { "Commentaire n° \(id) supprimé." }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        guard try observatory.store.removeComment(id: id) else {
            throw VigieError(.usage, "aucun commentaire n° \(id)", hint: "vigie comment list les énumère.")
        }
        return Result(id: id)
    }
}
