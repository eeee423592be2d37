import Foundation
import VigieCore
import VigieStore

/// A diagnostic for an elected official: one area (a quartier or a commune), optionally one
/// category, over whole months: the facts against the same months a year earlier, by category,
/// by source, month by month, the repeated places, the selected faits marquants and a map.
public struct Diagnostic: Sendable, Codable {
    /// « période en cours : chiffres provisoires au 2 décembre … », or "" when the period is final.
    public var provisional: String
    /// The feeds left out of the comparisons with a year earlier, by month.
    public var comparedWithout: String
    public var title: String
    public var area: String
    /// The quartier id or commune code, and the category when one was asked (file name).
    public var scope: String
    /// `2026-01_2026-10`: the months covered.
    public var period: String
    public var span: String
    public var population: Int
    public var category: String
    public var total: SemesterBulletin.Line
    public var rate: String
    public var categories: SemesterBulletin.LineTable
    public var sources: SemesterBulletin.LineTable
    public var monthsChart: String
    public var map: String
    public var repeatedPlaces: SemesterBulletin.Breakdown
    /// The last `shownFaits` faits marquants; `allFaits` go to the `faits` CSV, which `faitsOmitted` names.
    public var faitsMarquants: [WeeklyBulletin.Entry]
    public var allFaits: [WeeklyBulletin.Entry]
    /// The incidents of the series they name: the `series` CSV.
    public var seriesMembers: [WeeklyBulletin.SeriesMember]
    public var faitsOmitted: String
    public var notReceived: [String]
    public var figures: [String: Int]
}

extension Diagnostic {
    /// The area a diagnostic is about.
    public enum Area: Sendable {
        case quartier(String)
        case commune(String)
    }

    public static func build(area: Area, category: String?, from: Period, to: Period, context: BulletinContext) throws -> Diagnostic {
        let config = context.config
        let first = Period.month(from.start.year, from.start.month), last = Period.month(to.end.year, to.end.month)
        guard first <= last else { throw VigieError(.usage, "--from \(from) est après --to \(to)") }
        let months = Array(sequence(first: first) { $0 < last ? $0.shifted(months: 1) : nil })
        let name: String, scope: String, population: Int, commune: String, quartier: String?
        switch area {
        case .quartier(let id):
            guard let q = context.config.territory.quartier(id: id) else {
                throw VigieError(.usage, "quartier inconnu « \(id) »", hint: "Les quartiers sont ceux de territory.yaml.")
            }
            (name, scope, population, commune, quartier) = ("quartier \(q.quartier.name) (\(q.commune.name))", id, q.quartier.population, q.commune.insee, id)
        case .commune(let insee):
            guard let c = config.territory.commune(insee: insee) else {
                throw VigieError(.usage, "commune inconnue « \(insee) »", hint: "Donnez le code INSEE d'une commune de territory.yaml.")
            }
            (name, scope, population, commune, quartier) = (c.name, insee, c.population, insee, nil)
        }
        if let category, config.nomenclature.category(id: category) == nil {
            throw VigieError(.usage, "catégorie inconnue « \(category) »",
                             hint: "Catégories : \(config.nomenclature.categories.map(\.id).joined(separator: ", ")).")
        }
        func inArea(_ cells: [FactCell]) -> [FactCell] {
            cells.filter { $0.commune == commune && (quartier == nil || $0.quartier == quartier) && (category == nil || $0.category == category) }
        }
        // Like for like: each month against the same month a year earlier on the feeds present on both
        // sides, a month still running through today; `facts` and `before` are what was received.
        let feeds = (context.factFeeds + context.monthlyCountFeeds).filter { context.communes(of: $0).contains(commune) }
        // Refused when it has not begun; provisional while its last month begun is not over or owes files.
        _ = try context.progress(of: first, among: [])
        let progress = try context.progress(of: last.start <= context.today ? last : .month(context.today.year, context.today.month), among: feeds)
        let lfl = try context.likeForLike(first, last, among: feeds, through: last.end >= context.today ? context.today : nil)
        let monthLabels = Set(months.map(\.description)), beforeLabels = Set(months.map { $0.shifted(months: -12).description })
        let facts = inArea(lfl.facts.filter { monthLabels.contains($0.month) })
        let before = inArea(lfl.reference.filter { beforeLabels.contains($0.month) })
        func line(_ label: String, _ match: (FactCell) -> Bool) -> SemesterBulletin.Line {
            let own = facts.filter(match)
            let cmp = Comparison(current: lfl.compared(own, monthLabels), previous: lfl.compared(before.filter(match), beforeLabels))
            let shown = total(own)
            return .init(label: label, current: String(shown), previous: String(cmp.previous ?? 0), change: Compared.change(cmp, shown: shown),
                         flag: cmp.flag(context.levels).rawValue)
        }
        func total(_ cells: [FactCell]) -> Int { cells.reduce(0) { $0 + $1.count } }
        var figures: [String: Int] = ["total": total(facts), "total-n-1": total(before)]

        let categoryIDs = config.nomenclature.categories.map(\.id) + [""]
        let categories = categoryIDs.compactMap { id -> SemesterBulletin.Line? in
            let c = total(facts.filter { $0.category == id }), p = total(before.filter { $0.category == id })
            return c + p > 0 ? line(context.categoryLabel(id)) { $0.category == id } : nil
        }
        let feedKeys = Set((facts + before).map(\.feed)).sorted()
        let sources = feedKeys.map { key in line(context.feedLabel(key)) { $0.feed == key } }
        var bars: [(label: String, value: Int)] = []
        for m in months {
            let v = total(facts.filter { $0.month == m.description })
            bars.append((label: m.description, value: v))
            figures["mois|\(m)"] = v
        }

        // The commune's quartiers, this one outlined.
        let communeQuartiers = config.territory.commune(insee: commune)?.sectors.flatMap(\.quartiers) ?? []
        let all = lfl.facts.filter { monthLabels.contains($0.month) && $0.commune == commune && (category == nil || $0.category == category) }
        var rates: [String: Double?] = [:], labels: [String: String] = [:]
        for q in communeQuartiers {
            rates[q.id] = Rate.perThousand(total(all.filter { $0.quartier == q.id }), population: q.population)
            labels[q.id] = q.name
        }
        let shapes = config.shapes.filter { rates[$0.quartier] != nil }
        let map = QuartierMap.svg(shapes: shapes, values: rates, labels: labels, classes: .sequential(rates.values.compactMap { $0 }),
                                  title: "Faits pour 1 000 habitants, \(context.communeName(commune))", legendTitle: "pour 1 000 hab.",
                                  valueFormat: { SVG.french($0) }, highlight: quartier.map { [$0] } ?? [],
                                  highlightLabel: "quartier étudié")

        let factFeeds = Set(context.factFeeds.map { "\($0.partnerID)/\($0.id)" })
        let places = try context.store.incidentBreakdown(by: [.place, .quartier, .category], feeds: factFeeds, commune: commune,
                                                         from: first.start, to: last.end)
            .filter { (quartier == nil || $0.keys[1] == quartier) && (category == nil || $0.keys[2] == category) }
            .filter { !$0.keys[0].isEmpty && !WeeklyBulletin.genericPlaces.contains($0.keys[0].matchKey) }
        var byPlace: [String: (String, Int)] = [:]
        for p in places { byPlace[p.keys[0], default: (context.quartierName(p.keys[1]), 0)].1 += p.total }
        let repeated = byPlace.filter { $0.value.1 >= 3 }.sorted { ($1.value.1, $0.key) < ($0.value.1, $1.key) }
            .map { SemesterBulletin.BreakdownRow(cells: [$0.key, $0.value.0], count: String($0.value.1)) }

        var faits = FaitsCollection()
        var week = Period.week(of: first.start)
        while week.start <= min(last.end, context.today) {
            let weekly = try WeeklyBulletin.build(week: week, commune: commune, context: context)
            faits.add(weekly) { e in
                (quartier == nil || e.quartier == context.quartierName(quartier))
                    && (category == nil || e.category == context.categoryLabel(category))
                    && (CivilDate.fromFrench(e.date).map { first.start <= $0 && $0 <= last.end } ?? false)
            }
            week = .week(of: week.end.adding(days: 1))
        }

        let entries = faits.entries
        let period = first == last ? "\(first)" : "\(first)_\(last)"
        let fullScope = scope + (category.map { "_\($0)" } ?? "")
        let base = Diagnostic.baseName(period: period, scope: fullScope)
        let shown = Array(entries.suffix(Diagnostic.shownFaits))
        let span = first == last ? first.frenchName : "de \(first.frenchName) à \(last.frenchName)"
        var notReceived: [String] = []
        for m in months {
            for feed in try context.missingFeeds(for: m, among: (context.factFeeds + context.monthlyCountFeeds).filter { context.communes(of: $0).contains(commune) }) {
                notReceived.append("\(context.feedLabel(feed.key)) : \(m)")
            }
        }
        return Diagnostic(
            provisional: progress.notice, comparedWithout: context.leftOutNote(lfl.leftOut(months.map(\.description))),
            title: "Diagnostic — \(name)\(category.map { " — \(context.categoryLabel($0))" } ?? "")",
            area: name, scope: fullScope, period: period,
            span: span, population: population,
            category: category.map { context.categoryLabel($0) } ?? "toutes catégories",
            total: line("Total") { _ in true },
            rate: Rate.french(Rate.perThousand(total(facts), population: population)),
            categories: .init("Par catégorie", categories), sources: .init("Par source", sources),
            monthsChart: BarChart.svg(bars: bars, title: "Faits par mois — \(name)"),
            map: map,
            repeatedPlaces: .init(title: "Lieux aux faits répétés (au moins 3)", columns: ["Lieu", "Quartier"], rows: repeated, limit: 30,
                                  csv: "lieux-repetes", base: base),
            faitsMarquants: shown, allFaits: entries, seriesMembers: faits.seriesMembers,
            faitsOmitted: Shortened.note(shown: shown.count, of: entries.count, last: true, file: "\(base)_faits.csv"),
            notReceived: notReceived, figures: figures)
    }

    /// How many faits marquants the document lists (the most recent); the CSV has them all.
    static let shownFaits = 60
}

extension Diagnostic: Bulletin {
    public static let kind = "diagnostic"

    public var csvTables: [CSVTable] {
        [SemesterBulletin.lines("categories", categories), SemesterBulletin.lines("sources", sources),
         SemesterBulletin.table(repeatedPlaces), WeeklyBulletin.entriesTable("faits", allFaits),
         WeeklyBulletin.seriesTable("series", seriesMembers)]
    }
}
