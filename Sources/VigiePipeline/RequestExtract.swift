import Foundation
import VigieConfig
import VigieCore
import VigieReports
import VigieStore

/// What a fulfilled request gives, before anything is written: for each feed, either its
/// table under disclosure control (at the level and with the columns the owner's reservations
/// allow) or the owner's refusal. Built from the store only; tested without files.
public struct RequestExtract: Sendable {
    /// One feed of the request.
    public struct FeedPart: Sendable {
        public var ref: FeedRef
        public var feedLabel: String
        public var ownerName: String
        public var answer: OwnerAnswer
        /// nil when the owner refused: no data at all.
        public var table: DisclosedTable?
        public var level: AreaLevel
        public var columns: RequestColumns
        public var minCell: Int
        /// Why the level or the columns differ from the request, in French.
        public var notes: [String]
        /// The audit's finding for every hidden entry of the table, all tables of the package attacked together.
        public var findings: [DisclosureAudit.Finding] = []
    }

    public var request: DataRequest
    public var answers: [OwnerAnswer]
    public var parts: [FeedPart]
    /// « Créteil », « quartier Mont-Mesly (Créteil) », or the territory's name.
    public var areaLabel: String

    /// Builds the extract; an error when an owner has not answered yet.
    public static func build(_ request: DataRequest, answers: [OwnerAnswer], config: Configuration, store: Store) throws -> RequestExtract {
        let pending = answers.filter { $0.decision == .pending }.map(\.owner)
        guard pending.isEmpty else {
            throw VigieError(.usage, "la demande \(request.id) attend encore la réponse de : \(pending.joined(separator: ", "))",
                             hint: "Enregistrez chaque réponse avec vigie request consent \(request.id) --owner PARTENAIRE (--grant | --refuse --reason TEXTE).")
        }
        var parts: [FeedPart] = []
        for ref in request.feeds {
            let feed = try config.feed(partner: ref.partner, feed: ref.feed)
            let partner = config.partners.first { $0.id == ref.partner }
            let answer = answers.first { $0.owner == ref.partner } ?? OwnerAnswer(owner: ref.partner, decision: .pending)
            var part = FeedPart(ref: ref, feedLabel: "\(partner?.name ?? ref.partner) — \(feed.id)", ownerName: partner?.name ?? ref.partner,
                                answer: answer, table: nil, level: request.by, columns: request.columns,
                                minCell: answer.minCell(default: config.settings.minCell), notes: [])
            guard answer.decision == .granted else {
                part.notes.append("refusé par \(part.ownerName) : \(answer.reason ?? "sans motif donné")")
                parts.append(part)
                continue
            }
            let finest = finestLevel(of: feed)
            if part.level > finest {
                part.notes.append("détail \(part.level.french) demandé, non disponible pour ce flux : fourni \(finest.french)")
                part.level = finest
            }
            for rule in answer.rules {
                if let limit = rule.finestLevel, part.level > limit {
                    part.notes.append("réserve « \(rule) » de \(part.ownerName) : fourni \(limit.french) au lieu de \(part.level.french)")
                    part.level = limit
                }
                if rule == .pasDeTexteLibre, part.columns == .nature {
                    part.notes.append("réserve « pas-de-texte-libre » : les catégories de l'observatoire remplacent les libellés du partenaire")
                    part.columns = .category
                }
            }
            var cells = try rawCells(feed: feed, request: request, store: store, territory: config.territory)
            // Homicides and attempts are published at the commune at most (DESIGN §10): below it,
            // even « 0 » here and « < 5 » there would place them, so they leave the table and its totals.
            if part.level > .commune || (request.area?.level ?? .territoire) > .commune {
                cells.removeAll { $0.category == homicides }
                part.notes.append("homicides et tentatives : publiés seulement à la commune, jamais en dessous ; retirés de ce tableau et de ses totaux")
            }
            if let note = unplacedNote(cells, area: request.area, territory: config.territory, minCell: part.minCell) { part.notes.append(note) }
            part.table = DisclosedTable(grid(cells, level: part.level, columns: part.columns, area: request.area, config: config),
                                        minCell: part.minCell)
            parts.append(part)
        }
        try protect(&parts)
        return RequestExtract(request: request, answers: answers, parts: parts, areaLabel: label(request.area, territory: config.territory))
    }

    /// The observatory's category of homicides and attempts.
    static let homicides = "homicides"

    /// Attacks the package's tables together and hides more until every hidden entry keeps its
    /// protection interval; records the findings in each part. Throws if even hiding everything fails.
    static func protect(_ parts: inout [FeedPart]) throws {
        let indices = parts.indices.filter { parts[$0].table != nil }
        let (tables, findings) = DisclosureAudit.protect(indices.map { parts[$0].table! })
        for (k, i) in indices.enumerated() {
            parts[i].table = tables[k]
            parts[i].findings = findings.filter { $0.table == k }
        }
        if let unsafe = findings.first(where: { !$0.protected }) {
            let part = parts[indices[unsafe.table]]
            throw VigieError(.input, "secret statistique : la case masquée (\(unsafe.cell.row + 1), \(unsafe.cell.column + 1)) de \(part.ref) reste trop bien encadrée même tout masqué",
                             hint: "Demandez un regroupement moins fin (--by) ou une période plus longue.")
        }
    }

    /// The finest level a feed's data carries.
    static func finestLevel(of feed: Feed) -> AreaLevel {
        switch feed.kind {
        case .incidents: return .quartier
        case .etat4001: return .commune
        case .counts:
            switch feed.unitKind {
            case .residence, .school, .stop: return .lieu
            case .commune: return .commune
            case .territory, .line, .none: return .territoire
            }
        }
    }

    /// One stored number at the finest grain: where, what, how many.
    struct RawCell {
        var commune: String
        var sector: String
        var quartier: String
        var place: String
        var category: String
        var nature: String
        var count: Int
    }

    static func rawCells(feed: Feed, request: DataRequest, store: Store, territory: Territory) throws -> [RawCell] {
        switch feed.kind {
        case .incidents:
            return try store.incidentTotals(by: [.commune, .sector, .quartier, .category, .nature], partner: feed.partnerID, feed: feed.id,
                                            from: request.from.start, to: request.to.end).map {
                RawCell(commune: $0.keys[0], sector: $0.keys[1], quartier: $0.keys[2], place: "", category: $0.keys[3], nature: $0.keys[4], count: $0.total)
            }
        case .etat4001, .counts:
            return try store.countTotals(by: [.commune, .quartier, .unit, .category, .code], partner: feed.partnerID, feed: feed.id,
                                         from: request.from, to: request.to).map {
                RawCell(commune: $0.keys[0], sector: territory.quartier(id: $0.keys[1])?.sector.id ?? "", quartier: $0.keys[1], place: $0.keys[2],
                        category: $0.keys[3], nature: $0.keys[4], count: $0.total)
            }
        }
    }

    /// Says how many of the area's commune's facts have no secteur or quartier, so cannot be
    /// counted in a secteur or quartier: the table leaves them out, and the package says so.
    static func unplacedNote(_ cells: [RawCell], area: AreaFilter?, territory: Territory, minCell: Int) -> String? {
        guard let area else { return nil }
        let found: (kind: String, name: String, commune: Commune)? = switch area.level {
        case .secteur: territory.sector(id: area.code).map { ("secteur", $0.sector.name, $0.commune) }
        case .quartier: territory.quartier(id: area.code).map { ("quartier", $0.quartier.name, $0.commune) }
        case .commune, .territoire, .lieu: nil
        }
        guard let found else { return nil }
        let unplaced = cells.filter { cell in
            guard cell.commune == found.commune.insee else { return false }
            switch area.level {
            case .secteur: return cell.sector.isEmpty
            case .quartier: return cell.quartier.isEmpty
            case .commune, .territoire, .lieu: return false
            }
        }.reduce(0) { $0 + $1.count }
        guard unplaced > 0 else { return nil }
        // A count, like any other: shown « < m » when small.
        return "\(unplaced < minCell ? "< \(minCell)" : String(unplaced)) donnée(s) de \(found.commune.name) sans \(found.kind) connu ne sont pas comptées ici : "
            + "elles ne peuvent pas être placées dans le \(found.kind) \(found.name)"
    }

    /// The rows at `level` within `area` and the columns.
    static func grid(_ cells: [RawCell], level: AreaLevel, columns: RequestColumns, area: AreaFilter?,
                     config: Configuration) -> CountGrid {
        let kept = cells.filter { cell in
            guard let area else { return true }
            switch area.level {
            case .commune: return cell.commune == area.code
            case .secteur: return cell.sector == area.code
            case .quartier: return cell.quartier == area.code
            case .territoire, .lieu: return true
            }
        }
        func rowKey(_ c: RawCell) -> String {
            switch level {
            case .territoire: return config.territory.name
            case .commune: return config.territory.commune(insee: c.commune)?.name ?? (c.commune.isEmpty ? "commune non précisée" : c.commune)
            case .secteur: return c.sector.isEmpty ? "secteur non localisé" : config.territory.sector(id: c.sector)?.sector.name ?? c.sector
            case .quartier: return c.quartier.isEmpty ? "quartier non localisé" : config.territory.quartier(id: c.quartier)?.quartier.name ?? c.quartier
            case .lieu: return c.place.isEmpty ? "lieu non précisé" : config.places.first { $0.id == c.place }?.name ?? c.place
            }
        }
        func columnKey(_ c: RawCell) -> String {
            switch columns {
            case .category: return c.category.isEmpty ? "non classé" : config.nomenclature.category(id: c.category)?.label ?? c.category
            case .nature: return c.nature
            }
        }
        var sums: [String: [String: Int]] = [:]
        for c in kept { sums[rowKey(c), default: [:]][columnKey(c), default: 0] += c.count }
        let rows = sums.keys.sorted()
        let cols = Set(sums.values.flatMap(\.keys)).sorted()
        let counts = rows.map { r in cols.map { sums[r]?[$0] ?? 0 } }
        return CountGrid(rowLabels: rows, columnLabels: cols, counts: counts)
    }

    /// The area a request covers, as its package names it.
    static func label(_ area: AreaFilter?, territory: Territory) -> String {
        guard let area else { return territory.name }
        switch area.level {
        case .commune: return territory.commune(insee: area.code)?.name ?? area.code
        case .secteur: return "secteur \(territory.sector(id: area.code)?.sector.name ?? area.code)"
        case .quartier: return "quartier \(territory.quartier(id: area.code)?.quartier.name ?? area.code)"
        case .territoire, .lieu: return territory.name
        }
    }
}
