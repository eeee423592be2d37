import VigieReports
import XCTest

/// Statistical disclosure control: small cells hidden, and nothing hidden can be computed back.
/// Safety is checked here independently of the implementation: line by line, and by linear
/// algebra on the equations an attacker has (each line of the extended grid sums to its margin).
final class DisclosureTests: XCTestCase {
    func testSingleSmallCellIsHiddenAndNotRecoverable() {
        let counts = [[12, 2, 15, 20],
                      [30, 11, 14, 18],
                      [10, 25, 16, 13]]
        let grid = CountGrid(rowLabels: ["A", "B", "C"], columnLabels: ["w", "x", "y", "z"], counts: counts)
        let table = DisclosedTable(grid)
        XCTAssertEqual(table.states[0][1], .suppressed)
        XCTAssertEqual(table.text(row: 0, column: 1), "< 5")
        XCTAssertEqual(table.reasons[GridCell(row: 0, column: 1)], .primary)
        // The cheapest 4-cycle through (0,1), by hand over r' ∈ {B, C, totals}, c' ∈ {w, y, z, totals}:
        // B/y costs 11 + 15 + 14 = 40; next come C/w 25 + 12 + 10 = 47 and B/z 11 + 20 + 18 = 49.
        XCTAssertEqual(Set(table.reasons.keys), [GridCell(row: 0, column: 1), GridCell(row: 0, column: 2),
                                                 GridCell(row: 1, column: 1), GridCell(row: 1, column: 2)])
        XCTAssertEqual(table.text(row: 0, column: 2), "s")
        XCTAssertEqual(table.reasons[GridCell(row: 1, column: 1)], .secondary)
        assertSafe(table, counts: counts, minCell: 5)
    }

    func testLoneSmallCellHidesItsRowTotal() {
        let counts = [[3, 0, 0],
                      [12, 15, 20],
                      [11, 0, 14]]
        let grid = CountGrid(rowLabels: ["A", "B", "C"], columnLabels: ["x", "y", "z"], counts: counts)
        let table = DisclosedTable(grid)
        XCTAssertEqual(table.text(row: 0, column: 0), "< 5")
        // The total of row A is 3, the hidden cell's value: itself a small count, it goes too.
        XCTAssertEqual(table.states[0][3], .suppressed)
        XCTAssertEqual(table.text(row: 0, column: 3), "< 5")
        XCTAssertEqual(table.reasons[GridCell(row: 0, column: 3)], .primary)
        XCTAssertEqual(table.text(row: 0, column: 1), "0")
        XCTAssertEqual(table.text(row: 2, column: 1), "0")
        assertSafe(table, counts: counts, minCell: 5)
    }

    /// Decision: a forced cell shows « < minCell » only when its value is below minCell (it is
    /// then true), « s » otherwise; a forced 0 is published as « 0 ».
    func testForcedColumn() {
        let counts = [[40, 7, 22],
                      [35, 12, 18],
                      [28, 0, 31],
                      [19, 3, 25]]
        let forced: Set<GridCell> = Set((0..<4).map { GridCell(row: $0, column: 1) })
        let grid = CountGrid(rowLabels: ["A", "B", "C", "D"], columnLabels: ["vols", "homicides", "dégradations"],
                             counts: counts, forced: forced)
        let table = DisclosedTable(grid)
        XCTAssertEqual(table.text(row: 0, column: 1), "s")
        XCTAssertEqual(table.text(row: 1, column: 1), "s")
        XCTAssertEqual(table.text(row: 2, column: 1), "0")
        XCTAssertEqual(table.states[2][1], .zero)
        XCTAssertEqual(table.text(row: 3, column: 1), "< 5")
        for r in [0, 1, 3] { XCTAssertEqual(table.reasons[GridCell(row: r, column: 1)], .forced) }
        XCTAssertNil(table.reasons[GridCell(row: 2, column: 1)])
        assertSafe(table, counts: counts, minCell: 5, forced: forced)
    }

    func testReservationRaisesThreshold() {
        let counts = [[7, 20, 31],
                      [15, 12, 40]]
        let grid = CountGrid(rowLabels: ["A", "B"], columnLabels: ["x", "y", "z"], counts: counts)
        XCTAssertEqual(DisclosedTable(grid).text(row: 0, column: 0), "7")
        let strict = DisclosedTable(grid, minCell: 10)
        XCTAssertEqual(strict.minCell, 10)
        XCTAssertEqual(strict.text(row: 0, column: 0), "< 10")
        XCTAssertEqual(strict.reasons[GridCell(row: 0, column: 0)], .primary)
        assertSafe(strict, counts: counts, minCell: 10)
    }

    func testMinCellOneHidesNothing() {
        let counts = [[1, 0], [2, 3]]
        let table = DisclosedTable(CountGrid(rowLabels: ["A", "B"], columnLabels: ["x", "y"], counts: counts), minCell: 1)
        XCTAssertEqual(table.suppressedCount, 0)
        XCTAssertEqual(table.text(row: 0, column: 0), "1")
        XCTAssertEqual(table.text(row: 2, column: 2), "6")
    }

    func testEmptyGrids() {
        let none = DisclosedTable(CountGrid(rowLabels: [], columnLabels: [], counts: []))
        XCTAssertEqual(none.values, [[0]])
        XCTAssertEqual(none.text(row: 0, column: 0), "0")
        let noColumns = DisclosedTable(CountGrid(rowLabels: ["A", "B"], columnLabels: [], counts: [[], []]))
        XCTAssertEqual(noColumns.values, [[0], [0], [0]])
        XCTAssertEqual(noColumns.suppressedCount, 0)
    }

    func testRandomGridsAreSafe() {
        var rng = LCG(seed: 20_240_917)
        for _ in 0..<200 {
            let rows = 1 + rng.next(6), columns = 1 + rng.next(7)
            let counts = (0..<rows).map { _ in
                (0..<columns).map { _ -> Int in
                    switch rng.next(3) {
                    case 0: return 0
                    case 1: return 1 + rng.next(6)
                    default: return rng.next(31)
                    }
                }
            }
            var forced: Set<GridCell> = []
            if rng.next(4) == 0 { forced.insert(GridCell(row: rng.next(rows), column: rng.next(columns))) }
            let grid = CountGrid(rowLabels: (0..<rows).map { "r\($0)" }, columnLabels: (0..<columns).map { "c\($0)" },
                                 counts: counts, forced: forced)
            let table = DisclosedTable(grid)
            assertSafe(table, counts: counts, minCell: 5, forced: forced)
            // The audit's ranges are the flow attacker's (bounded by the grand total, or 300).
            let published = Attacker.Table(texts: Self.texts(table), minCell: 5)
            let bound = table.states[rows][columns] == .published ? table.values[rows][columns] : 300
            for f in DisclosureAudit([table]).findings() {
                let found = Attacker.range(published, row: f.cell.row, column: f.cell.column, bound: bound)
                XCTAssertEqual(found?.lowerBound, f.low, "\(counts) \(f.cell)")
                XCTAssertEqual(found?.upperBound, f.high ?? bound, "\(counts) \(f.cell)")
            }
        }
    }

    /// The checker itself: two 4-cycles joined by one entry. Every line holds 0 or >= 2
    /// secrets, yet the joining entry (1, 2) is recoverable, and only it.
    func testCheckerFindsABridgeThatLineCountsMiss() {
        let cycleA = [(0, 0), (0, 1), (1, 0), (1, 1)], cycleB = [(2, 2), (2, 3), (3, 2), (3, 3)]
        let found = Self.recoverable(cycleA + cycleB + [(1, 2)], rows: 4, columns: 4)
        XCTAssertEqual(found.map { [$0.0, $0.1] }, [[1, 2]])
        XCTAssertTrue(Self.recoverable(cycleA + cycleB, rows: 4, columns: 4).isEmpty)
        XCTAssertEqual(Self.recoverable([(0, 0), (0, 1)], rows: 2, columns: 2).count, 2)
    }

    // MARK: Independent checks

    /// Checks a disclosed table against its input only: values and margins, texts, primary
    /// suppression, lines with exactly one secret, and exact recoverability by linear algebra.
    private func assertSafe(_ table: DisclosedTable, counts: [[Int]], minCell: Int, forced: Set<GridCell> = [],
                            file: StaticString = #filePath, line: UInt = #line) {
        let R = counts.count, C = counts.first?.count ?? table.columnLabels.count
        // The extended grid computed from the input.
        var expected = counts.map { $0 + [$0.reduce(0, +)] }
        expected.append((0...C).map { c in expected.reduce(0) { $0 + $1[c] } })
        XCTAssertEqual(table.values, expected, "values", file: file, line: line)

        var hidden: [(Int, Int)] = []
        for r in 0...R {
            for c in 0...C {
                let value = expected[r][c], text = table.text(row: r, column: c)
                let isHidden = table.states[r][c] == .suppressed
                if isHidden { hidden.append((r, c)) }
                if value == 0 {
                    XCTAssertEqual(table.states[r][c], .zero, "zero at \(r),\(c)", file: file, line: line)
                    XCTAssertEqual(text, "0", file: file, line: line)
                } else if isHidden {
                    // A « < m » must be true; nothing hidden shows digits.
                    XCTAssertTrue(text == "s" || (text == "< \(minCell)" && value < minCell), "\(text) for \(value)", file: file, line: line)
                } else {
                    XCTAssertEqual(text, String(value), file: file, line: line)
                }
                // Every count below the threshold is hidden, totals included.
                if value > 0 && (value < minCell || forced.contains(GridCell(row: r, column: c))) {
                    XCTAssertTrue(isHidden, "\(value) at \(r),\(c) must be hidden", file: file, line: line)
                }
                XCTAssertEqual(table.reasons[GridCell(row: r, column: c)] != nil, isHidden, file: file, line: line)
            }
        }
        XCTAssertEqual(table.suppressedCount, hidden.count, file: file, line: line)

        // No line of the extended grid holds exactly one secret.
        for r in 0...R {
            let n = hidden.filter { $0.0 == r }.count
            XCTAssertTrue(n == 0 || n >= 2, "row \(r) has \(n) hidden", file: file, line: line)
        }
        for c in 0...C {
            let n = hidden.filter { $0.1 == c }.count
            XCTAssertTrue(n == 0 || n >= 2, "column \(c) has \(n) hidden", file: file, line: line)
        }

        for entry in Self.recoverable(hidden, rows: R + 1, columns: C + 1) {
            XCTFail("hidden \(entry) is recoverable", file: file, line: line)
        }
        assertAttackFindsNothing(table, file: file, line: line)
    }

    /// The published texts of a table, margins included.
    static func texts(_ table: DisclosedTable) -> [[String]] {
        table.values.indices.map { r in table.values[r].indices.map { table.text(row: r, column: $0) } }
    }

    /// What a hidden entry must remain able to be (the rule the README states): « < m » every
    /// value 1…m−1; a small total shown « s » from its number of non-zero entries to m−1; a
    /// forced « s » m−1 either side of its value, never below m; nil for a secondary « s »,
    /// which must only be not exact.
    static func required(_ table: DisclosedTable, _ r: Int, _ c: Int) -> ClosedRange<Int>? {
        let m = table.minCell, v = table.values[r][c]
        let R = table.rowLabels.count, C = table.columnLabels.count
        if table.text(row: r, column: c) != "s" { return 1...(m - 1) }
        let across = (0..<C).map { table.values[r][$0] }, down = (0..<R).map { table.values[$0][c] }
        let line = c == C && r == R ? (across.filter { $0 > 0 }.count >= down.filter { $0 > 0 }.count ? across : down) : c == C ? across : down
        if v < m { return line.filter { $0 > 0 }.count...(m - 1) }
        guard table.reasons[GridCell(row: r, column: c)] == .forced else { return nil }
        return max(m, v - (m - 1))...(v + m - 1)
    }

    /// Whether `range` (what an attacker found) keeps entry (r, c) protected.
    static func keeps(_ range: ClosedRange<Int>?, _ table: DisclosedTable, _ r: Int, _ c: Int) -> Bool {
        guard let range else { return false }
        guard let need = required(table, r, c) else { return range.count >= 2 }
        return range.lowerBound <= need.lowerBound && range.upperBound >= need.upperBound
    }

    /// The flow attacker on one table: both ends of every hidden entry's protection interval are
    /// reachable by integer counts consistent with everything the table shows.
    private func assertAttackFindsNothing(_ table: DisclosedTable, file: StaticString = #filePath, line: UInt = #line) {
        let published = Attacker.Table(texts: Self.texts(table), minCell: table.minCell)
        for r in table.values.indices {
            for c in table.values[r].indices where table.states[r][c] == .suppressed {
                let v = table.values[r][c]
                guard let need = Self.required(table, r, c) else {
                    XCTAssertTrue(Attacker.feasible(published, row: r, column: c, value: v + 1) || Attacker.feasible(published, row: r, column: c, value: v - 1),
                                  "(\(r), \(c)) « s » is exactly \(v)", file: file, line: line)
                    continue
                }
                for end in [need.lowerBound, need.upperBound] {
                    XCTAssertTrue(Attacker.feasible(published, row: r, column: c, value: end),
                                  "(\(r), \(c)) « \(table.text(row: r, column: c)) » cannot be \(end)", file: file, line: line)
                }
            }
        }
    }

    // MARK: Attacks

    /// What the quick method (every hidden entry on a cycle) published: column 0 holds 1 and 1
    /// and its total minus the shown cells leaves 2 — both « < 5 » are exactly 1. Both attackers
    /// see it; the exact audit hides more and they see nothing.
    func testTheColumnTotalLeakIsFoundThenClosed() {
        let counts = [[1, 6, 30], [1, 7, 25], [20, 9, 14], [30, 12, 18]]
        let old = [["< 5", "s", "30", "37"], ["< 5", "s", "25", "33"], ["20", "9", "14", "43"], ["30", "12", "18", "60"],
                   ["52", "34", "87", "173"]]
        let attacked = Attacker.Table(texts: old, minCell: 5)
        let found = Attacker.enumerate([attacked], bound: 40)
        XCTAssertEqual(found[0][0][0], 1...1)
        XCTAssertEqual(found[0][1][0], 1...1)
        XCTAssertEqual(found[0][0][1], 6...6)
        XCTAssertEqual(Attacker.range(attacked, row: 0, column: 0, bound: 40), 1...1, "the flow attacker agrees")

        let table = DisclosedTable(CountGrid(rowLabels: ["A", "B", "C", "D"], columnLabels: ["x", "y", "z"], counts: counts))
        assertSafe(table, counts: counts, minCell: 5)
        XCTAssertGreaterThan(table.suppressedCount, 4, "more than the old rectangle")
        let after = Attacker.enumerate([Attacker.Table(texts: Self.texts(table), minCell: 5)], bound: 60)
        XCTAssertEqual(after[0][0][0], 1...4)
        XCTAssertEqual(after[0][1][0], 1...4)
    }

    /// 3 and 4 in one column, the rest shown: 7 for two « < 5 », each narrowed to 3…4.
    func testANarrowedSmallCellIsFoundThenClosed() {
        let counts = [[3, 6, 30], [4, 7, 25], [20, 9, 14], [30, 12, 18]]
        let old = [["< 5", "s", "30", "39"], ["< 5", "s", "25", "36"], ["20", "9", "14", "43"], ["30", "12", "18", "60"],
                   ["57", "34", "87", "178"]]
        let found = Attacker.enumerate([Attacker.Table(texts: old, minCell: 5)], bound: 40)
        XCTAssertEqual(found[0][0][0], 3...4)
        XCTAssertEqual(found[0][1][0], 3...4)
        let table = DisclosedTable(CountGrid(rowLabels: ["A", "B", "C", "D"], columnLabels: ["x", "y", "z"], counts: counts))
        assertSafe(table, counts: counts, minCell: 5)
        let after = Attacker.enumerate([Attacker.Table(texts: Self.texts(table), minCell: 5)], bound: 60)
        XCTAssertEqual(after[0][0][0], 1...4)
        XCTAssertEqual(after[0][1][0], 1...4)
    }

    /// Two linked tables: the same counts by quartier and by secteur (two quartiers each), sharing
    /// the category totals. Each is safe alone, yet the secteur table pins its quartiers' « < 5 »;
    /// protected together, the enumeration over the quartier counts finds nothing narrowed.
    func testTwoLinkedTablesAreProtectedTogether() {
        let quartiers = [[3, 12], [4, 9], [9, 2], [11, 8]]
        let secteurs = [[7, 21], [20, 10]]
        let atoms = (0..<4).map { q in (0..<2).map { c in ["q\(q)/c\(c)"] } }
        let secteurAtoms = (0..<2).map { s in (0..<2).map { c in ["q\(2 * s)/c\(c)", "q\(2 * s + 1)/c\(c)"] } }
        let byQuartier = DisclosedTable(CountGrid(rowLabels: ["q0", "q1", "q2", "q3"], columnLabels: ["x", "y"], counts: quartiers, atoms: atoms))
        let bySecteur = DisclosedTable(CountGrid(rowLabels: ["S0", "S1"], columnLabels: ["x", "y"], counts: secteurs, atoms: secteurAtoms))
        assertSafe(byQuartier, counts: quartiers, minCell: 5)
        assertSafe(bySecteur, counts: secteurs, minCell: 5)

        func attack(_ tables: [DisclosedTable]) -> [[[ClosedRange<Int>?]]] {
            Attacker.enumerate(tables.map { Attacker.Table(texts: Self.texts($0), minCell: 5, atoms: $0.atoms) }, bound: 31)
        }
        func narrowed(_ tables: [DisclosedTable]) -> [String] {
            let found = attack(tables)
            var out: [String] = []
            for (t, table) in tables.enumerated() {
                for r in table.values.indices {
                    for c in table.values[r].indices where table.states[r][c] == .suppressed {
                        if !Self.keeps(found[t][r][c], table, r, c) {
                            out.append("table \(t) (\(r), \(c)) « \(table.text(row: r, column: c)) » : \(String(describing: found[t][r][c]))")
                        }
                    }
                }
            }
            return out
        }
        XCTAssertFalse(narrowed([byQuartier, bySecteur]).isEmpty, "published as is, together they leak")
        let (protected, findings) = DisclosureAudit.protect([byQuartier, bySecteur])
        XCTAssertTrue(findings.allSatisfy(\.protected))
        // Protected, most entries are hidden and nearly unbounded: instead of enumerating every
        // solution, the attacker looks for a witness of each end a hidden entry must reach.
        let published = protected.map { Attacker.Table(texts: Self.texts($0), minCell: 5, atoms: $0.atoms) }
        for (t, table) in protected.enumerated() {
            for r in table.values.indices {
                for c in table.values[r].indices where table.states[r][c] == .suppressed {
                    let v = table.values[r][c]
                    let ends = Self.required(table, r, c).map { [$0.lowerBound, $0.upperBound] } ?? [v + 1]
                    for end in ends {
                        XCTAssertTrue(Attacker.witness(published, bound: 40, table: t, row: r, column: c, value: end),
                                      "table \(t) (\(r), \(c)) « \(table.text(row: r, column: c)) » cannot be \(end)")
                    }
                }
            }
        }
    }

    /// The hidden entries of an (rows)×(columns) extended grid whose exact value follows from
    /// the attacker's system: one equation per line, unknowns = hidden entries. Unknown i is
    /// determined iff the unit vector e_i lies in the row space, i.e. iff appending e_i does
    /// not raise the rank.
    private static func recoverable(_ hidden: [(Int, Int)], rows: Int, columns: Int) -> [(Int, Int)] {
        let system: [[Int]] = (0..<rows).map { r in hidden.map { $0.0 == r ? 1 : 0 } }
            + (0..<columns).map { c in hidden.map { $0.1 == c ? 1 : 0 } }
        let base = rank(system)
        return hidden.indices.filter { i in
            rank(system + [hidden.indices.map { $0 == i ? 1 : 0 }]) == base
        }.map { hidden[$0] }
    }

    /// Rank by Gaussian elimination modulo the prime 2^31 − 1. The matrices are 0/1 incidence
    /// matrices of a bipartite graph (plus a unit row): totally unimodular, every minor is 0 or
    /// ±1, so the rank modulo any prime equals the rational rank.
    private static func rank(_ matrix: [[Int]]) -> Int {
        let p = 2_147_483_647
        var m = matrix.map { $0.map { (($0 % p) + p) % p } }
        guard let width = m.first?.count else { return 0 }
        func inverse(_ a: Int) -> Int {
            var result = 1, base = a, e = p - 2
            while e > 0 { if e & 1 == 1 { result = result * base % p }; base = base * base % p; e >>= 1 }
            return result
        }
        var rank = 0
        for col in 0..<width where rank < m.count {
            guard let pivot = (rank..<m.count).first(where: { m[$0][col] != 0 }) else { continue }
            m.swapAt(rank, pivot)
            let inv = inverse(m[rank][col])
            for r in 0..<m.count where r != rank && m[r][col] != 0 {
                let factor = m[r][col] * inv % p
                for k in col..<width { m[r][k] = ((m[r][k] - factor * m[rank][k]) % p + p) % p }
            }
            rank += 1
        }
        return rank
    }
}

/// A tiny seeded generator (Knuth's MMIX LCG): the same grids on every run.
private struct LCG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    /// A number in 0..<bound.
    mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }
}
