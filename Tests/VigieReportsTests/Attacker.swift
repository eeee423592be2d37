import Foundation

/// An analyst's attack on published tables, written apart from the production audit (which
/// solves linear programs): it reads only the texts ("12", "0", "< 5", "s"), knows that « < m »
/// is 1…m−1, « s » at least m and zeros exact, and finds what each hidden entry can be.
/// Two exact methods: enumeration of every integer solution (tiny tables, linked ones too), and
/// feasibility of a flow with bounds (one two-way table with margins, any size).
struct Attacker {
    /// A published table, margins included (last row and column), and the atoms each body cell
    /// sums (nil: each cell is its own count; tables naming the same atom are linked).
    struct Table {
        var texts: [[String]]
        var minCell: Int
        var atoms: [[[String]]]?
    }

    /// What the attacker reads in a text: « s » is at least m, unless it is a total whose line
    /// shows only « < m » and 0 (two « < m » at least): then it may be small.
    static func bounds(_ text: String, minCell: Int, infinity: Int, maySmall: Bool = false) -> (low: Int, high: Int) {
        if let v = Int(text) { return (v, v) }
        if text == "s" { return (maySmall ? 1 : minCell, infinity) }
        precondition(text == "< \(minCell)", "unexpected text \(text)")
        return (1, minCell - 1)
    }

    static func isHidden(_ text: String) -> Bool { Int(text) == nil }

    /// Whether « s » at (r, c) of `texts` (margins last) may hide a small total.
    static func maySmall(_ texts: [[String]], _ r: Int, _ c: Int, minCell: Int) -> Bool {
        let R = texts.count - 1, C = texts[0].count - 1
        func small(_ t: [String]) -> Bool { t.allSatisfy { $0 == "0" || $0 == "< \(minCell)" } && t.filter { $0 != "0" }.count >= 2 }
        return (c == C && small(Array(texts[r][0..<C]))) || (r == R && small((0..<R).map { texts[$0][c] }))
    }

    // MARK: Enumeration

    /// Every hidden entry's least and greatest possible value over all integer solutions,
    /// atoms taking 0…`bound`: [table][row][column], nil for shown entries.
    static func enumerate(_ tables: [Table], bound: Int) -> [[[ClosedRange<Int>?]]] {
        search(tables, bound: bound, fixing: nil).ranges
    }

    /// Whether some integer solution (atoms in 0…`bound`) gives entry (row, column) of table
    /// `table` the value `value`: a witness, found by the same search stopped at the first solution.
    static func witness(_ tables: [Table], bound: Int, table: Int, row: Int, column: Int, value: Int) -> Bool {
        search(tables, bound: bound, fixing: (table, row, column, value)).any
    }

    static func search(_ tables: [Table], bound: Int, fixing: (Int, Int, Int, Int)?) -> (ranges: [[[ClosedRange<Int>?]]], any: Bool) {
        var names: [String] = []
        var index: [String: Int] = [:]
        var statements: [(atoms: [Int], low: Int, high: Int, where: (Int, Int, Int))] = []
        for (t, table) in tables.enumerated() {
            let R = table.texts.count - 1, C = table.texts[0].count - 1
            func atoms(_ r: Int, _ c: Int) -> [Int] {
                let keys = table.atoms?[r][c] ?? ["\(t)/\(r)/\(c)"]
                return keys.map { key in
                    if let i = index[key] { return i }
                    index[key] = names.count; names.append(key); return names.count - 1
                }
            }
            for r in 0...R {
                for c in 0...C {
                    let rows = r == R ? Array(0..<R) : [r], columns = c == C ? Array(0..<C) : [c]
                    let sum = rows.flatMap { rr in columns.flatMap { atoms(rr, $0) } }
                    let b = bounds(table.texts[r][c], minCell: table.minCell, infinity: Int.max / 4,
                                   maySmall: maySmall(table.texts, r, c, minCell: table.minCell))
                    if let f = fixing, f.0 == t, f.1 == r, f.2 == c {
                        statements.append((sum, max(b.low, f.3), min(b.high, f.3), (t, r, c)))
                    } else {
                        statements.append((sum, b.low, b.high, (t, r, c)))
                    }
                }
            }
        }
        let n = names.count
        // After each atom, every statement holding it: not above its high end, and once its
        // last atom is set, not below its low end.
        let last = statements.map { $0.atoms.max() ?? -1 }
        var byAtom = Array(repeating: [Int](), count: n)
        for (s, statement) in statements.enumerated() { for a in Set(statement.atoms) { byAtom[a].append(s) } }
        // No atom exceeds a figure it is part of.
        var cap = Array(repeating: bound, count: n)
        for statement in statements { for a in statement.atoms { cap[a] = min(cap[a], statement.high) } }
        var found = tables.map { $0.texts.map { $0.map { _ in ClosedRange<Int>?.none } } }
        var x = Array(repeating: 0, count: n)
        var any = false
        func dfs(_ i: Int) {
            if any && fixing != nil { return }
            if i == n {
                any = true
                for s in statements where isHidden(tables[s.where.0].texts[s.where.1][s.where.2]) {
                    let v = s.atoms.reduce(0) { $0 + x[$1] }
                    let old = found[s.where.0][s.where.1][s.where.2]
                    found[s.where.0][s.where.1][s.where.2] = old.map { min($0.lowerBound, v)...max($0.upperBound, v) } ?? v...v
                }
                return
            }
            for v in 0...cap[i] {
                x[i] = v
                let ok = byAtom[i].allSatisfy { s in
                    let sum = statements[s].atoms.reduce(0) { $0 + ($1 <= i ? x[$1] : 0) }
                    return sum <= statements[s].high && (last[s] > i || sum >= statements[s].low)
                }
                if !ok && byAtom[i].contains(where: { s in statements[s].atoms.reduce(0) { $0 + ($1 <= i ? x[$1] : 0) } > statements[s].high }) { break }
                if ok { dfs(i + 1) }
            }
        }
        dfs(0)
        return (found, any)
    }

    // MARK: Flow with bounds

    /// Whether the published table admits integer counts with entry (row, column) equal to
    /// `value`: a circulation source → rows → columns → sink → source whose arcs carry the
    /// cells, row totals, column totals and grand total within what their texts say.
    static func feasible(_ table: Table, row: Int, column: Int, value: Int) -> Bool {
        let R = table.texts.count - 1, C = table.texts[0].count - 1
        let infinity = 1_000_000
        func b(_ r: Int, _ c: Int) -> (Int, Int) {
                let x = bounds(table.texts[r][c], minCell: table.minCell, infinity: infinity, maySmall: maySmall(table.texts, r, c, minCell: table.minCell))
            // The entry tried keeps what its text says: a value outside it gives an empty range.
            if r == row && c == column { return (max(x.low, value), min(x.high, value)) }
            return (x.low, x.high)
        }
        // Nodes: 0 source, 1 sink, rows 2..., columns after.
        let nodes = 2 + R + C + 2, superSource = nodes - 2, superSink = nodes - 1
        var capacity = Array(repeating: Array(repeating: 0, count: nodes), count: nodes)
        var excess = Array(repeating: 0, count: nodes)
        var empty = false
        func arc(_ u: Int, _ v: Int, _ bounds: (Int, Int)) {
            if bounds.0 > bounds.1 { empty = true; return }
            capacity[u][v] += bounds.1 - bounds.0
            excess[v] += bounds.0; excess[u] -= bounds.0
        }
        for r in 0..<R { arc(0, 2 + r, b(r, C)) }
        for c in 0..<C { arc(2 + R + c, 1, b(R, c)) }
        for r in 0..<R { for c in 0..<C { arc(2 + r, 2 + R + c, b(r, c)) } }
        arc(1, 0, b(R, C))
        if empty { return false }
        var need = 0
        for v in 0..<(nodes - 2) {
            if excess[v] > 0 { capacity[superSource][v] += excess[v]; need += excess[v] }
            if excess[v] < 0 { capacity[v][superSink] += -excess[v] }
        }
        // Edmonds–Karp.
        var flow = 0
        while true {
            var parent = Array(repeating: -1, count: nodes)
            parent[superSource] = superSource
            var queue = [superSource], head = 0
            while head < queue.count && parent[superSink] < 0 {
                let u = queue[head]; head += 1
                for v in 0..<nodes where parent[v] < 0 && capacity[u][v] > 0 { parent[v] = u; queue.append(v) }
            }
            guard parent[superSink] >= 0 else { break }
            var push = Int.max, v = superSink
            while v != superSource { push = min(push, capacity[parent[v]][v]); v = parent[v] }
            v = superSink
            while v != superSource { capacity[parent[v]][v] -= push; capacity[v][parent[v]] += push; v = parent[v] }
            flow += push
        }
        return flow == need
    }

    /// The least and greatest values of a hidden entry of a one-table attack, scanning 0…`bound`
    /// (the feasible values of one entry of a two-way table form an interval).
    static func range(_ table: Table, row: Int, column: Int, bound: Int) -> ClosedRange<Int>? {
        guard let low = (0...bound).first(where: { feasible(table, row: row, column: column, value: $0) }) else { return nil }
        let high = (low...bound).reversed().first { feasible(table, row: row, column: column, value: $0) } ?? low
        return low...high
    }
}
