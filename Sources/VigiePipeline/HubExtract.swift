import Foundation
import VigieCore
import VigieReports
import VigieStore

/// What `vigie hub publish` sends: the observatory's published aggregates, built from the same
/// figures as its monthly bulletin (`BulletinContext.facts`), each month against the same month a
/// year earlier like for like as that bulletin compares them (`BulletinContext.likeForLike`,
/// disclosure control in `TableShape.disclose`), the état 4001 by unit and index,
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
        /// From when each feed owes its files (as `BulletinContext.unreceived`).
        var owedSince: [FeedKey: Period] = [:]
        for feed in feeds {
            ledger[feed.key] = try submissionsByMonth(feed, store: context.store)
            let received = try context.store.receivedPeriods(partner: feed.partnerID, feed: feed.id)
            if let since = feed.since ?? received.min() {
                owedSince[feed.key] = since
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

        // Facts by month, commune (and quartier where allowed) and category, and each month against
        // the same month a year earlier like for like, computed as the local monthly bulletin does.
        let categories = config.nomenclature.categories.map(\.id) + [""]
        var byMonth: [String: [FactCell]] = [:]
        for cell in try context.facts(from: first, to: last) { byMonth[cell.month, default: []].append(cell) }
        var pairs: [String: ComparedMonth] = [:]
        for start in stride(from: 0, to: months.count, by: 12) {
            // Twelve months at most: no month is then both compared and the reference of another
            // (`LikeForLike.skip` would leave out both months' gaps).
            let chunk = Array(months[start..<min(start + 12, months.count)])
            let lfl = try context.likeForLike(chunk[0], chunk[chunk.count - 1], among: factFeeds, through: nil)
            for month in chunk {
                let before = month.shifted(months: -12)
                let owed = factFeeds.contains { owedSince[$0.key].map { $0.start <= before.end } ?? false }
                pairs[month.description] = ComparedMonth(current: lfl.comparedCells(lfl.facts, [month.description]),
                                                         previous: owed ? lfl.comparedCells(lfl.reference, [before.description]) : nil,
                                                         leftOut: lfl.gaps[month.description]?.all ?? [:])
            }
        }
        let coverage = Dictionary(factFeeds.map { ($0.key, Set(context.communes(of: $0))) }, uniquingKeysWith: { $0.union($1) })
        let counts = TableShape(territory: territory, categories: categories, quartiers: settings.quartiers, minCell: minCell)
            .disclose(facts: byMonth, pairs: pairs, months: months.map(\.description), coverage: coverage)
        for month in months.map(\.description) {
            let submissions = Array(Set(factFeeds.flatMap { ledger[$0.key]?[month] ?? [] })).sorted()
            for (key, count) in counts.facts[month] ?? [] {
                payload.facts.append(HubFact(month: month, commune: key.commune, quartier: key.quartier, category: key.category,
                                             value: count.value, state: count.state, shown: count.shown, submissions: submissions))
            }
            guard let pair = pairs[month], let current = counts.current[month] else { continue }
            let before = Period(month)?.shifted(months: -12).description ?? ""
            let previous = counts.previous[month].map { cells in Dictionary(cells.map { ($0.key, $0.count) }, uniquingKeysWith: { a, _ in a }) }
            let compared = factFeeds.filter { pair.leftOut[$0.key] == nil }
            let pairSubmissions = Array(Set(compared.flatMap { (ledger[$0.key]?[month] ?? []) + (previous == nil ? [] : ledger[$0.key]?[before] ?? []) })).sorted()
            // The feeds left out that report on the place (all of them for the territory's margin).
            var leftOut: [String: [String]] = [HubFact.total: context.leftOutItems(pair.leftOut)]
            for commune in territory.communes {
                leftOut[commune.insee] = context.leftOutItems(pair.leftOut, among: Set(coverage.filter { $0.value.contains(commune.insee) }.keys))
            }
            for (key, count) in current {
                payload.comparables.append(HubComparable(month: month, commune: key.commune, quartier: key.quartier, category: key.category,
                                                         current: count, previous: previous?[key], leftOut: leftOut[key.commune] ?? [],
                                                         submissions: pairSubmissions))
            }
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
                        let count = cell(table, r, c)
                        payload.etat4001.append(HubEtat4001(month: month, unit: unit, commune: communeOf[unit] ?? "", index: index,
                                                            value: count.value, state: count.state, shown: count.shown, submission: submission))
                    }
                }
            }
        }
        return payload
    }

    static func cell(_ table: DisclosedTable, _ r: Int, _ c: Int) -> HubCount {
        switch table.states[r][c] {
        case .published: return HubCount(value: table.values[r][c], state: .published, shown: String(table.values[r][c]))
        case .zero: return HubCount(value: 0, state: .zero, shown: "0")
        case .suppressed: return HubCount(value: nil, state: .suppressed, shown: table.text(row: r, column: c))
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
