import Foundation
import VigieCore

/// The monthly bulletin: for the territory and each commune, the facts of the month by
/// category against the same month a year earlier and year to date against the previous year to
/// date (like for like, flagged by the exact test), rates per 1,000 inhabitants, a 13-month
/// sparkline per category; the secteurs and quartiers; the police 4001 by commune; what was not
/// received; the comments.
public struct MonthlyBulletin: Sendable, Codable {
    public struct CategoryRow: Sendable, Codable {
        public var category: String
        public var current: String
        public var previousYear: String
        public var change: String
        public var flag: String
        /// The month before, shown for information: month on month is mostly seasonal.
        public var previousMonth: String
        public var yearToDate: String
        public var previousYearToDate: String
        public var yearToDateChange: String
        public var yearToDateFlag: String
        public var rate: String
        public var sparkline: String
        /// The feeds left out of the comparison, and why: « sans Mairie de … (police municipale) : non reçu ».
        public var note: String
        public var revised: Bool
    }

    public struct PlaceRow: Sendable, Codable {
        /// « secteur », « quartier », « commune » or « non localisé ».
        public var kind: String
        public var name: String
        public var isSector: Bool
        /// The month as received, « non reçu » or « attendu »; the same month a year earlier.
        public var current: String
        public var previousYear: String
        public var change: String
        public var flag: String
        public var rate: String
        /// The month's main categories: « Incendies 4, Rodéos urbains 2 ».
        public var main: String
        /// The feeds left out of the comparison (communes and secteurs only): « sans … : non reçu ».
        public var note: String
    }

    public struct SourceRow: Sendable, Codable {
        public var source: String
        public var current: String
        public var previousYear: String
        public var change: String
        public var flag: String
    }

    public struct Area: Sendable, Codable {
        public var name: String
        public var scope: String
        public var population: Int
        public var categories: [CategoryRow]
        public var places: [PlaceRow]
        public var sources: [SourceRow]
        public var total: CategoryRow
    }

    public struct Etat4001Row: Sendable, Codable {
        public var commune: String
        public var current: String
        public var previousYear: String
        public var change: String
        public var flag: String
        public var yearToDate: String
        public var previousYearToDate: String
        public var yearToDateChange: String
        public var rate: String
    }

    public var month: String
    public var monthName: String
    /// « période en cours : chiffres provisoires au 2 décembre … », or "" when the month is final.
    public var provisional: String
    public var areas: [Area]
    public var etat4001: [Etat4001Row]
    public var notReceived: [String]
    public var comments: [String]
    public var revisedCount: Int
    /// Every figure printed, by a stable key: what the next issue compares with.
    public var figures: [String: Int]
}

extension MonthlyBulletin {
    /// Builds the monthly of `month` (`.month`). `lastFigures` are those of the last issue of the
    /// same bulletin, if any: figures that differ are marked « révisé ». A month not over is
    /// compared on its elapsed days only, and every change on the feeds present on both sides.
    public static func build(month: Period, context: BulletinContext, lastFigures: [String: Int]? = nil,
                             communes only: [String]? = nil) throws -> MonthlyBulletin {
        guard case .month(let year, let m) = month else { throw VigieError(.usage, "« \(month) » n'est pas un mois (2026-10)") }
        let territory = context.config.territory
        let first = Period.month(year - 1, 1)
        let previous = month.shifted(months: -12)
        let feeds = context.factFeeds + context.monthlyCountFeeds
        let etatFeeds = context.config.partners.flatMap(\.feeds).filter { $0.kind == .etat4001 && $0.cadence == .monthly }
        let progress = try context.progress(of: month, among: feeds + etatFeeds)
        let lfl = try context.likeForLike(.month(year, 1), month, among: feeds + etatFeeds, through: progress.through)
        let (facts, reference, gaps, skip) = (lfl.facts, lfl.reference, lfl.gaps, lfl.skip)
        let ytd = Set((1...m).map { Period.month(year, $0).description })
        let ytdPrevious = Set((1...m).map { Period.month(year - 1, $0).description })
        let sparkMonths = (0..<13).map { month.shifted(months: $0 - 12).description }
        let monthGaps = gaps[month.description] ?? FeedGaps()
        let missing = try context.missingFeeds(for: month, among: feeds)
        let missingLastMonth = try context.missingFeeds(for: month.shifted(months: -1), among: feeds)
        var figures: [String: Int] = [:]
        var revisedCount = 0

        func sum(_ cells: [FactCell], _ months: Set<String>) -> Int {
            cells.reduce(0) { $0 + (months.contains($1.month) ? $1.count : 0) }
        }
        let compared = lfl.compared
        /// The month and the year to date against their references, like for like; what is shown
        /// as the month and the year to date (everything received); the note naming the feeds of
        /// `contributing` left out; « non reçu » or « attendu » when none of them was received.
        func comparisons(_ cells: [FactCell], _ ref: [FactCell], contributing: Set<FeedKey>) -> Compared {
            let noneNow = !contributing.isEmpty && contributing.allSatisfy { monthGaps.now[$0] != nil }
            let noneThen = !contributing.isEmpty && contributing.allSatisfy { monthGaps.then[$0] != nil }
            // With nothing of the month in, the year to date still compares the months before it.
            let noneThisYear = !contributing.isEmpty
                && (1...m).allSatisfy { i in contributing.allSatisfy { gaps[Period.month(year, i).description]?.now[$0] != nil } }
            // With nothing to compare it with, the reference month is shown as received, for information.
            let c = Comparison(current: noneNow ? nil : compared(cells, [month.description]),
                               previous: noneThen ? nil
                                   : noneNow ? sum(ref.filter { monthGaps.then[$0.feed] == nil }, [previous.description]) : compared(ref, [previous.description]))
            let y = Comparison(current: noneThisYear ? nil : compared(cells, ytd), previous: compared(ref, ytdPrevious))
            let monthNote = noneNow ? "" : context.leftOutNote(monthGaps.all, among: contributing)
            var note = noneNow && !noneThisYear ? "cumul sans \(month.frenchName)" : monthNote
            // Earlier months left out of the year to date.
            var earlier: [FeedKey: [String]] = [:]
            for i in 1..<m {
                for key in gaps[Period.month(year, i).description]?.all.keys ?? [:].keys where contributing.contains(key) && monthGaps.all[key] == nil {
                    earlier[key, default: []].append(Period.month(year, i).description)
                }
            }
            if !earlier.isEmpty {
                note += (note.isEmpty ? "" : " ; ") + "cumul sans "
                    + earlier.keys.sorted().map { "\(context.feedLabel($0)) (\(earlier[$0]?.joined(separator: ", ") ?? ""))" }.joined(separator: ", ")
            }
            // Nothing to compare: « attendu » when every feed is only late to come, else « non reçu ».
            let absent: String? = noneNow ? (contributing.allSatisfy { monthGaps.now[$0]?.hasPrefix("attendu") ?? false } ? "attendu" : "non reçu") : nil
            return Compared(month: c, yearToDate: y, shownMonth: noneNow ? nil : sum(cells, [month.description]),
                            shownYearToDate: noneThisYear ? nil : sum(cells, ytd), note: note, monthNote: monthNote, absent: absent)
        }

        func area(name: String, scope: String, communes: Set<String>, population: Int) -> Area {
            let cells = facts.filter { communes.contains($0.commune) }
            let refCells = reference.filter { communes.contains($0.commune) }
            let areaFeeds = feeds.filter { !Set(context.communes(of: $0)).isDisjoint(with: communes) }
            let areaMissingLastMonth = missingLastMonth.filter { m in areaFeeds.contains { $0.key == m.key } }

            func row(_ label: String, key: String, _ cells: [FactCell], _ ref: [FactCell], contributing: [Feed]) -> CategoryRow {
                let compared = comparisons(cells, ref, contributing: Set(contributing.map(\.key)))
                let (c, y, absent) = (compared.month, compared.yearToDate, compared.absent)
                var revised = false
                for (suffix, value) in [("mois", compared.shownMonth), ("n-1", c.previous), ("cumul", compared.shownYearToDate), ("cumul-n-1", y.previous)] {
                    guard let value else { continue }
                    let k = "\(scope)|\(key)|\(suffix)"
                    figures[k] = value
                    if let old = lastFigures?[k], old != value { revised = true }
                }
                if revised { revisedCount += 1 }
                let spark = sparkMonths.map { mo -> Int? in sum(cells, [mo]) }
                let lastMonth = month.shifted(months: -1)
                let lastMonthMissing = !contributing.isEmpty
                    && contributing.allSatisfy { f in areaMissingLastMonth.contains { $0.key == f.key } }
                return CategoryRow(
                    category: label, current: compared.shownMonth.map(String.init) ?? absent ?? "non reçu",
                    previousYear: c.previous.map(String.init) ?? "non reçu", change: absent ?? compared.monthChange,
                    flag: c.flag(context.levels).rawValue,
                    previousMonth: lastMonthMissing ? "non reçu" : String(sum(cells, [lastMonth.description])),
                    yearToDate: compared.shownYearToDate.map(String.init) ?? absent ?? "non reçu", previousYearToDate: y.previous.map(String.init) ?? "—",
                    yearToDateChange: compared.shownYearToDate == nil ? absent ?? "non reçu" : compared.yearToDateChange,
                    yearToDateFlag: y.flag(context.levels).rawValue,
                    rate: Rate.french(compared.shownMonth.flatMap { Rate.perThousand($0, population: population) }),
                    sparkline: Sparkline.svg(spark, width: 72, height: 18, label: "\(label), 13 derniers mois"),
                    note: compared.note, revised: revised)
            }

            let order = context.config.nomenclature.categories.map(\.id) + [""]
            let present = Set(cells.map(\.category))
            let categories = order.filter(present.contains).map { id in
                row(context.categoryLabel(id), key: id.isEmpty ? "non-classe" : id, cells.filter { $0.category == id },
                    refCells.filter { $0.category == id }, contributing: areaFeeds.filter { $0.natures.values.contains(id) })
            }
            let total = row("Total", key: "total", cells, refCells, contributing: areaFeeds)

            // Secteurs and quartiers (or communes, for the territory); the feeds left out are named on
            // the rows of communes and secteurs.
            var places: [PlaceRow] = []
            func placeRow(kind: String, name: String, isSector: Bool, population: Int?, feeds placeFeeds: [Feed] = areaFeeds,
                          _ match: (FactCell) -> Bool) -> PlaceRow {
                let own = cells.filter(match)
                let compared = comparisons(own, refCells.filter(match), contributing: Set(placeFeeds.map(\.key)))
                let c = compared.month
                var byCategory: [String: Int] = [:]
                for cell in own where cell.month == month.description { byCategory[cell.category, default: 0] += cell.count }
                let main = byCategory.filter { $0.value > 0 }.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(3)
                    .map { "\(context.categoryLabel($0.key)) \($0.value)" }.joined(separator: ", ")
                return PlaceRow(kind: kind, name: name, isSector: isSector,
                                current: compared.shownMonth.map(String.init) ?? compared.absent ?? "non reçu",
                                previousYear: c.previous.map(String.init) ?? "non reçu",
                                change: compared.absent ?? compared.monthChange, flag: c.flag(context.levels).rawValue,
                                rate: Rate.french(population.flatMap { Rate.perThousand(compared.shownMonth ?? 0, population: $0) }), main: main,
                                note: isSector ? compared.monthNote : "")
            }
            if communes.count > 1 {
                for commune in territory.communes where communes.contains(commune.insee) {
                    places.append(placeRow(kind: "commune", name: commune.name, isSector: true, population: commune.population,
                                           feeds: areaFeeds.filter { context.communes(of: $0).contains(commune.insee) }) { $0.commune == commune.insee })
                }
            } else if let commune = territory.communes.first(where: { communes.contains($0.insee) }) {
                for sector in commune.sectors {
                    places.append(placeRow(kind: "secteur", name: sector.name, isSector: true,
                                           population: sector.quartiers.reduce(0) { $0 + $1.population }) { $0.sector == sector.id })
                    for q in sector.quartiers {
                        places.append(placeRow(kind: "quartier", name: q.name, isSector: false, population: q.population) {
                            $0.sector == sector.id && $0.quartier == q.id
                        })
                    }
                }
                let unplaced: (FactCell) -> Bool = { $0.sector.isEmpty && $0.quartier.isEmpty }
                if sum(cells.filter(unplaced), [month.description]) + sum(refCells.filter(unplaced), [previous.description]) > 0 {
                    places.append(placeRow(kind: "non localisé", name: "non localisé (commune seule)", isSector: true, population: nil, unplaced))
                }
            }

            let sources = areaFeeds.sorted { $0.key < $1.key }.map { feed -> SourceRow in
                let own = cells.filter { $0.feed == feed.key }
                let now = monthGaps.now[feed.key]
                let c = Comparison(current: now == nil ? sum(own, [month.description]) : nil,
                                   previous: monthGaps.then[feed.key] == nil ? sum(refCells.filter { $0.feed == feed.key }, [previous.description]) : nil)
                let absent = now.map { $0.hasPrefix("attendu") ? "attendu" : "non reçu" }
                return SourceRow(source: context.feedLabel(feed.key), current: c.current.map(String.init) ?? absent ?? "non reçu",
                                 previousYear: c.previous.map(String.init) ?? "non reçu", change: absent ?? c.text,
                                 flag: c.flag(context.levels).rawValue)
            }
            return Area(name: name, scope: scope, population: population, categories: categories, places: places,
                        sources: sources, total: total)
        }

        var areas: [Area] = []
        let selected = territory.communes.filter { only?.contains($0.insee) ?? true }
        if only == nil {
            areas.append(area(name: territory.name, scope: "territoire", communes: Set(territory.communes.map(\.insee)),
                              population: territory.communes.reduce(0) { $0 + $1.population }))
        }
        for commune in selected {
            areas.append(area(name: commune.name, scope: commune.insee, communes: [commune.insee], population: commune.population))
        }

        // The police état 4001, by commune (the service's figure when it covers exactly the commune),
        // like for like too: a month whose file is missing on either side is left out of both.
        let etatMissing = try context.missingFeeds(for: month, among: etatFeeds)
        var etat4001: [Etat4001Row] = []
        if let etat = etatFeeds.first {
            let rows = try context.store.countTotals(by: [.commune, .period], partner: etat.partnerID, feed: etat.id, from: first, to: month)
            for commune in selected {
                func value(_ months: Set<String>) -> Int {
                    rows.filter { $0.keys[0] == commune.insee && months.contains($0.keys[1]) && !(skip[$0.keys[1]]?.contains(etat.key) ?? false) }
                        .reduce(0) { $0 + $1.total }
                }
                let now = monthGaps.now[etat.key]
                let absent = now.map { $0.hasPrefix("attendu") ? "attendu" : "non reçu" }
                let c = Comparison(current: now == nil ? value([month.description]) : nil,
                                   previous: monthGaps.then[etat.key] == nil ? value([previous.description]) : nil)
                let y = Comparison(current: now == nil ? value(ytd) : nil, previous: value(ytdPrevious))
                if let v = c.current { figures["4001|\(commune.insee)|mois"] = v }
                etat4001.append(Etat4001Row(
                    commune: commune.name, current: c.current.map(String.init) ?? absent ?? "non reçu",
                    previousYear: c.previous.map(String.init) ?? "non reçu",
                    change: absent ?? c.text, flag: c.flag(context.levels).rawValue, yearToDate: y.current.map(String.init) ?? absent ?? "non reçu",
                    previousYearToDate: String(y.previous ?? 0), yearToDateChange: absent ?? y.text,
                    rate: Rate.french(c.current.flatMap { Rate.perThousand($0, population: commune.population) })))
            }
        }

        var provisional = progress.notice
        if let through = progress.through {
            let span = through.day == 1 ? "le 1er" : "du 1er au \(through.day)"
            provisional += " ; comparaison avec les mêmes jours de \(previous.frenchName) (\(span))"
        }
        let notReceived = (missing + etatMissing).map { context.feedLabel($0.key) }
        let comments = try context.store.comments(bulletin: "monthly", period: month.description, commune: only?.first).map(\.text)
        return MonthlyBulletin(month: month.description, monthName: month.frenchName, provisional: provisional, areas: areas,
                               etat4001: etat4001, notReceived: notReceived, comments: comments, revisedCount: revisedCount, figures: figures)
    }
}

/// A row's comparisons, like for like, and what it shows.
struct Compared {
    var month: Comparison
    var yearToDate: Comparison
    /// Everything received for the month and the year to date (nil when nothing was).
    var shownMonth: Int?
    var shownYearToDate: Int?
    /// The feeds left out of the month and the year to date; of the month only.
    var note: String
    var monthNote: String
    var absent: String?

    var monthChange: String { Compared.change(month, shown: shownMonth) }
    var yearToDateChange: String { Compared.change(yearToDate, shown: shownYearToDate) }

    /// The change, saying on what it was computed when a source shown is left out of it:
    /// « +3 (12 à sources égales) ».
    static func change(_ c: Comparison, shown: Int?) -> String {
        guard let current = c.current, let shown, shown != current, c.previous != nil else { return c.text }
        return "\(c.text) (\(current) à sources égales)"
    }
}

extension Period {
    /// The month `n` months after this one (before, when negative). Only for `.month`.
    public func shifted(months n: Int) -> Period {
        guard case .month(let y, let m) = self else { return self }
        let index = y * 12 + (m - 1) + n
        return .month(index / 12, index % 12 + 1)
    }
}

extension MonthlyBulletin: Bulletin {
    public static let kind = "monthly"
    public var period: String { month }
    public var scope: String { areas.count == 1 ? areas[0].scope : "territoire" }

    public var csvTables: [CSVTable] {
        let categoryHeader = ["zone", "catégorie", "mois", "même mois n-1", "évolution", "signal", "mois précédent", "cumul", "cumul n-1",
                              "évolution du cumul", "signal du cumul", "taux pour 1 000 hab.", "note", "révisé"]
        let categoryRows = areas.flatMap { area in (area.categories + [area.total]).map { r in
            [area.name, r.category, r.current, r.previousYear, r.change, r.flag, r.previousMonth, r.yearToDate, r.previousYearToDate,
             r.yearToDateChange, r.yearToDateFlag, r.rate, r.note, r.revised ? "oui" : ""]
        } }
        let placeRows = areas.flatMap { area in area.places.map { p in
            [area.name, p.kind, p.name, p.current, p.previousYear, p.change, p.flag, p.rate, p.main, p.note]
        } }
        let sourceRows = areas.flatMap { area in area.sources.map { [area.name, $0.source, $0.current, $0.previousYear, $0.change, $0.flag] } }
        return [
            CSVTable(name: "categories", header: categoryHeader, rows: categoryRows),
            CSVTable(name: "quartiers", header: ["zone", "niveau", "nom", "mois", "même mois n-1", "évolution", "signal",
                                                 "taux pour 1 000 hab.", "principales catégories", "note"], rows: placeRows),
            CSVTable(name: "sources", header: ["zone", "source", "mois", "même mois n-1", "évolution", "signal"], rows: sourceRows),
            CSVTable(name: "etat4001", header: ["commune", "mois", "même mois n-1", "évolution", "signal", "cumul", "cumul n-1",
                                               "évolution du cumul", "taux pour 1 000 hab."],
                     rows: etat4001.map { [$0.commune, $0.current, $0.previousYear, $0.change, $0.flag, $0.yearToDate,
                                           $0.previousYearToDate, $0.yearToDateChange, $0.rate] }),
        ]
    }
}
