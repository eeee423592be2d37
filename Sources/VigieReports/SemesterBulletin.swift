import Foundation
import VigieCore
import VigieStore

/// The semester study: (a) the état 4001 by category and family against the same semester a
/// year earlier, the indexes that moved most, six semesters as a chart, and the partners'
/// statistics; (b) the qualitative part: selected faits marquants, complaints by secteur and
/// nature, the coordinator's texts; (c) the spatial study: quartier maps and repeated places.
public struct SemesterBulletin: Sendable, Codable {
    public struct Line: Sendable, Codable {
        public var label: String
        public var current: String
        public var previous: String
        public var change: String
        public var flag: String
    }

    /// Lines under a title: one table of the bulletin.
    public struct LineTable: Sendable, Codable {
        public var title: String
        public var lines: [Line]
        /// Under a shortened table: how many are shown, of how many, and the CSV that has them all.
        public var note: String
        public init(_ title: String, _ lines: [Line], note: String = "") { self.title = title; self.lines = lines; self.note = note }
    }

    /// A table of counts, shortened to its first rows; `allRows` go to its CSV, `csv`, and
    /// `omitted` says so under the table when rows were left out.
    public struct Breakdown: Sendable, Codable {
        public var title: String
        public var columns: [String]
        public var rows: [BreakdownRow]
        public var allRows: [BreakdownRow]
        /// The table's name among the CSV files (`lieux-repetes`), and the note naming the file.
        public var csv: String
        public var omitted: String

        /// The first `limit` of `rows`, the note naming `<base>_<csv>.csv`.
        public init(title: String, columns: [String], rows: [BreakdownRow], limit: Int, csv: String, base: String) {
            self.title = title
            self.columns = columns
            self.rows = Array(rows.prefix(limit))
            allRows = rows
            self.csv = csv
            omitted = Shortened.note(shown: self.rows.count, of: rows.count, file: "\(base)_\(csv).csv")
        }

        /// The same table under another CSV name.
        func named(_ csv: String, base: String) -> Breakdown {
            Breakdown(title: title, columns: columns, rows: allRows, limit: rows.count, csv: csv, base: base)
        }
    }

    public struct BreakdownRow: Sendable, Codable {
        public var cells: [String]
        public var count: String
    }

    public struct Section: Sendable, Codable {
        public var title: String
        public var paragraphs: [String]
    }

    /// A CSV annex: its file name and what it holds.
    public struct Annex: Sendable, Codable {
        public var file: String
        public var content: String
    }

    public struct QuartierRate: Sendable, Codable {
        public var quartier: String
        public var commune: String
        public var population: Int
        public var current: Int
        public var previous: Int
        public var rate: String
        public var rateValue: Double
        public var change: String
        public var flag: String
        public var colorClass: Int
    }

    public var semester: String
    public var semesterName: String
    public var previousSemester: String
    /// « période en cours : chiffres provisoires au 2 décembre … », or "" when the semester is final.
    public var provisional: String
    /// The feeds left out of the comparisons with a year earlier, by month: « sans … : non reçu (2026-03) ».
    public var comparedWithout: String
    // (a)
    public var families: LineTable
    public var categories: LineTable
    public var indexesUp: LineTable
    public var indexesDown: LineTable
    /// Every index of the état 4001, by p-value of the exact test: the CSV `4001-index`.
    public var indexes: LineTable
    public var semestersChart: String
    public var partnerTables: [Breakdown]
    // (b)
    /// Every fait marquant the weekly rules selected over the semester: the CSV annex, not the page.
    public var faitsMarquants: [WeeklyBulletin.Entry]
    /// The incidents of the series they name: the séries CSV annex.
    public var seriesMembers: [WeeklyBulletin.SeriesMember]
    /// The page's summary of them: by category, by quartier, and a handful of examples.
    public var faitsByCategory: Breakdown
    public var faitsByQuartier: Breakdown
    public var faitsExamples: [WeeklyBulletin.Entry]
    /// The CSV files written beside the document that hold the full lists it summarises.
    public var annexes: [Annex]
    /// The annex of every selected fait marquant (`semester_2026-S1_faits-marquants.csv`).
    public var faitsAnnex: String
    public var complaints: Breakdown
    public var sections: [Section]
    // (c)
    public var rateMap: String
    public var changeMap: String
    public var quartiers: [QuartierRate]
    public var significantIncreases: [String]
    public var repeatedPlaces: Breakdown
    public var notReceived: [String]
    public var comments: [String]
    public var figures: [String: Int]
    /// For a reader who holds only some communes: « … de Créteil seulement », else "".
    public var scopeNote: String = ""
}

extension SemesterBulletin {
    /// Builds the study of `semester` (`.semester`). `texts` is the coordinator's Markdown file
    /// (sections under `## ` headings), if any. `communes` (INSEE codes) limits what names people's
    /// places and acts (faits marquants, repeated places) to those communes, for an elected official
    /// who holds only them; the aggregate tables stay the territory's, as the CISPD's plenary reads them.
    public static func build(semester: Period, context: BulletinContext, texts: String? = nil, communes: Set<String>? = nil) throws -> SemesterBulletin {
        guard case .semester(let year, let half) = semester else { throw VigieError(.usage, "« \(semester) » n'est pas un semestre (2026-S1)") }
        let previous = Period.semester(year - 1, half)
        let config = context.config
        var figures: [String: Int] = [:]
        // Like for like: each month against the same month a year earlier, on the feeds present on
        // both sides; a semester still running counted through today.
        let comparedFeeds = context.factFeeds + context.monthlyCountFeeds
            + config.partners.flatMap(\.feeds).filter { $0.kind == .etat4001 && $0.cadence == .monthly }
        let progress = try context.progress(of: semester, among: comparedFeeds)
        let firstMonth = Period.month(semester.start.year, semester.start.month), lastMonth = Period.month(semester.end.year, semester.end.month)
        let lfl = try context.likeForLike(firstMonth, lastMonth, among: comparedFeeds, through: progress.through)
        let months = Set((0..<6).map { firstMonth.shifted(months: $0).description })
        let monthsBefore = Set((0..<6).map { firstMonth.shifted(months: $0 - 12).description })

        // (a) État 4001.
        let etat = config.partners.flatMap(\.feeds).first { $0.kind == .etat4001 && $0.cadence == .monthly }
        var byIndex: [String: (Int, Int)] = [:]
        var families: [Line] = [], categories: [Line] = [], up: [Line] = [], down: [Line] = [], allIndexes: [Line] = []
        var upNote = "", downNote = ""
        let shownIndexes = 5
        let base = SemesterBulletin.baseName(period: semester.description, scope: "territoire")
        var chartBars: [(label: String, value: Int)] = []
        if let etat {
            func totals(_ p: Period) throws -> [CountTotal] {
                try context.store.countTotals(by: [.code, .category, .period], partner: etat.partnerID, feed: etat.id, from: p, to: p)
            }
            // Months whose file is missing on either side are left out of both (`compared`); `shown` is all received.
            let now = try totals(semester), before = try totals(previous)
            var shownByIndex: [String: Int] = [:]
            for t in now {
                shownByIndex[t.keys[0], default: 0] += t.total
                let skipped = lfl.skip[t.keys[2]]?.contains(etat.key) ?? false
                byIndex[t.keys[0], default: (0, 0)].0 += skipped ? 0 : t.total
            }
            for t in before where !(lfl.skip[t.keys[2]]?.contains(etat.key) ?? false) { byIndex[t.keys[0], default: (0, 0)].1 += t.total }
            var categoryOf: [String: String] = [:]
            for t in now + before { categoryOf[t.keys[0]] = t.keys[1] }
            func line(_ label: String, _ c: Int, _ p: Int, shown: Int) -> Line {
                let cmp = Comparison(current: c, previous: p)
                return Line(label: label, current: String(shown), previous: String(p), change: Compared.change(cmp, shown: shown),
                            flag: cmp.flag(context.levels).rawValue)
            }
            func shown(_ codes: (String) -> Bool) -> Int { shownByIndex.filter { codes($0.key) }.reduce(0) { $0 + $1.value } }
            for family in config.nomenclature.families {
                let ids = Set(config.nomenclature.categories.filter { $0.family == family.id }.map(\.id))
                let c = byIndex.filter { ids.contains(categoryOf[$0.key] ?? "") }.reduce(0) { $0 + $1.value.0 }
                let p = byIndex.filter { ids.contains(categoryOf[$0.key] ?? "") }.reduce(0) { $0 + $1.value.1 }
                let all = shown { ids.contains(categoryOf[$0] ?? "") }
                if all + p > 0 { families.append(line(family.label, c, p, shown: all)) }
                figures["4001|famille|\(family.id)"] = all
            }
            for category in config.nomenclature.categories {
                let c = byIndex.filter { categoryOf[$0.key] == category.id }.reduce(0) { $0 + $1.value.0 }
                let p = byIndex.filter { categoryOf[$0.key] == category.id }.reduce(0) { $0 + $1.value.1 }
                let all = shown { categoryOf[$0] == category.id }
                if all + p > 0 { categories.append(line(category.label, c, p, shown: all)) }
            }
            // The indexes that moved most surely: smallest p-value of the exact test first.
            let moves = byIndex.map { code, v -> (String, Int, Int, Double) in
                (code, v.0, v.1, PoissonTest.pValue(v.0, v.1))
            }
            func indexLabel(_ code: String) -> String {
                let n = Int(code.dropFirst(5)) ?? 0
                return "\(n) — \(config.nomenclature.index4001[n]?.label ?? code)"
            }
            let ranked = moves.sorted { ($0.3, $0.0) < ($1.3, $1.0) }
            allIndexes = ranked.map { line(indexLabel($0.0), $0.1, $0.2, shown: shownByIndex[$0.0] ?? 0) }
            let rising = ranked.filter { $0.1 > $0.2 }, falling = ranked.filter { $0.1 < $0.2 }
            up = rising.prefix(shownIndexes).map { line(indexLabel($0.0), $0.1, $0.2, shown: shownByIndex[$0.0] ?? 0) }
            down = falling.prefix(shownIndexes).map { line(indexLabel($0.0), $0.1, $0.2, shown: shownByIndex[$0.0] ?? 0) }
            upNote = Shortened.note(shown: up.count, of: rising.count, file: "\(base)_4001-index.csv")
            downNote = Shortened.note(shown: down.count, of: falling.count, file: "\(base)_4001-index.csv")
            var p = semester
            var six: [Period] = []
            for _ in 0..<6 { six.insert(p, at: 0); p = p.previousSemester }
            for s in six {
                // A semester with no état 4001 at all is left out of the chart, not drawn as 0.
                guard let total = try context.store.countTotals(by: [], partner: etat.partnerID, feed: etat.id, from: s, to: s).first?.total else { continue }
                chartBars.append((label: s.description, value: total))
                figures["4001|total|\(s)"] = total
            }
        }
        let chart = BarChart.svg(bars: chartBars, title: "État 4001 — faits constatés par semestre, territoire")

        // Partners' statistics.
        func keys(_ predicate: (Feed) -> Bool) -> Set<String> {
            Set(config.partners.flatMap(\.feeds).filter(predicate).map { "\($0.partnerID)/\($0.id)" })
        }
        func breakdown(_ title: String, _ columns: [String], _ rows: [CountTotal], limit: Int = 20, csv: String = "") -> Breakdown {
            Breakdown(title: title, columns: columns, rows: rows.map { BreakdownRow(cells: $0.keys.map { $0.isEmpty ? "—" : $0 }, count: String($0.total)) },
                      limit: limit, csv: csv, base: base)
        }
        let transport = keys { $0.kind == .incidents && $0.columns["line"] != nil }
        var tables: [Breakdown] = []
        tables.append(breakdown("Transports : faits par ligne et nature", ["Ligne", "Nature"],
                                try context.store.incidentBreakdown(by: [.line, .nature], feeds: transport, from: semester.start, to: semester.end)))
        tables.append(breakdown("Transports : suites données", ["Suite donnée"],
                                try context.store.incidentBreakdown(by: [.followUp], feeds: transport, from: semester.start, to: semester.end)))
        let residences = Dictionary(config.places.filter { $0.kind == .residence }.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let bailleurRows = try context.store.countTotals(by: [.unit, .code], from: semester, to: semester)
            .filter { residences[$0.keys[0]] != nil }
            .map { CountTotal(keys: [residences[$0.keys[0]] ?? $0.keys[0], $0.keys[1]], total: $0.total) }
            .sorted { ($0.total, $1.keys.joined()) > ($1.total, $0.keys.joined()) }
        tables.append(breakdown("Bailleurs : faits par résidence et nature", ["Résidence", "Nature"], bailleurRows))
        for feed in config.partners.flatMap(\.feeds) where feed.kind == .counts && (feed.cadence == .schoolYear || feed.cadence == .yearly) {
            let rows = try context.store.countTotals(by: [.period, .code], partner: feed.partnerID, feed: feed.id)
                .sorted { ($1.keys[0], $0.keys[1]) < ($0.keys[0], $1.keys[1]) }
            let unit = feed.cadence == .schoolYear ? "Année scolaire" : "Année"
            tables.append(breakdown("\(context.partnerName(feed.partnerID)) — \(feed.id.replacingOccurrences(of: "-", with: " "))", [unit, "Nature"], rows, limit: 30))
        }

        // (b) Qualitative.
        var faits = FaitsCollection()
        var week = Period.week(of: semester.start)
        while week.start <= min(semester.end, context.today) {
            for commune in config.territory.communes where communes?.contains(commune.insee) ?? true {
                let weekly = try WeeklyBulletin.build(week: week, commune: commune.insee, context: context)
                faits.add(weekly) { e in CivilDate.fromFrench(e.date).map(semester.contains) ?? false }
            }
            week = .week(of: week.end.adding(days: 1))
        }
        let entries = faits.entries
        let complaintFeeds = keys { $0.kind == .incidents && $0.columns["channel"] != nil }
        let complaints = try context.store.incidentBreakdown(by: [.commune, .sector, .nature], feeds: complaintFeeds, from: semester.start, to: semester.end)
            .map { CountTotal(keys: [context.communeName($0.keys[0]), context.sectorName($0.keys[1]), $0.keys[2]], total: $0.total) }

        // (c) Spatial.
        let facts = lfl.facts.filter { months.contains($0.month) }
        let factsBefore = lfl.reference.filter { monthsBefore.contains($0.month) }
        var quartiers: [QuartierRate] = []
        var rates: [String: Double?] = [:], changes: [String: Double?] = [:], names: [String: String] = [:]
        var significant: Set<String> = []
        var communeOf: [String: String] = [:]
        for commune in config.territory.communes {
            for sector in commune.sectors {
                for q in sector.quartiers {
                    let own = facts.filter { $0.quartier == q.id }
                    let c = own.reduce(0) { $0 + $1.count }
                    let cmp = Comparison(current: lfl.compared(own, months), previous: lfl.compared(factsBefore.filter { $0.quartier == q.id }, monthsBefore))
                    let p = cmp.previous ?? 0
                    let rate = Rate.perThousand(c, population: q.population) ?? 0
                    rates[q.id] = rate
                    changes[q.id] = Double((cmp.current ?? 0) - p) * 1000 / Double(max(q.population, 1))
                    names[q.id] = q.name
                    communeOf[q.id] = commune.name
                    if cmp.flag(context.levels) == .significant, (cmp.current ?? 0) > p { significant.insert(q.id) }
                    figures["quartier|\(q.id)"] = c
                    quartiers.append(QuartierRate(quartier: q.name, commune: commune.name, population: q.population, current: c, previous: p,
                                                  rate: Rate.french(rate), rateValue: rate, change: Compared.change(cmp, shown: c), flag: cmp.flag(context.levels).rawValue, colorClass: 0))
                }
            }
        }
        let rateClasses = MapClasses.sequential(rates.values.compactMap { $0 })
        let changeClasses = MapClasses.diverging(changes.values.compactMap { $0 })
        for i in quartiers.indices { quartiers[i].colorClass = rateClasses.classIndex(of: quartiers[i].rateValue) }
        // The maps' key: a name two communes share says its commune (« Centre-ville (Alfortville) »).
        let shared = Set(Dictionary(grouping: names.values, by: { $0 }).filter { $0.value.count > 1 }.keys)
        let keyNames = names.reduce(into: [String: String]()) { out, item in
            out[item.key] = shared.contains(item.value) ? "\(item.value) (\(communeOf[item.key] ?? ""))" : item.value
        }
        let rateMap = QuartierMap.svg(shapes: config.shapes, values: rates, labels: keyNames, classes: rateClasses,
                                      title: "Faits pour 1 000 habitants — \(semester.frenchName)", legendTitle: "pour 1 000 hab.",
                                      valueFormat: { SVG.french($0) }, highlight: significant)
        let changeMap = QuartierMap.svg(shapes: config.shapes, values: changes, labels: keyNames, classes: changeClasses,
                                        title: "Évolution depuis le \(previous.frenchName) (pour 1 000 hab.)", legendTitle: "écart pour 1 000 hab.",
                                        valueFormat: { ($0 > 0 ? "+" : "") + SVG.french($0) }, highlight: significant)
        let factFeeds = Set(context.factFeeds.map { "\($0.partnerID)/\($0.id)" })
        let places = try context.store.incidentBreakdown(by: [.commune, .place, .quartier], feeds: factFeeds, from: semester.start, to: semester.end)
            .filter { $0.total >= max(config.bulletinRules.addressCount, 3) && !$0.keys[1].isEmpty && !WeeklyBulletin.genericPlaces.contains($0.keys[1].matchKey) }
            .filter { communes?.contains($0.keys[0]) ?? true }
            .map { CountTotal(keys: [context.communeName($0.keys[0]), $0.keys[1], context.quartierName($0.keys[2])], total: $0.total) }
        let scopeNote = communes.map { codes -> String in
            let names = config.territory.communes.filter { codes.contains($0.insee) }.map(\.name)
            return "Faits marquants et lieux aux faits répétés : ceux de \(names.joined(separator: ", ")) seulement ; "
                + "les autres tableaux portent sur tout le territoire, comme en séance plénière."
        } ?? ""

        let missing = try context.missingFeeds(for: semester, among: context.factFeeds + context.monthlyCountFeeds)
        let leftOut = context.leftOutNote(lfl.leftOut(months.sorted()))
        return SemesterBulletin(
            semester: semester.description, semesterName: semester.frenchName, previousSemester: previous.frenchName,
            provisional: progress.notice, comparedWithout: leftOut,
            families: LineTable("Par famille", families), categories: LineTable("Par catégorie", categories),
            indexesUp: LineTable("Index en plus forte hausse", up, note: upNote), indexesDown: LineTable("Index en plus forte baisse", down, note: downNote),
            indexes: LineTable("Tous les index, du changement le plus sûr au moins sûr", allIndexes),
            semestersChart: chart,
            partnerTables: tables.filter { !$0.rows.isEmpty }.enumerated().map { i, t in t.named("partenaires-\(i + 1)", base: base) },
            faitsMarquants: entries, seriesMembers: faits.seriesMembers,
            faitsByCategory: breakdown("Faits marquants retenus par catégorie", ["Catégorie"], tally(entries.map { [$0.category] }), limit: .max),
            faitsByQuartier: breakdown("Faits marquants retenus par commune et quartier", ["Commune", "Quartier"],
                                       tally(entries.map { [$0.communeName, $0.quartier] }), limit: .max),
            faitsExamples: examples(entries),
            annexes: [Annex(file: "semester_\(semester)_faits-marquants.csv", content: "les \(entries.count) faits marquants retenus, un par ligne"),
                      Annex(file: "semester_\(semester)_series.csv", content: "les faits des séries que nomment les faits marquants répétés, chaque série une fois"),
                      Annex(file: "semester_\(semester)_lieux-repetes.csv", content: "les lieux aux faits répétés")],
            faitsAnnex: "semester_\(semester)_faits-marquants.csv",
            complaints: breakdown("Doléances par commune, secteur et nature", ["Commune", "Secteur", "Nature"], complaints, limit: 40, csv: "doleances"),
            sections: texts.map(Section.parse) ?? [],
            rateMap: rateMap, changeMap: changeMap, quartiers: quartiers,
            significantIncreases: quartiers.filter { q in significant.contains { names[$0] == q.quartier } }.map { "\($0.quartier) (\($0.commune)) : \($0.change)" },
            repeatedPlaces: breakdown("Lieux aux faits répétés (au moins 3 dans le semestre)", ["Commune", "Lieu", "Quartier"], places, limit: 30, csv: "lieux-repetes"),
            notReceived: missing.map { context.feedLabel($0.key) },
            comments: try context.store.comments(bulletin: "semester", period: semester.description).map(\.text),
            figures: figures, scopeNote: scopeNote)
    }
}

extension SemesterBulletin {
    /// How many examples of faits marquants the page shows.
    static let exampleCount = 8

    /// Rows of keys counted, the largest first (ties by keys).
    static func tally(_ keys: [[String]]) -> [CountTotal] {
        Dictionary(keys.map { ($0, 1) }, uniquingKeysWith: +)
            .map { CountTotal(keys: $0.key, total: $0.value) }
            .sorted { ($1.total, $0.keys.joined(separator: "|")) < ($0.total, $1.keys.joined(separator: "|")) }
    }

    /// A handful of examples: for each of the most frequent categories, its fait with the most
    /// reasons (the earliest among equals), in date order.
    static func examples(_ entries: [WeeklyBulletin.Entry]) -> [WeeklyBulletin.Entry] {
        let byCategory = Dictionary(grouping: entries, by: \.category)
        let order = tally(entries.map { [$0.category] }).prefix(exampleCount).map { $0.keys[0] }
        return order.compactMap { category in
            byCategory[category]?.enumerated().max { a, b in
                (a.element.reasons.count, b.offset) < (b.element.reasons.count, a.offset)
            }?.element
        }.sorted { (CivilDate.fromFrench($0.date)?.dayNumber ?? 0) < (CivilDate.fromFrench($1.date)?.dayNumber ?? 0) }
    }
}

extension SemesterBulletin.Section {
    /// Splits the coordinator's Markdown into sections at `## ` headings; paragraphs at blank lines.
    static func parse(_ markdown: String) -> [SemesterBulletin.Section] {
        var sections: [SemesterBulletin.Section] = []
        var title = "Analyse"
        var paragraphs: [String] = []
        var current: [String] = []
        func flushParagraph() {
            if !current.isEmpty { paragraphs.append(current.joined(separator: " ")); current = [] }
        }
        func flushSection() {
            flushParagraph()
            if !paragraphs.isEmpty { sections.append(.init(title: title, paragraphs: paragraphs)) }
            paragraphs = []
        }
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.hasPrefix("#") {
                flushSection()
                title = line.drop(while: { $0 == "#" }).trimmingCharacters(in: .whitespaces)
            } else if line.isEmpty {
                flushParagraph()
            } else {
                current.append(line)
            }
        }
        flushSection()
        return sections
    }
}

extension Period {
    /// The semester before this one. Only for `.semester`.
    var previousSemester: Period {
        guard case .semester(let y, let s) = self else { return self }
        return s == 2 ? .semester(y, 1) : .semester(y - 1, 2)
    }
}

extension CivilDate {
    /// The date of « 23/11/2026 ».
    static func fromFrench(_ text: String) -> CivilDate? {
        let parts = text.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return CivilDate(year: parts[2], month: parts[1], day: parts[0])
    }
}

extension SemesterBulletin: Bulletin {
    public static let kind = "semester"
    public var period: String { semester }
    public var scope: String { "territoire" }

    static func lines(_ name: String, _ table: LineTable) -> CSVTable {
        CSVTable(name: name, header: ["libellé", "période", "même période n-1", "évolution", "signal"],
                 rows: table.lines.map { [$0.label, $0.current, $0.previous, $0.change, $0.flag] })
    }

    /// The whole table, every row, under its own name.
    static func table(_ b: Breakdown) -> CSVTable {
        CSVTable(name: b.csv, header: b.columns + ["nombre"], rows: b.allRows.map { $0.cells + [$0.count] })
    }

    public var csvTables: [CSVTable] {
        var tables = [Self.lines("4001-familles", families), Self.lines("4001-categories", categories),
                      Self.lines("4001-hausses", indexesUp), Self.lines("4001-baisses", indexesDown),
                      Self.lines("4001-index", indexes)]
        for t in partnerTables { tables.append(Self.table(t)) }
        tables.append(Self.table(complaints))
        tables.append(CSVTable(name: "quartiers", header: ["quartier", "commune", "population", "semestre", "même semestre n-1",
                                                           "taux pour 1 000 hab.", "évolution", "signal", "classe de couleur"],
                               rows: quartiers.map { [$0.quartier, $0.commune, String($0.population), String($0.current), String($0.previous),
                                                      $0.rate, $0.change, $0.flag, String($0.colorClass + 1)] }))
        tables.append(Self.table(repeatedPlaces))
        tables.append(WeeklyBulletin.entriesTable("faits-marquants", faitsMarquants))
        tables.append(WeeklyBulletin.seriesTable("series", seriesMembers))
        return tables
    }
}
