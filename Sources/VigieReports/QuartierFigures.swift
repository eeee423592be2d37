import Foundation
import VigieCore

/// Every quartier's facts of one month or semester (all categories or one), against the same
/// period a year earlier like for like, counted as the semester study's maps count them: the
/// « Carte » page's model.
public struct QuartierFigures: Sendable, Codable {
    /// One category's facts in a quartier: received this period, and compared like for like.
    public struct CategoryLine: Sendable, Codable, Equatable {
        public var category: String
        public var label: String
        public var current: Int
        public var previous: Int
        /// « +3 », « −12 (−25 %) », « nouveau », « = » (a percentage only from a base of 20).
        public var change: String
        public var flag: String
    }

    /// One quartier: its facts, rate per 1,000 inhabitants and change (per 1,000 inhabitants).
    public struct Line: Sendable, Codable, Equatable {
        public var id: String
        public var name: String
        public var commune: String
        public var population: Int
        /// Everything received for the period (the category's, when one is chosen).
        public var current: Int
        public var previous: Int
        public var rate: Double?
        public var changePerThousand: Double?
        public var change: String
        public var flag: String
        /// Every category with a fact in either period, most facts first (all categories, whatever the one chosen).
        public var categories: [CategoryLine]
    }

    public var period: String
    public var periodName: String
    public var previousName: String
    /// The category chosen (its id), nil for all.
    public var category: String?
    public var categoryLabel: String
    /// « période en cours : chiffres provisoires au … », files still expected; "" when final.
    public var notice: String
    /// « sans RATP (incidents transport) : non reçu (2026-10) »: the feeds left out of the comparison.
    public var leftOut: String
    public var quartiers: [Line]
}

extension QuartierFigures {
    /// Builds the figures of `period` (a month or a semester; one that has not begun is refused)
    /// for `category` (a nomenclature id, "" for « non classé », nil for all).
    public static func build(period: Period, category: String?, context: BulletinContext) throws -> QuartierFigures {
        let first: Period, last: Period
        switch period {
        case .month: (first, last) = (period, period)
        case .semester: (first, last) = (Period.month(period.start.year, period.start.month), Period.month(period.end.year, period.end.month))
        default: throw VigieError(.usage, "« \(period) » n'est ni un mois (2026-10) ni un semestre (2026-S1)")
        }
        let config = context.config
        let comparedFeeds = context.factFeeds + context.monthlyCountFeeds
            + config.partners.flatMap(\.feeds).filter { $0.kind == .etat4001 && $0.cadence == .monthly }
        let progress = try context.progress(of: period, among: comparedFeeds)
        let lfl = try context.likeForLike(first, last, among: comparedFeeds, through: progress.through)
        var months: Set<String> = [], monthsBefore: Set<String> = []
        var month = first
        while month <= last {
            months.insert(month.description)
            monthsBefore.insert(month.shifted(months: -12).description)
            month = month.shifted(months: 1)
        }
        let facts = lfl.facts.filter { months.contains($0.month) }
        let factsBefore = lfl.reference.filter { monthsBefore.contains($0.month) }
        func chosen(_ cell: FactCell) -> Bool { category.map { cell.category == $0 } ?? true }

        var lines: [Line] = []
        for commune in config.territory.communes {
            for sector in commune.sectors {
                for q in sector.quartiers {
                    let own = facts.filter { $0.quartier == q.id }, ownBefore = factsBefore.filter { $0.quartier == q.id }
                    var categories: [CategoryLine] = []
                    for id in Set((own + ownBefore).map(\.category)) {
                        let now = own.filter { $0.category == id }, then = ownBefore.filter { $0.category == id }
                        let cmp = Comparison(current: lfl.compared(now, months), previous: lfl.compared(then, monthsBefore))
                        let shown = now.reduce(0) { $0 + $1.count }
                        categories.append(CategoryLine(category: id, label: context.categoryLabel(id), current: shown, previous: cmp.previous ?? 0,
                                                       change: Compared.change(cmp, shown: shown), flag: cmp.flag(context.levels).rawValue))
                    }
                    categories.sort { ($0.current, $0.previous, $1.label) > ($1.current, $1.previous, $0.label) }
                    let mine = own.filter(chosen), mineBefore = ownBefore.filter(chosen)
                    let shown = mine.reduce(0) { $0 + $1.count }
                    let cmp = Comparison(current: lfl.compared(mine, months), previous: lfl.compared(mineBefore, monthsBefore))
                    let p = cmp.previous ?? 0
                    lines.append(Line(id: q.id, name: q.name, commune: commune.name, population: q.population, current: shown, previous: p,
                                      rate: Rate.perThousand(shown, population: q.population),
                                      changePerThousand: q.population > 0 ? Double((cmp.current ?? 0) - p) * 1000 / Double(q.population) : nil,
                                      change: Compared.change(cmp, shown: shown), flag: cmp.flag(context.levels).rawValue,
                                      categories: categories))
                }
            }
        }
        return QuartierFigures(period: period.description, periodName: period.frenchName, previousName: period.previousYear.frenchName,
                               category: category, categoryLabel: category.map { context.categoryLabel($0) } ?? "toutes catégories",
                               notice: progress.notice, leftOut: context.leftOutNote(lfl.leftOut(months.sorted())), quartiers: lines)
    }

    /// What the map shows: the rate per 1,000 inhabitants or its change since a year earlier.
    public enum Measure: String, Sendable, Codable, CaseIterable {
        case taux, evolution
    }

    /// The quartiers' map drawn as the semester study draws its maps (same classes, legend and
    /// outline of significant increases), each quartier a link to `links[id]`.
    public func map(_ measure: Measure, shapes: [QuartierShape], links: [String: String] = [:]) -> String {
        let values: [String: Double?] = Dictionary(uniqueKeysWithValues: quartiers.map {
            ($0.id, measure == .taux ? $0.rate : $0.changePerThousand)
        })
        let significant = Set(quartiers.filter { $0.flag == ChangeFlag.significant.rawValue && $0.current > $0.previous }.map(\.id))
        let shared = Set(Dictionary(grouping: quartiers.map(\.name), by: { $0 }).filter { $0.value.count > 1 }.keys)
        let names = Dictionary(uniqueKeysWithValues: quartiers.map { ($0.id, shared.contains($0.name) ? "\($0.name) (\($0.commune))" : $0.name) })
        let what = category == nil ? "Faits" : "Faits « \(categoryLabel) »"
        let versus = period.contains("-S") ? "le \(previousName)" : previousName
        switch measure {
        case .taux:
            return QuartierMap.svg(shapes: shapes, values: values, labels: names, classes: MapClasses.sequential(values.values.compactMap { $0 }),
                                   title: "\(what) pour 1 000 habitants — \(periodName)", legendTitle: "pour 1 000 hab.",
                                   valueFormat: { SVG.french($0) }, highlight: significant, links: links)
        case .evolution:
            return QuartierMap.svg(shapes: shapes, values: values, labels: names, classes: MapClasses.diverging(values.values.compactMap { $0 }),
                                   title: "\(what) : évolution depuis \(versus) (pour 1 000 hab.)", legendTitle: "écart pour 1 000 hab.",
                                   valueFormat: { ($0 > 0 ? "+" : "") + SVG.french($0) }, highlight: significant, links: links)
        }
    }
}
