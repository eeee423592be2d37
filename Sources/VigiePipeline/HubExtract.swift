import Foundation
import VigieCore
import VigieReports
import VigieStore

/// What `vigie hub publish` sends: the observatory's published aggregates, built from the same
/// figures as its monthly bulletin (`BulletinContext.facts`), the état 4001 by unit and index,
/// the completeness of each feed and month (`BulletinContext.unreceived`, as the bulletins say
/// « non reçu ») and the populations — each count through disclosure control (`DisclosedTable`,
/// audited together month by month with `DisclosureAudit.protect`). Nothing else leaves: no
/// incident, no description, no address, no pseudonym, no name of a person.
public enum HubExtract {
    /// The payload of the months from the first owed or received one to the last month over.
    public static func payload(_ observatory: Observatory) throws -> HubPayload {
        let config = observatory.config
        let context = try observatory.bulletinContext()
        let today = context.today
        let settings = config.settings.hub
        let territory = config.territory
        let id = settings.observatory ?? HubSettings.slug(territory.name)
        guard HubSettings.isValidID(id) else {
            throw VigieError(.config, "identifiant d'observatoire impossible à tirer du nom « \(territory.name) »",
                             at: SourceLocation(file: "settings.yaml"), hint: "Donnez-le dans settings.yaml : hub: { id: mon-observatoire }.")
        }
        for insee in settings.quartiers where territory.commune(insee: insee) == nil {
            throw VigieError(.config, "hub: quartiers nomme la commune « \(insee) », absente de territory.yaml",
                             at: SourceLocation(file: "settings.yaml"), hint: "Donnez les codes INSEE des communes du territoire.")
        }
        let minCell = config.settings.minCell
        var payload = HubPayload(observatory: id, name: territory.name, minCell: minCell)
        for commune in territory.communes {
            payload.populations.append(HubPopulation(commune: commune.insee, name: commune.name, population: commune.population))
            guard settings.quartiers.contains(commune.insee) else { continue }
            for q in commune.sectors.flatMap(\.quartiers) {
                payload.populations.append(HubPopulation(commune: commune.insee, quartier: q.id, name: q.name, population: q.population))
            }
        }

        let factFeeds = context.factFeeds + context.monthlyCountFeeds
        let etatFeeds = config.partners.flatMap(\.feeds).filter { $0.kind == .etat4001 && $0.cadence == .monthly }
        let feeds = factFeeds + etatFeeds
        guard case .month(let y, let m) = Period.month(today.year, today.month).shifted(months: -1) else { return payload }
        let last = Period.month(y, m)
        var ledger: [FeedKey: [String: [Int64]]] = [:]
        var firstMonth: Period?
        for feed in feeds {
            ledger[feed.key] = try submissionsByMonth(feed, store: context.store)
            let received = try context.store.receivedPeriods(partner: feed.partnerID, feed: feed.id)
            if let since = feed.since ?? received.min() {
                let month = Period.month(since.start.year, since.start.month)
                firstMonth = firstMonth.map { min($0, month) } ?? month
            }
        }
        guard let first = firstMonth, first <= last else { return payload }
        var months: [Period] = []
        var p = first
        while p <= last { months.append(p); p = p.shifted(months: 1) }

        // Completeness, feed by feed and month by month: what the bulletins say of it.
        for feed in feeds {
            let received = try context.store.receivedPeriods(partner: feed.partnerID, feed: feed.id)
            guard let since = feed.since ?? received.min() else { continue }
            for month in months where month.end >= since.start {
                let missing = try context.unreceived(for: month, among: [feed]).first
                let state = missing.map { $0.due < today ? HubCompleteness.notReceived : HubCompleteness.pending } ?? HubCompleteness.received
                payload.completeness.append(HubCompleteness(
                    feed: feed.key.description, label: context.feedLabel(feed.key), role: feed.kind == .etat4001 ? "etat4001" : "fact",
                    month: month.description, state: state, submissions: ledger[feed.key]?[month.description] ?? []))
            }
        }

        // Facts by month, commune (and quartier where allowed) and category.
        let categories = config.nomenclature.categories.map(\.id) + [""]
        var byMonth: [String: [FactCell]] = [:]
        for cell in try context.facts(from: first, to: last) { byMonth[cell.month, default: []].append(cell) }
        for month in months.map(\.description) {
            let cells = byMonth[month] ?? []
            let submissions = Array(Set(factFeeds.flatMap { ledger[$0.key]?[month] ?? [] })).sorted()
            payload.facts += factTables(month: month, cells: cells, territory: territory, categories: categories,
                                        quartiers: settings.quartiers, minCell: minCell, submissions: submissions)
        }

        // The état 4001 by unit and index, one table a month: primary and secondary suppression
        // (no hidden count computable from its unit's and its index's totals); the interval audit
        // of 107 columns would take minutes a month.
        for feed in etatFeeds {
            let rows = try context.store.countTotals(by: [.period, .unit, .code, .commune], partner: feed.partnerID, feed: feed.id,
                                                     from: first, to: last)
            var units: [String: [(unit: String, commune: String, index: Int, value: Int)]] = [:]
            for row in rows {
                // Codes are stored « 4001-07 ».
                guard let index = Int(row.keys[2].hasPrefix("4001-") ? String(row.keys[2].dropFirst(5)) : row.keys[2]), (1...107).contains(index) else { continue }
                units[row.keys[0], default: []].append((row.keys[1], row.keys[3], index, row.total))
            }
            for (month, values) in units.sorted(by: { $0.key < $1.key }) {
                let unitNames = Array(Set(values.map(\.unit))).sorted()
                let indexes = Array(Set(values.map(\.index))).sorted()
                var counts = Array(repeating: Array(repeating: 0, count: indexes.count), count: unitNames.count)
                var communeOf: [String: String] = [:]
                var stored: Set<[Int]> = []
                for v in values {
                    stored.insert([unitNames.firstIndex(of: v.unit) ?? 0, indexes.firstIndex(of: v.index) ?? 0])
                    counts[unitNames.firstIndex(of: v.unit) ?? 0][indexes.firstIndex(of: v.index) ?? 0] += max(0, v.value)
                    communeOf[v.unit] = v.commune
                }
                let table = DisclosedTable(CountGrid(rowLabels: unitNames, columnLabels: indexes.map(String.init), counts: counts), minCell: minCell, exactAudit: false)
                let submission = ledger[feed.key]?[month]?.last ?? 0
                for (r, unit) in unitNames.enumerated() {
                    // Only what the file gave: a unit without a row for an index gets no « 0 » it never sent.
                    for (c, index) in indexes.enumerated() where stored.contains([r, c]) {
                        let (value, state, shown) = cell(table, r, c)
                        payload.etat4001.append(HubEtat4001(month: month, unit: unit, commune: communeOf[unit] ?? "", index: index,
                                                            value: value, state: state, shown: shown, submission: submission))
                    }
                }
            }
        }
        return payload
    }

    /// One month's tables: communes × categories with their margins, and for each commune whose
    /// quartiers may be published, its quartiers (and « non localisé ») × categories, homicides
    /// forced hidden there (never distinguishable below the commune). The tables share their
    /// atoms (a commune's cell is the sum of its quartiers' cells) and are audited together.
    static func factTables(month: String, cells: [FactCell], territory: Territory, categories: [String], quartiers allowed: Set<String>,
                           minCell: Int, submissions: [Int64]) -> [HubFact] {
        let communes = territory.communes.map(\.insee)
        let columnLabels = categories.map { $0.isEmpty ? "non-classe" : $0 }
        var atomCounts: [String: Int] = [:]
        func atom(_ commune: String, _ quartier: String, _ category: String) -> String { "\(commune)|\(quartier)|\(category)" }
        for cell in cells where communes.contains(cell.commune) {
            let category = categories.contains(cell.category) ? cell.category : ""
            let detailed = allowed.contains(cell.commune) && territory.quartier(id: cell.quartier) != nil ? cell.quartier : ""
            atomCounts[atom(cell.commune, detailed, category), default: 0] += cell.count
        }
        var grids: [(commune: String?, rows: [String], grid: CountGrid)] = []
        // Communes: each cell sums its commune's atoms of that category.
        var communeAtoms: [[[String]]] = []
        var communeCounts: [[Int]] = []
        for insee in communes {
            let places = [""] + (allowed.contains(insee) ? (territory.commune(insee: insee)?.sectors.flatMap(\.quartiers).map(\.id) ?? []) : [])
            communeAtoms.append(categories.map { cat in places.map { atom(insee, $0, cat) } })
            communeCounts.append(categories.map { cat in places.reduce(0) { $0 + (atomCounts[atom(insee, $1, cat)] ?? 0) } })
        }
        grids.append((nil, communes, CountGrid(rowLabels: communes, columnLabels: columnLabels, counts: communeCounts, atoms: communeAtoms)))
        let homicides = categories.firstIndex(of: RequestExtract.homicides)
        for insee in communes where allowed.contains(insee) {
            let places = (territory.commune(insee: insee)?.sectors.flatMap(\.quartiers).map(\.id) ?? []) + [""]
            let counts = places.map { q in categories.map { atomCounts[atom(insee, q, $0)] ?? 0 } }
            let forced = Set(homicides.map { h in places.indices.map { GridCell(row: $0, column: h) } } ?? [])
            grids.append((insee, places, CountGrid(rowLabels: places.map { $0.isEmpty ? "non-localise" : $0 }, columnLabels: columnLabels,
                                                   counts: counts, forced: forced, atoms: places.map { q in categories.map { [atom(insee, q, $0)] } })))
        }
        let tables = DisclosureAudit.protect(grids.map { DisclosedTable($0.grid, minCell: minCell) }).tables
        var facts: [HubFact] = []
        for (t, table) in tables.enumerated() {
            let commune = grids[t].commune
            let rows = grids[t].rows
            for r in 0...rows.count {
                // The quartier tables' column totals are the commune's cells: published once.
                if commune != nil && r == rows.count { continue }
                for c in 0...categories.count {
                    let (value, state, shown) = cell(table, r, c)
                    let category = c == categories.count ? HubFact.total : columnLabels[c]
                    if let commune {
                        facts.append(HubFact(month: month, commune: commune, quartier: rows[r].isEmpty ? "non-localise" : rows[r], category: category,
                                             value: value, state: state, shown: shown, submissions: submissions))
                    } else {
                        facts.append(HubFact(month: month, commune: r == rows.count ? HubFact.total : rows[r], category: category,
                                             value: value, state: state, shown: shown, submissions: submissions))
                    }
                }
            }
        }
        return facts
    }

    static func cell(_ table: DisclosedTable, _ r: Int, _ c: Int) -> (Int?, HubCellState, String) {
        switch table.states[r][c] {
        case .published: return (table.values[r][c], .published, String(table.values[r][c]))
        case .zero: return (0, .zero, "0")
        case .suppressed: return (nil, .suppressed, table.text(row: r, column: c))
        }
    }

    /// The current submissions of `feed` by month they cover (a week counts in each month it touches).
    static func submissionsByMonth(_ feed: Feed, store: Store) throws -> [String: [Int64]] {
        var result: [String: Set<Int64>] = [:]
        for submission in try store.submissions(partner: feed.partnerID, feed: feed.id) {
            guard let id = submission.id else { continue }
            for (text, supersededBy) in try store.periods(ofSubmission: id) where supersededBy == nil {
                guard let period = Period(text) else { continue }
                var month = Period.month(period.start.year, period.start.month)
                while month.start <= period.end {
                    result[month.description, default: []].insert(id)
                    month = month.shifted(months: 1)
                }
            }
        }
        return result.mapValues { $0.sorted() }
    }
}
