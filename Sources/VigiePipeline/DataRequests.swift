import Foundation
import VigieConfig
import VigieCore
import VigieReports
import VigieStore

/// The use cases of `vigie request` and `vigie audit`: checks what the user typed against the
/// configuration, then records it in the store (which writes the audit trail).
public struct DataRequests: Sendable {
    public let observatory: Observatory

    public init(_ observatory: Observatory) {
        self.observatory = observatory
    }

    /// Creates a request. `data` names feeds as `partner/feed`, or `feed` when one partner only sends it;
    /// `by` is `level` or `level,category|nature`.
    public func create(requester: String, purpose: String, data: [String], from: Period, to: Period,
                       area: String?, by: String, at time: Date = Date()) throws -> DataRequest {
        let config = observatory.config
        var feeds: [FeedRef] = []
        for name in data {
            let ref = try resolve(name)
            if !feeds.contains(ref) { feeds.append(ref) }
        }
        guard !feeds.isEmpty else { throw VigieError(.usage, "aucun flux demandé", hint: "Donnez --data partenaire/flux[,…].") }
        guard from <= to else { throw VigieError(.usage, "la période commence (\(from)) après sa fin (\(to))") }
        var filter: AreaFilter?
        if let area {
            guard let parsed = AreaFilter(area) else {
                throw VigieError(.usage, "--area « \(area) » : écrivez commune:CODE, secteur:ID ou quartier:ID")
            }
            let territory = config.territory
            let known = switch parsed.level {
            case .commune: territory.commune(insee: parsed.code) != nil
            case .secteur: territory.sector(id: parsed.code) != nil
            case .quartier: territory.quartier(id: parsed.code) != nil
            case .territoire, .lieu: false
            }
            guard known else {
                throw VigieError(.usage, "\(parsed.level.rawValue) inconnu(e) « \(parsed.code) »", hint: "Les codes sont ceux de Config/territory.yaml.")
            }
            filter = parsed
        }
        let parts = by.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard let first = parts.first, let level = AreaLevel(rawValue: first), parts.count <= 2 else {
            throw VigieError(.usage, "--by « \(by) » : écrivez un niveau (\(AreaLevel.allCases.map(\.rawValue).joined(separator: ", "))), "
                             + "suivi au besoin de ,category ou ,nature (par exemple quartier,category)")
        }
        var columns = RequestColumns.category
        if parts.count == 2 {
            guard let c = RequestColumns(rawValue: parts[1]) else { throw VigieError(.usage, "--by « \(by) » : colonnes category ou nature") }
            columns = c
        }
        let draft = DataRequest(id: "", requester: requester, purpose: purpose, feeds: feeds, from: from, to: to, area: filter,
                                by: level, columns: columns, createdAt: "")
        return try observatory.store.createRequest(draft, at: time)
    }

    /// Records an owner's consent (with its reservation and rules) or refusal (with its reason).
    public func answer(_ id: String, owner: String, grant: Bool, reason: String?, reservation: String?, rules: [String],
                       at time: Date = Date()) throws {
        var parsed: [ReserveRule] = []
        for text in rules {
            guard let rule = ReserveRule(text) else {
                throw VigieError(.usage, "règle de réserve inconnue « \(text) »", hint: "Règles : \(ReserveRule.written.joined(separator: ", ")).")
            }
            parsed.append(rule)
        }
        let answer = grant
            ? OwnerAnswer(owner: owner, decision: .granted, reservation: reservation, rules: parsed)
            : OwnerAnswer(owner: owner, decision: .refused, reason: reason)
        try observatory.store.answer(request: id, answer, at: time)
    }

    /// `vigie request show`: the request, its answers and its audit trail, in French.
    public func describe(_ id: String) throws -> String {
        let store = observatory.store
        let request = try store.request(id)
        var lines = ["Demande \(request.id) — \(request.requester)", "Objet : \(request.purpose)",
                     "Données : \(request.feeds.map(\.description).joined(separator: ", "))",
                     "Période : \(request.from) à \(request.to) ; zone : \(request.area?.description ?? "tout le territoire") ; "
                        + "détail : \(request.by.rawValue) × \(request.columns.rawValue)",
                     "État : \(state(request, answers: try store.answers(request: id)))", "", "Réponses :"]
        for a in try store.answers(request: id) {
            switch a.decision {
            case .pending: lines.append("  \(a.owner) : en attente")
            case .granted: lines.append("  \(a.owner) : accord\(a.reservation.map { ", réserve : \($0)" } ?? "")\(a.rules.isEmpty ? "" : " [\(a.rules.map(\.description).joined(separator: ", "))]")")
            case .refused: lines.append("  \(a.owner) : refus — \(a.reason ?? "")")
            }
        }
        lines += ["", "Journal :"]
        lines += try store.auditEvents(request: id).map { "  \($0.at)  \($0.event)  \($0.actor) — \($0.detail)" }
        return lines.joined(separator: "\n")
    }

    /// « en attente de … », « prête », « satisfaite le … ».
    public func state(_ request: DataRequest, answers: [OwnerAnswer]) -> String {
        if let done = request.fulfilledAt { return "satisfaite le \(done)" }
        let pending = answers.filter { $0.decision == .pending }.map(\.owner)
        return pending.isEmpty ? "prête (toutes les réponses reçues)" : "en attente de \(pending.joined(separator: ", "))"
    }

    /// `vigie audit --format csv`: the events between two days, with a CSV header.
    public func auditCSV(from: CivilDate?, to: CivilDate?) throws -> String {
        let events = try observatory.store.auditEvents(from: from, to: to)
        return CSVTable(name: "audit", header: ["n", "date", "demande", "evenement", "acteur", "detail"],
                        rows: events.map { [String($0.id), $0.at, $0.requestID, $0.event, $0.actor, $0.detail] }).text
    }

    func resolve(_ name: String) throws -> FeedRef {
        let config = observatory.config
        let parts = name.split(separator: "/", maxSplits: 1).map(String.init)
        if parts.count == 2 {
            _ = try config.feed(partner: parts[0], feed: parts[1])
            return FeedRef(partner: parts[0], feed: parts[1])
        }
        let senders = config.partners.filter { $0.feeds.contains { $0.id == name } }
        guard senders.count == 1, let partner = senders.first else {
            throw VigieError(.usage, senders.isEmpty ? "flux inconnu « \(name) »" : "le flux « \(name) » est envoyé par plusieurs partenaires",
                             hint: "Écrivez partenaire/flux, par exemple \(senders.first.map { "\($0.id)/\(name)" } ?? "police-nationale/faits-marquants").")
        }
        return FeedRef(partner: partner.id, feed: name)
    }
}
