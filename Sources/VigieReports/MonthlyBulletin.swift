import Foundation
import VigieCore

/// The monthly bulletin: for the territory and each commune, the facts of the month by
/// category against the same month a year earlier (with the Poisson flag), year to date against
/// the previous year to date, rates per 1,000 inhabitants, a 13-month sparkline per category;
/// the secteurs and quartiers; the police 4001 by commune; what was not received; the comments.
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
        /// « incomplet » when a feed counting in this category was not received.
        public var note: String
        public var revised: Bool
    }

    public struct PlaceRow: Sendable, Codable {
        /// « secteur », « quartier », « commune » or « non localisé ».
        public var kind: String
        public var name: String
        public var isSector: Bool
        public var current: Int
        public var previousYear: Int
        public var change: String
        public var flag: String
        public var rate: String
        /// The month's main categories: « Incendies 4, Rodéos urbains 2 ».
        public var main: String
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
    /// same bulletin, if any: figures that differ are marked « révisé ».
    public static func build(month: Period, context: BulletinContext, lastFigures: [String: Int]? = nil,
                             communes only: [String]? = nil) throws -> MonthlyBulletin {
        guard case .month(let year, let m) = month else { throw VigieError(.usage, "« \(month) » n'est pas un mois (2026-10)") }
        let territory = context.config.territory
        let first = Period.month(year - 1, 1) < month.shifted(months: -12) ? Period.month(year - 1, 1) : month.shifted(months: -12)
        let facts = try context.facts(from: first, to: month)
        let previous = month.shifted(months: -12)
        let ytd = Set((1...m).map { Period.month(year, $0).description })
        let ytdPrevious = Set((1...m).map { Period.month(year - 1, $0).description })
        let sparkMonths = (0..<13).map { month.shifted(months: $0 - 12).description }
        let feeds = context.factFeeds + context.monthlyCountFeeds
        let missing = try context.missingFeeds(for: month, among: feeds)
        let missingPrevious = try context.missingFeeds(for: previous, among: feeds)
        let missingLastMonth = try context.missingFeeds(for: month.shifted(months: -1), among: feeds)
        var figures: [String: Int] = [:]
        var revisedCount = 0

        func sum(_ cells: [FactCell], _ months: Set<String>) -> Int {
            cells.reduce(0) { $0 + (months.contains($1.month) ? $1.count : 0) }
        }

        func area(name: String, scope: String, communes: Set<String>, population: Int) -> Area {
            let cells = facts.filter { communes.contains($0.commune) }
            let areaFeeds = feeds.filter { !Set(context.communes(of: $0)).isDisjoint(with: communes) }
            let areaMissing = missing.filter { m in areaFeeds.contains { $0.key == m.key } }
            let areaMissingPrevious = missingPrevious.filter { m in areaFeeds.contains { $0.key == m.key } }
            let areaMissingLastMonth = missingLastMonth.filter { m in areaFeeds.contains { $0.key == m.key } }

            func row(_ label: String, key: String, _ cells: [FactCell], contributing: [Feed]) -> CategoryRow {
                let allMissing = !contributing.isEmpty && contributing.allSatisfy { f in areaMissing.contains { $0.key == f.key } }
                let someMissing = contributing.contains { f in areaMissing.contains { $0.key == f.key } }
                let previousMissing = !contributing.isEmpty && contributing.allSatisfy { f in areaMissingPrevious.contains { $0.key == f.key } }
                let current: Int? = allMissing ? nil : sum(cells, [month.description])
                let last: Int? = previousMissing ? nil : sum(cells, [previous.description])
                let c = Comparison(current: current, previous: last)
                let y = Comparison(current: allMissing ? nil : sum(cells, ytd), previous: sum(cells, ytdPrevious))
                var revised = false
                for (suffix, value) in [("mois", c.current), ("n-1", c.previous), ("cumul", y.current), ("cumul-n-1", y.previous)] {
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
                    category: label, current: c.current.map(String.init) ?? "non reçu",
                    previousYear: c.previous.map(String.init) ?? "non reçu", change: c.text, flag: c.flag(context.levels).rawValue,
                    previousMonth: lastMonthMissing ? "non reçu" : String(sum(cells, [lastMonth.description])),
                    yearToDate: y.current.map(String.init) ?? "non reçu", previousYearToDate: y.previous.map(String.init) ?? "—",
                    yearToDateChange: y.text, yearToDateFlag: y.flag(context.levels).rawValue,
                    rate: Rate.french(c.current.flatMap { Rate.perThousand($0, population: population) }),
                    sparkline: Sparkline.svg(spark, width: 72, height: 18, label: "\(label), 13 derniers mois"),
                    note: someMissing && !allMissing ? "incomplet" : "", revised: revised)
            }

            let order = context.config.nomenclature.categories.map(\.id) + [""]
            let present = Set(cells.map(\.category))
            let categories = order.filter(present.contains).map { id in
                row(context.categoryLabel(id), key: id.isEmpty ? "non-classe" : id, cells.filter { $0.category == id },
                    contributing: areaFeeds.filter { $0.natures.values.contains(id) })
            }
            let total = row("Total", key: "total", cells, contributing: areaFeeds)

            // Secteurs and quartiers (or communes, for the territory).
            var places: [PlaceRow] = []
            func placeRow(kind: String, name: String, isSector: Bool, _ cells: [FactCell], population: Int?) -> PlaceRow {
                let c = Comparison(current: sum(cells, [month.description]), previous: sum(cells, [previous.description]))
                var byCategory: [String: Int] = [:]
                for cell in cells where cell.month == month.description { byCategory[cell.category, default: 0] += cell.count }
                let main = byCategory.filter { $0.value > 0 }.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.prefix(3)
                    .map { "\(context.categoryLabel($0.key)) \($0.value)" }.joined(separator: ", ")
                return PlaceRow(kind: kind, name: name, isSector: isSector, current: c.current ?? 0, previousYear: c.previous ?? 0,
                                change: c.text, flag: c.flag(context.levels).rawValue,
                                rate: Rate.french(population.flatMap { Rate.perThousand(c.current ?? 0, population: $0) }), main: main)
            }
            if communes.count > 1 {
                for commune in territory.communes where communes.contains(commune.insee) {
                    places.append(placeRow(kind: "commune", name: commune.name, isSector: true,
                                           cells.filter { $0.commune == commune.insee }, population: commune.population))
                }
            } else if let commune = territory.communes.first(where: { communes.contains($0.insee) }) {
                for sector in commune.sectors {
                    let inSector = cells.filter { $0.sector == sector.id }
                    places.append(placeRow(kind: "secteur", name: sector.name, isSector: true, inSector,
                                           population: sector.quartiers.reduce(0) { $0 + $1.population }))
                    for q in sector.quartiers {
                        places.append(placeRow(kind: "quartier", name: q.name, isSector: false,
                                               inSector.filter { $0.quartier == q.id }, population: q.population))
                    }
                }
                let unplaced = cells.filter { $0.sector.isEmpty && $0.quartier.isEmpty }
                if sum(unplaced, [month.description, previous.description]) > 0 {
                    places.append(placeRow(kind: "non localisé", name: "non localisé (commune seule)", isSector: true, unplaced, population: nil))
                }
            }

            let sources = areaFeeds.sorted { $0.key < $1.key }.map { feed -> SourceRow in
                let own = cells.filter { $0.feed == feed.key }
                let isMissing = areaMissing.contains { $0.key == feed.key }
                let wasMissing = areaMissingPrevious.contains { $0.key == feed.key }
                let c = Comparison(current: isMissing ? nil : sum(own, [month.description]), previous: wasMissing ? nil : sum(own, [previous.description]))
                return SourceRow(source: context.feedLabel(feed.key), current: c.current.map(String.init) ?? "non reçu",
                                 previousYear: c.previous.map(String.init) ?? "non reçu", change: c.text, flag: c.flag(context.levels).rawValue)
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

        // The police état 4001, by commune (the service's figure when it covers exactly the commune).
        let etatFeeds = context.config.partners.flatMap(\.feeds).filter { $0.kind == .etat4001 && $0.cadence == .monthly }
        let etatMissing = try context.missingFeeds(for: month, among: etatFeeds)
        var etat4001: [Etat4001Row] = []
        if let etat = etatFeeds.first {
            let rows = try context.store.countTotals(by: [.commune, .period], partner: etat.partnerID, feed: etat.id, from: first, to: month)
            for commune in selected {
                func value(_ months: Set<String>) -> Int { rows.filter { $0.keys[0] == commune.insee && months.contains($0.keys[1]) }.reduce(0) { $0 + $1.total } }
                let isMissing = etatMissing.contains { $0.key == etat.key }
                let c = Comparison(current: isMissing ? nil : value([month.description]), previous: value([previous.description]))
                let y = Comparison(current: isMissing ? nil : value(ytd), previous: value(ytdPrevious))
                if let v = c.current { figures["4001|\(commune.insee)|mois"] = v }
                etat4001.append(Etat4001Row(
                    commune: commune.name, current: c.current.map(String.init) ?? "non reçu", previousYear: String(c.previous ?? 0),
                    change: c.text, flag: c.flag(context.levels).rawValue, yearToDate: y.current.map(String.init) ?? "non reçu",
                    previousYearToDate: String(y.previous ?? 0), yearToDateChange: y.text,
                    rate: Rate.french(c.current.flatMap { Rate.perThousand($0, population: commune.population) })))
            }
        }

        let notReceived = (missing + etatMissing).map { context.feedLabel($0.key) }
        let comments = try context.store.comments(bulletin: "monthly", period: month.description, commune: only?.first).map(\.text)
        return MonthlyBulletin(month: month.description, monthName: month.frenchName, areas: areas, etat4001: etat4001,
                               notReceived: notReceived, comments: comments, revisedCount: revisedCount, figures: figures)
    }
}

extension Period {
    /// The month `n` months after this one (before, when negative). Only for `.month`.
    func shifted(months n: Int) -> Period {
        guard case .month(let y, let m) = self else { return self }
        let index = y * 12 + (m - 1) + n
        return .month(index / 12, index % 12 + 1)
    }

    static let monthNames = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                             "septembre", "octobre", "novembre", "décembre"]

    /// « octobre 2026 », « semaine 47 de 2026 », « 1er semestre 2026 ».
    public var frenchName: String {
        switch self {
        case .month(let y, let m): return "\(Period.monthNames[m - 1]) \(y)"
        case .isoWeek(let y, let w): return "semaine \(w) de \(y)"
        case .semester(let y, let s): return "\(s == 1 ? "1er" : "2d") semestre \(y)"
        case .year(let y): return "année \(y)"
        case .schoolYear(let y): return "année scolaire \(y)-\(y + 1)"
        }
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
            [area.name, p.kind, p.name, String(p.current), String(p.previousYear), p.change, p.flag, p.rate, p.main]
        } }
        let sourceRows = areas.flatMap { area in area.sources.map { [area.name, $0.source, $0.current, $0.previousYear, $0.change, $0.flag] } }
        return [
            CSVTable(name: "categories", header: categoryHeader, rows: categoryRows),
            CSVTable(name: "quartiers", header: ["zone", "niveau", "nom", "mois", "même mois n-1", "évolution", "signal",
                                                 "taux pour 1 000 hab.", "principales catégories"], rows: placeRows),
            CSVTable(name: "sources", header: ["zone", "source", "mois", "même mois n-1", "évolution", "signal"], rows: sourceRows),
            CSVTable(name: "etat4001", header: ["commune", "mois", "même mois n-1", "évolution", "signal", "cumul", "cumul n-1",
                                               "évolution du cumul", "taux pour 1 000 hab."],
                     rows: etat4001.map { [$0.commune, $0.current, $0.previousYear, $0.change, $0.flag, $0.yearToDate,
                                           $0.previousYearToDate, $0.yearToDateChange, $0.rate] }),
        ]
    }
}
