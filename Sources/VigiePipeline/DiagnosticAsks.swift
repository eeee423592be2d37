import Foundation
import VigieCore
import VigieStore

/// An elected official asks the coordinator for a diagnostic of one of its communes or of a
/// quartier in them, over whole months; recorded for the coordinator's dashboard and the audit.
public struct AskDiagnostic: UseCase {
    public var login: String
    /// The communes the account holds (INSEE codes): the place must lie within them.
    public var communes: [String]
    /// The place as typed (commune or quartier: code, name or alias).
    public var place: String
    public var from: Period
    public var to: Period
    public var note: String?

    public init(login: String, communes: [String], place: String, from: Period, to: Period, note: String?) {
        self.login = login
        self.communes = communes
        self.place = place
        self.from = from
        self.to = to
        self.note = note
    }

    /// How long a note may be (characters).
    public static let noteLimit = 1000

    public struct Result: UseCaseResult {
        public var id: Int64
        public var placeName: String
        public var text: String { "Demande de diagnostic n° \(id) (\(placeName)) transmise au coordinateur." }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let territory = observatory.config.territory
        let ref = try territory.place(place, levels: [.commune, .quartier])
        guard territory.place(ref, liesWithin: Set(communes)) else {
            throw VigieError(.usage, "« \(territory.name(of: ref)) » n'est pas l'une de vos communes ni l'un de leurs quartiers",
                             hint: "Choisissez un lieu de la liste.")
        }
        guard case .month = from, case .month = to, from.start <= to.start else {
            throw VigieError(.usage, "la période va d'un mois à un mois qui ne le précède pas (2026-01 à 2026-06)")
        }
        let text = note?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard text.count <= Self.noteLimit else {
            throw VigieError(.usage, "la précision est trop longue (\(text.count) caractères, \(Self.noteLimit) au plus)")
        }
        let name = territory.name(of: ref)
        let id = try observatory.store.addDiagnosticAsk(login: login, place: name, from: from.description, to: to.description,
                                                        note: text.isEmpty ? nil : text, at: Timestamp.utc(Date()))
        return Result(id: id, placeName: name)
    }
}

/// The asks for a diagnostic: every one for the coordinator, its own for an elected official.
public struct ListDiagnosticAsks: UseCase, Hashable {
    public var login: String?

    public init(login: String? = nil) { self.login = login }

    public struct Result: UseCaseResult {
        public var asks: [DiagnosticAsk]
        public var pending: [DiagnosticAsk] { asks.filter { $0.doneAt == nil } }
        public var text: String { "\(asks.count) demande(s) de diagnostic, dont \(pending.count) à traiter." }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        Result(asks: try observatory.store.diagnosticAsks(login: login))
    }
}

/// The coordinator marks an ask for a diagnostic done (the diagnostic sent or presented).
public struct MarkDiagnosticAskDone: UseCase {
    public var id: Int64
    public var login: String

    public init(id: Int64, login: String) {
        self.id = id
        self.login = login
    }

    public struct Result: UseCaseResult {
        public var id: Int64
        public var text: String { "Demande de diagnostic n° \(id) traitée." }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        guard try observatory.store.markDiagnosticAskDone(id, by: login, at: Timestamp.utc(Date())) else {
            throw VigieError(.usage, "demande de diagnostic n° \(id) inconnue ou déjà traitée")
        }
        return Result(id: id)
    }
}
