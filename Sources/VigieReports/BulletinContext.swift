import Foundation
import VigieConfig
import VigieCore
import VigieStore

/// What every bulletin builder reads: the configuration (names, populations, rules) and the
/// store (current figures only). It answers in the territory's words: names, not identifiers.
public struct BulletinContext: Sendable {
    public let config: Configuration
    public let store: Store
    /// The day the bulletin is written: a file not yet due is « attendu », not « non reçu ».
    public let today: CivilDate

    public init(config: Configuration, store: Store, today: CivilDate) {
        self.config = config
        self.store = store
        self.today = today
    }

    /// The levels of the exact test that flag a change (`bulletins.yaml`).
    public var levels: SignificanceLevels { config.bulletinRules.levels }

    // MARK: Names

    public func communeName(_ insee: String) -> String { config.territory.commune(insee: insee)?.name ?? insee }

    public func quartierName(_ id: String?) -> String {
        guard let id, !id.isEmpty else { return "non localisé" }
        return config.territory.quartier(id: id)?.quartier.name ?? id
    }

    public func sectorName(_ id: String?) -> String {
        guard let id, !id.isEmpty else { return "secteur non précisé" }
        return config.territory.sector(id: id)?.sector.name ?? id
    }

    public func categoryLabel(_ id: String?) -> String {
        guard let id, !id.isEmpty else { return "non classé" }
        return config.nomenclature.category(id: id)?.label ?? id
    }

    public func partnerName(_ id: String) -> String { config.partners.first { $0.id == id }?.name ?? id }

    /// « Mairie de Créteil — Direction de la tranquillité publique (police municipale) »: the
    /// partner's name and the feed's id in words.
    public func feedLabel(_ key: FeedKey) -> String {
        "\(partnerName(key.partner)) (\(key.feed.replacingOccurrences(of: "-", with: " ")))"
    }

    /// The secteur a quartier belongs to.
    public func sectorOf(quartier id: String) -> String? { config.territory.quartier(id: id)?.sector.id }

    // MARK: Figures

    /// Every counted fact of the months `from`…`to`, by month, feed, place and category: the
    /// incidents of the fact feeds (from the daily aggregates) and the monthly counts placed in
    /// the territory (bailleurs, police refined statistics). Current files only.
    /// With `through`, only the incidents up to that day, and only the monthly counts of months
    /// over by then: the same elapsed days of a reference period.
    public func facts(from: Period, to: Period, through: CivilDate? = nil) throws -> [FactCell] {
        let incidentFeeds = Set(factFeeds.map(\.key))
        let countFeeds = Set(monthlyCountFeeds.map(\.key))
        var cells: [FactCell] = []
        let last = through.map { min($0, to.end) } ?? to.end
        let rows = try store.incidentTotals(by: [.period, .partner, .feed, .commune, .sector, .quartier, .category],
                                            step: .month, from: from.start, to: last)
        for row in rows {
            let key = FeedKey(partner: row.keys[1], feed: row.keys[2])
            guard incidentFeeds.contains(key) else { continue }
            cells.append(FactCell(month: row.keys[0], feed: key, commune: row.keys[3],
                                  sector: row.keys[4].isEmpty ? (sectorOf(quartier: row.keys[5]) ?? "") : row.keys[4],
                                  quartier: row.keys[5], category: row.keys[6], count: row.total))
        }
        for row in try store.countTotals(by: [.period, .partner, .feed, .commune, .quartier, .category], from: from, to: to) {
            let key = FeedKey(partner: row.keys[1], feed: row.keys[2])
            guard countFeeds.contains(key), !row.keys[3].isEmpty else { continue }
            if let through, let month = Period(row.keys[0]), month.end > through { continue }
            cells.append(FactCell(month: row.keys[0], feed: key, commune: row.keys[3], sector: sectorOf(quartier: row.keys[4]) ?? "",
                                  quartier: row.keys[4], category: row.keys[5], count: row.total))
        }
        return cells
    }

    /// Incidents feeds counted as facts: all but those read as complaints (doléances: a `channel` column).
    public var factFeeds: [Feed] {
        config.partners.flatMap(\.feeds).filter { $0.kind == .incidents && $0.columns["channel"] == nil }
    }

    /// Counts feeds placed in the territory month by month (bailleurs, refined statistics).
    public var monthlyCountFeeds: [Feed] {
        config.partners.flatMap(\.feeds).filter { $0.kind == .counts && $0.cadence == .monthly }
    }

    /// The feeds (weekly or monthly) that owe a file for some part of `period` and have not sent
    /// it: shown « non reçu », never as 0. A feed whose `since` is later owes nothing; a file
    /// not yet due is listed apart (`pending`), since nobody is late yet.
    public func missingFeeds(for period: Period, among feeds: [Feed]) throws -> [Feed] {
        try unreceived(for: period, among: feeds).filter { $0.due < today }.map(\.feed)
    }

    /// Files owed for `period` and not received, late or not yet due.
    public func unreceived(for period: Period, among feeds: [Feed]) throws -> [Unreceived] {
        var result: [Unreceived] = []
        for feed in feeds where feed.cadence == .weekly || feed.cadence == .monthly {
            let received = try store.receivedPeriods(partner: feed.partnerID, feed: feed.id)
            // As the completeness register: owed from `since`, else from the first file; a feed
            // that never sent anything and has no `since` (public files, on request) owes nothing.
            guard let since = feed.since ?? received.min() else { continue }
            var p = feed.period(of: period.start)
            var first: Unreceived?
            while p.start <= period.end {
                let owed = since.start <= p.start
                if owed, !received.contains(p) {
                    let item = Unreceived(feed: feed, period: p, due: feed.dueDate(of: p))
                    if first == nil || item.due < today { first = first.map { $0.due < today ? $0 : item } ?? item }
                }
                p = feed.next(after: p)
            }
            if let first { result.append(first) }
        }
        return result
    }

    /// Where `period` stands today. A period that has not begun is refused (usage error).
    public func progress(of period: Period, among feeds: [Feed]) throws -> PeriodProgress {
        guard period.start <= today else {
            throw VigieError(.usage, "la période \(period) n'a pas commencé (nous sommes le \(today.french)) : pas de bulletin pour l'avenir",
                             hint: "Donnez une période commencée, par exemple la période en cours ou une période passée.")
        }
        let through: CivilDate? = period.end >= today ? today : nil
        let pending = try unreceived(for: period, among: feeds).filter { $0.due >= today }
            .map { "\(feedLabel($0.feed.key)) le \($0.due.french)" }
        var parts: [String] = []
        if let through { parts.append("période en cours : chiffres provisoires au \(through.frenchDayMonth)") }
        if !pending.isEmpty {
            parts.append((through == nil ? "chiffres provisoires : " : "") + "fichiers encore attendus : " + pending.joined(separator: ", "))
        }
        return PeriodProgress(through: through, notice: parts.joined(separator: " ; "))
    }

    /// The feeds that cannot be compared between `now` and its reference `then`: the file for
    /// `now` not received (« non reçu ») or not yet due (« attendu »), or late for `then`
    /// (« non reçu en 2025-11 »). Comparisons leave them out of both sides.
    public func gaps(now: Period, then: Period, among feeds: [Feed]) throws -> FeedGaps {
        var gaps = FeedGaps()
        for item in try unreceived(for: then, among: feeds) where item.due < today {
            gaps.then[item.feed.key] = "non reçu en \(item.period)"
        }
        for item in try unreceived(for: now, among: feeds) {
            gaps.now[item.feed.key] = item.due < today ? "non reçu" : "attendu le \(item.due.french)"
        }
        return gaps
    }

    /// The facts of the months `first`…`last` and of the twelve months before them, ready to
    /// compare each month with the same month a year earlier on the feeds present on both sides;
    /// a month still running (`through`) against the same elapsed days a year earlier.
    public func likeForLike(_ first: Period, _ last: Period, among feeds: [Feed], through: CivilDate?) throws -> LikeForLike {
        let facts = try self.facts(from: first.shifted(months: -12), to: last, through: through)
        var reference = facts
        var gaps: [String: FeedGaps] = [:]
        var skip: [String: Set<FeedKey>] = [:]
        var month = first
        while month <= last {
            let before = month.shifted(months: -12)
            if let through, month.contains(through) {
                reference.removeAll { $0.month == before.description }
                reference += try self.facts(from: before, to: before, through: through.sameDay(years: -1))
            }
            let g = try self.gaps(now: month, then: before, among: feeds)
            gaps[month.description] = g
            // Over more than twelve months a month is both compared and a reference: both gaps count.
            skip[month.description, default: []].formUnion(g.all.keys)
            skip[before.description, default: []].formUnion(g.all.keys)
            month = month.shifted(months: 1)
        }
        return LikeForLike(facts: facts, reference: reference, gaps: gaps, skip: skip)
    }

    /// « sans Mairie de Créteil (police municipale) : non reçu » for the feeds of `leftOut` in
    /// `among` (all when nil); "" when none.
    public func leftOutNote(_ leftOut: [FeedKey: String], among: Set<FeedKey>? = nil) -> String {
        let items = leftOutItems(leftOut, among: among)
        return items.isEmpty ? "" : "sans " + items.joined(separator: " ; ")
    }

    /// « Mairie de Créteil (police municipale) : non reçu », one a feed of `leftOut` in `among`
    /// (all when nil), in feed order.
    public func leftOutItems(_ leftOut: [FeedKey: String], among: Set<FeedKey>? = nil) -> [String] {
        leftOut.keys.filter { among?.contains($0) ?? true }.sorted().map { "\(feedLabel($0)) : \(leftOut[$0] ?? "")" }
    }

    /// « RATP (incidents transport) : 2026-11, attendu le 10/12/2026 ».
    public func pendingNotes(for period: Period, among feeds: [Feed]) throws -> [String] {
        try unreceived(for: period, among: feeds).filter { $0.due >= today }.map {
            "\(feedLabel($0.feed.key)) : \($0.period), attendu le \($0.due.french)"
        }
    }

    /// Communes a feed reports on (its fixed commune, or every commune of the territory).
    public func communes(of feed: Feed) -> [String] {
        if let c = feed.commune { return [c] }
        if feed.unitKind == .residence || feed.unitKind == .stop || feed.unitKind == .school {
            let kind: NamedPlace.Kind = feed.unitKind == .residence ? .residence : feed.unitKind == .stop ? .stop : .school
            let owned = config.places.filter { $0.kind == kind && ($0.owner == nil || $0.owner == feed.partnerID) }
            let communes = Set(owned.compactMap(\.commune))
            if !communes.isEmpty { return config.territory.communes.map(\.insee).filter(communes.contains) }
        }
        return config.territory.communes.map(\.insee)
    }
}


/// The feeds left out of a comparison, with why: absent for the period (`now`) or for its
/// reference (`then`).
public struct FeedGaps: Sendable {
    public var now: [FeedKey: String] = [:]
    public var then: [FeedKey: String] = [:]
    /// Every feed left out, with the reason for the period first.
    public var all: [FeedKey: String] { then.merging(now) { _, n in n } }
}

/// Facts to compare like for like (`BulletinContext.likeForLike`): `facts` as received,
/// `reference` with a running month's year-earlier month cut at the same day, and the feeds
/// left out of each month's comparison (`gaps` by month; `skip` by month on both sides).
public struct LikeForLike: Sendable {
    public var facts: [FactCell]
    public var reference: [FactCell]
    public var gaps: [String: FeedGaps]
    public var skip: [String: Set<FeedKey>]

    /// The sum of `cells` in `months`, on the feeds compared in each month.
    public func compared(_ cells: [FactCell], _ months: Set<String>) -> Int {
        comparedCells(cells, months).reduce(0) { $0 + $1.count }
    }

    /// The cells of `cells` in `months` on the feeds compared in each month: what `compared` sums.
    public func comparedCells(_ cells: [FactCell], _ months: Set<String>) -> [FactCell] {
        cells.filter { months.contains($0.month) && !(skip[$0.month]?.contains($0.feed) ?? false) }
    }

    /// Every feed left out of some month of `months` (current labels), with the reason of the first.
    public func leftOut(_ months: [String]) -> [FeedKey: String] {
        var result: [FeedKey: String] = [:]
        for m in months { for (k, v) in gaps[m]?.all ?? [:] where result[k] == nil { result[k] = "\(v) (\(m))" } }
        return result
    }
}

/// Where a bulletin's period stands on the day it is written.
public struct PeriodProgress: Sendable {
    /// The last day counted (today) when the period is not over; nil when it is.
    public var through: CivilDate?
    /// « période en cours : chiffres provisoires au 2 décembre », the files not yet due; "" when final.
    public var notice: String
}

/// A file owed and not received: late when its due date is past.
public struct Unreceived: Sendable {
    public var feed: Feed
    public var period: Period
    public var due: CivilDate
}

/// Facts of one month, feed, place and category.
public struct FactCell: Sendable, Equatable {
    public var month: String
    public var feed: FeedKey
    public var commune: String
    public var sector: String
    public var quartier: String
    public var category: String
    public var count: Int
}
