import Foundation
import VigieCore
import VigieReports

/// One month against the same month a year earlier, like for like (`LikeForLike.comparedCells`),
/// before disclosure control: the facts of the compared feeds on both sides, the feeds left out.
struct ComparedMonth: Sendable {
    var current: [FactCell]
    /// nil when no fact feed owed anything a year earlier.
    var previous: [FactCell]?
    var leftOut: [FeedKey: String]
}

/// A published place and category: `commune` « * » is the territory, `category` « * » the place's total.
struct CellKey: Hashable, Sendable {
    var commune: String
    var quartier: String
    var category: String
}

/// The hub's tables of one month's counts and their disclosure control: communes × categories
/// with their margins and, for each commune whose quartiers may be published, its quartiers (and
/// « non localisé ») × categories, homicides forced hidden there (never distinguishable below the
/// commune). A commune's cell is the sum of its quartiers' cells: the tables share their atoms.
struct TableShape: Sendable {
    var territory: Territory
    var categories: [String]
    var quartiers: Set<String>
    var minCell: Int

    /// One table: communes × categories (`commune` nil) or one commune's quartiers × categories.
    struct Table {
        var commune: String?
        var rows: [String]
        var grid: CountGrid
    }

    /// Published counts by month: the facts, and the two sides of each month's like-for-like pair.
    struct Disclosed {
        var facts: [String: [(key: CellKey, count: HubCount)]] = [:]
        var current: [String: [(key: CellKey, count: HubCount)]] = [:]
        /// By the pair's month (the counts are those of the month a year earlier).
        var previous: [String: [(key: CellKey, count: HubCount)]] = [:]
    }

    /// Disclosure control of the facts and of the like-for-like pairs, the tables of one month's
    /// counts audited together (`DisclosureAudit.protect`): the facts of month M, the current side
    /// of M's pair and the previous side of M+12's pair.
    ///
    /// A pair that leaves no feed out is the facts of its two months: it gets their published
    /// cells. Otherwise each side is a table of its own, where a commune that no left-out feed
    /// reports on (`coverage`) shares its atoms with the facts (the same counts: the audit sees
    /// both), and the other communes have atoms of their own.
    ///
    /// Differencing rule: a pair's cell (margins included) whose count is 1…minCell−1 below the
    /// same cell of the facts (every feed received) would give the left-out feeds' small count by
    /// subtraction; it is forced hidden, and the audit keeps it within minCell−1 either side.
    /// Applied whether or not the fact is shown (a hidden fact's range would narrow it too).
    func disclose(facts: [String: [FactCell]], pairs: [String: ComparedMonth], months: [String],
                  coverage: [FeedKey: Set<String>]) -> Disclosed {
        let plain: (String, String, String) -> String = { "\($0)|\($1)|\($2)" }
        func pairAtom(_ side: String, _ month: String, _ leftOut: [FeedKey: String]) -> (String, String, String) -> String {
            // A feed whose communes are unknown reports on all of them.
            let all = Set(territory.communes.map(\.insee))
            let covered = Set(leftOut.keys.flatMap { coverage[$0] ?? all })
            return { covered.contains($0) ? "\(side)\(month)|\($0)|\($1)|\($2)" : plain($0, $1, $2) }
        }
        func leavesOut(_ month: String) -> Bool { !(pairs[month]?.leftOut.isEmpty ?? true) }
        var result = Disclosed()
        for month in months {
            let own = tables(facts[month] ?? [], atom: plain)
            var current: [Table] = [], previous: [Table] = []
            if let pair = pairs[month], leavesOut(month) {
                current = forcing(tables(pair.current, atom: pairAtom("n", month, pair.leftOut)), against: own)
            }
            let next = Period(month)?.shifted(months: 12).description ?? ""
            if let pair = pairs[next], leavesOut(next), let cells = pair.previous {
                previous = forcing(tables(cells, atom: pairAtom("n-1", next, pair.leftOut)), against: own)
            }
            let disclosed = DisclosureAudit.protect((own + current + previous).map { DisclosedTable($0.grid, minCell: minCell) }).tables
            result.facts[month] = published(Array(disclosed[0..<own.count]), own)
            if !current.isEmpty { result.current[month] = published(Array(disclosed[own.count..<own.count + current.count]), current) }
            if !previous.isEmpty { result.previous[next] = published(Array(disclosed[(own.count + current.count)...]), previous) }
        }
        for month in months where pairs[month] != nil && !leavesOut(month) {
            result.current[month] = result.facts[month]
            if pairs[month]?.previous != nil, let before = Period(month)?.shifted(months: -12).description {
                result.previous[month] = result.facts[before]
            }
        }
        return result
    }

    /// The tables of `cells`; `atom` names the finest counts (`CountGrid.atoms`) by commune, quartier and category.
    func tables(_ cells: [FactCell], atom: (String, String, String) -> String) -> [Table] {
        let communes = territory.communes.map(\.insee)
        let columnLabels = categories.map { $0.isEmpty ? "non-classe" : $0 }
        var atomCounts: [String: Int] = [:]
        for cell in cells where communes.contains(cell.commune) {
            let category = categories.contains(cell.category) ? cell.category : ""
            let detailed = quartiers.contains(cell.commune) && territory.quartier(id: cell.quartier) != nil ? cell.quartier : ""
            atomCounts[atom(cell.commune, detailed, category), default: 0] += cell.count
        }
        var tables: [Table] = []
        // Communes: each cell sums its commune's atoms of that category.
        var communeAtoms: [[[String]]] = []
        var communeCounts: [[Int]] = []
        for insee in communes {
            let places = [""] + (quartiers.contains(insee) ? (territory.commune(insee: insee)?.sectors.flatMap(\.quartiers).map(\.id) ?? []) : [])
            communeAtoms.append(categories.map { cat in places.map { atom(insee, $0, cat) } })
            communeCounts.append(categories.map { cat in places.reduce(0) { $0 + (atomCounts[atom(insee, $1, cat)] ?? 0) } })
        }
        tables.append(Table(commune: nil, rows: communes, grid: CountGrid(rowLabels: communes, columnLabels: columnLabels, counts: communeCounts,
                                                                          atoms: communeAtoms)))
        let homicides = categories.firstIndex(of: RequestExtract.homicides)
        for insee in communes where quartiers.contains(insee) {
            let places = (territory.commune(insee: insee)?.sectors.flatMap(\.quartiers).map(\.id) ?? []) + [""]
            let counts = places.map { q in categories.map { atomCounts[atom(insee, q, $0)] ?? 0 } }
            let forced = Set(homicides.map { h in places.indices.map { GridCell(row: $0, column: h) } } ?? [])
            tables.append(Table(commune: insee, rows: places,
                                grid: CountGrid(rowLabels: places.map { $0.isEmpty ? "non-localise" : $0 }, columnLabels: columnLabels,
                                                counts: counts, forced: forced, atoms: places.map { q in categories.map { [atom(insee, q, $0)] } })))
        }
        return tables
    }

    /// `pair` (tables of one side of a pair) with the cells of the differencing rule forced hidden:
    /// 1…minCell−1 below the same cell of `facts`, tables of the same shape.
    func forcing(_ pair: [Table], against facts: [Table]) -> [Table] {
        zip(pair, facts).map { table, fact in
            var table = table
            let (mine, all) = (Self.withMargins(table.grid.counts), Self.withMargins(fact.grid.counts))
            for r in mine.indices {
                for c in mine[r].indices where (1..<max(1, minCell)).contains(all[r][c] - mine[r][c]) {
                    table.grid.forced.insert(GridCell(row: r, column: c))
                }
            }
            return table
        }
    }

    /// `counts` with a totals column and a totals row, as `DisclosedTable` extends them.
    static func withMargins(_ counts: [[Int]]) -> [[Int]] {
        let columns = counts.first?.count ?? 0
        var result = counts.map { $0 + [$0.reduce(0, +)] }
        result.append((0...columns).map { c in result.reduce(0) { $0 + $1[c] } })
        return result
    }

    /// The published cells of `disclosed` (the tables of `layout`, in order). A quartier table's
    /// totals row is its commune's row of the communes' table: published once.
    func published(_ disclosed: [DisclosedTable], _ layout: [Table]) -> [(key: CellKey, count: HubCount)] {
        let columnLabels = categories.map { $0.isEmpty ? "non-classe" : $0 }
        var cells: [(key: CellKey, count: HubCount)] = []
        for (table, shape) in zip(disclosed, layout) {
            let rows = shape.rows
            for r in 0...rows.count where shape.commune == nil || r < rows.count {
                for c in 0...categories.count {
                    let category = c == categories.count ? HubFact.total : columnLabels[c]
                    let key = shape.commune.map { CellKey(commune: $0, quartier: rows[r].isEmpty ? "non-localise" : rows[r], category: category) }
                        ?? CellKey(commune: r == rows.count ? HubFact.total : rows[r], quartier: "", category: category)
                    cells.append((key, HubExtract.cell(table, r, c)))
                }
            }
        }
        return cells
    }
}
