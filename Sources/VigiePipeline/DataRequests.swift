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
    public func create(requester: Requester, purpose: String, data: [String], from: Period, to: Period,
                       area: PlaceRef?, by: String, at time: Date = Date()) throws -> DataRequest {
        var feeds: [FeedRef] = []
        for name in data {
            let ref = try resolve(name)
            if !feeds.contains(ref) { feeds.append(ref) }
        }
        guard !feeds.isEmpty else { throw VigieError(.usage, "aucun flux demandé", hint: "Donnez --data partenaire/flux[,…].") }
        guard from <= to else { throw VigieError(.usage, "la période commence (\(from)) après sa fin (\(to))") }
        guard !purpose.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw VigieError(.usage, "--purpose est vide", hint: "Dites pour quel usage les données sont demandées.")
        }
        let filter = area.map { AreaFilter(level: $0.level, code: $0.code) }
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
        return try observatory.store.createRequest(draft, requesterName: name(of: requester), at: time)
    }

    /// Records an owner's consent (with its reservation and rules) or refusal (with its reason).
    @discardableResult
    public func answer(_ id: String, owner typed: String, grant: Bool, reason: String?, reservation: String?, rules: [String],
                       at time: Date = Date()) throws -> String {
        let owner = try self.owner(typed, of: try observatory.store.request(id))
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
        try observatory.store.answer(request: id, answer, ownerName: partnerName(owner), at: time)
        return owner
    }

    /// `vigie request show`: the request, its answers and its audit trail, in French.
    public func describe(_ id: String) throws -> String {
        let store = observatory.store
        let request = try store.request(id)
        var lines = ["Demande \(request.id) — \(name(of: request.requester))", "Objet : \(request.purpose)",
                     "Données : \(request.feeds.map(\.description).joined(separator: ", "))",
                     "Période : \(request.from) à \(request.to) ; zone : \(RequestExtract.label(request.area, territory: observatory.config.territory)) ; "
                        + "détail : \(request.by.rawValue) × \(request.columns == .category ? "catégorie" : "nature")",
                     "État : \(state(request, answers: try store.answers(request: id)))", "", "Réponses :"]
        for a in try store.answers(request: id) {
            switch a.decision {
            case .pending: lines.append("  \(partnerName(a.owner)) : en attente")
            case .granted: lines.append("  \(partnerName(a.owner)) : accord\(a.reservation.map { ", réserve : \($0)" } ?? "")\(a.rules.isEmpty ? "" : " [\(a.rules.map(\.description).joined(separator: ", "))]")")
            case .refused: lines.append("  \(partnerName(a.owner)) : refus — \(a.reason ?? "")")
            }
        }
        lines += ["", "Journal :"]
        lines += try store.auditEvents(request: id).map { "  \($0.at)  \(AuditVerb.french($0.event))  \($0.actor) — \($0.detail)" }
        return lines.joined(separator: "\n")
    }

    /// « en attente de … », « prête », « satisfaite le … ».
    public func state(_ request: DataRequest, answers: [OwnerAnswer]) -> String {
        if let done = request.fulfilledAt { return "satisfaite le \(CivilDate(iso: String(done.prefix(10)))?.french ?? done)" }
        let pending = answers.filter { $0.decision == .pending }.map(\.owner)
        return pending.isEmpty ? "prête (toutes les réponses reçues)" : "en attente de \(pending.map(partnerName).joined(separator: ", "))"
    }

    /// `vigie audit --format csv`: the events between two days, with a CSV header.
    public func auditCSV(from: CivilDate?, to: CivilDate?) throws -> String {
        let events = try observatory.store.auditEvents(from: from, to: to)
        return CSVTable(name: "audit", header: ["n°", "date", "demande", "événement", "acteur", "détail"],
                        rows: events.map { [String($0.id), $0.at, $0.requestID, AuditVerb.french($0.event), $0.actor, $0.detail] }).text
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

    // MARK: - Who asks, who owns

    /// The requester as people name it: a partner (id or name) or a commune's mairie (« mairie de
    /// Créteil », « Créteil », 94028), case and accents ignored; unknown → the closest names.
    public func requester(_ typed: String) throws -> Requester {
        let config = observatory.config
        let key = typed.matchKey
        guard !key.isEmpty else { throw VigieError(.usage, "--requester est vide", hint: "Nommez un partenaire ou une commune (sa mairie).") }
        if let partner = config.partners.first(where: { Self.keys(of: $0).contains(key) }) { return .partner(partner.id) }
        var place = key
        for prefix in ["mairie de ", "mairie d ", "mairie ", "ville de ", "ville d "] where place.hasPrefix(prefix) {
            place = String(place.dropFirst(prefix.count))
            break
        }
        if case .commune(let insee)? = try? config.territory.place(place, levels: [.commune]) { return .mairie(insee) }
        var ranked: [(name: String, distance: Int)] = []
        func rank(_ name: String, _ keys: [String]) {
            let distance: Int = keys.map { editDistance(key, $0) }.min() ?? Int.max
            ranked.append((name, distance))
        }
        for partner in config.partners { rank(partner.name, Self.keys(of: partner)) }
        for c in config.territory.communes {
            let mairie = Self.mairieName(c.name)
            let keys: [String] = [c.insee, c.name.matchKey, mairie.matchKey] + c.aliases.map(\.matchKey)
            rank(mairie, keys)
        }
        ranked.sort { $0.distance != $1.distance ? $0.distance < $1.distance : $0.name < $1.name }
        let closest: [String] = ranked.prefix(3).map(\.name)
        throw VigieError(.usage, "demandeur inconnu « \(typed.shown(limit: 80)) »",
                         hint: "Les noms les plus proches : \(closest.joined(separator: ", ")) (un partenaire de Config/partners.yaml, "
                            + "ou la mairie d'une commune : son nom, son code INSEE ou « mairie de … »).")
    }

    /// The owner a consent names: a partner owning a feed of the request (id or name).
    func owner(_ typed: String, of request: DataRequest) throws -> String {
        let key = typed.matchKey
        if let id = request.owners.first(where: { id in
            id.matchKey == key || observatory.config.partners.first { $0.id == id }.map { Self.keys(of: $0).contains(key) } ?? false
        }) { return id }
        throw VigieError(.usage, "« \(typed.shown(limit: 80)) » n'est propriétaire d'aucun flux de la demande \(request.id)",
                         hint: "Propriétaires : \(request.owners.map { "\(partnerName($0)) (\($0))" }.joined(separator: ", ")).")
    }

    /// A partner's matching keys: its id and its name.
    static func keys(of partner: Partner) -> [String] {
        [partner.id.matchKey, partner.name.matchKey]
    }

    /// « Mairie de Créteil », « Mairie d'Alfortville ».
    static func mairieName(_ commune: String) -> String {
        let vowels = "AEIOUYÉÈÊÀÂÎÔH"
        return commune.first.map { vowels.contains($0) } == true ? "Mairie d'\(commune)" : "Mairie de \(commune)"
    }

    public func partnerName(_ id: String) -> String {
        observatory.config.partners.first { $0.id == id }?.name ?? id
    }

    /// How a requester is named to people: the partner's name, « Mairie de Créteil », or the stored text.
    public func name(of requester: Requester) -> String {
        switch requester {
        case .partner(let id): partnerName(id)
        case .mairie(let insee): Self.mairieName(observatory.config.territory.commune(insee: insee)?.name ?? insee)
        case .named(let text): text
        }
    }

    /// Where a requester's mail goes: the partner's contact, or the mairie's `to` in recipients.yaml; empty when none is known.
    public func mailboxes(of requester: Requester) -> [Mailbox] {
        switch requester {
        case .partner(let id):
            guard let partner = observatory.config.partners.first(where: { $0.id == id }), let email = partner.contact?.email else { return [] }
            return [Mailbox(name: partner.contact?.name ?? partner.name, email: email)]
        case .mairie(let insee): return observatory.config.recipients?.communes[insee]?.to ?? []
        case .named(let text):
            // A request recorded before requesters were typed: its text may still name one.
            guard let typed = try? self.requester(text) else { return [] }
            return mailboxes(of: typed)
        }
    }
}
