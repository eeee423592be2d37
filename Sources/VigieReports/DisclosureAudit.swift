import Foundation

/// The attack on the tables of one package, made as an analyst would: every figure they publish
/// (cells and totals; « < m » read as 1…m−1, « s » as at least m, since every count from 1 to
/// m−1 is shown « < m ») is a constraint on the same unknown counts, and the range of each hidden
/// entry is its least and greatest integer value under all of them at once. It promises that a
/// range it reports as reached is reached by an integer solution checked exactly.
public struct DisclosureAudit: Sendable {
    /// One hidden entry: where it is, what is shown, the integer range consistent with everything
    /// published (`high` nil when unbounded), and whether that range covers its protection interval.
    public struct Finding: Sendable {
        public var table: Int
        public var cell: GridCell
        public var shown: String
        public var low: Int?
        public var high: Int?
        /// False when the range could not be established (too many branches): then it is unsafe.
        public var exact: Bool
        public var protected: Bool
    }

    /// One published figure: the atoms it sums and the values the attacker knows it takes.
    struct Statement: Sendable {
        var atoms: [Int]
        var low: Int
        var high: Int?
    }

    let tables: [DisclosedTable]
    /// Every published figure, reduced to the unknown atoms (known ones subtracted).
    let statements: [Statement]
    /// Per table and extended cell: its unknown atoms and the sum of its known ones.
    let cells: [[[(atoms: [Int], constant: Int)]]]
    let unknownCount: Int

    /// The attacker's system for these tables. Atoms named alike in two tables are the same
    /// count; a table without named atoms has its own.
    public init(_ tables: [DisclosedTable]) {
        self.tables = tables
        // 1. Atoms and the raw statements.
        var index: [String: Int] = [:]
        func atom(_ key: String) -> Int {
            if let i = index[key] { return i }
            index[key] = index.count
            return index.count - 1
        }
        var raw: [Statement] = []
        var cellAtoms: [[[[Int]]]] = []
        for (t, table) in tables.enumerated() {
            let R = table.rowLabels.count, C = table.columnLabels.count
            let body: [[[Int]]] = (0..<R).map { r in
                (0..<C).map { c in table.atoms?[r][c].map(atom) ?? [atom("\(t)|\(r)|\(c)")] }
            }
            var extended = Array(repeating: Array(repeating: [Int](), count: C + 1), count: R + 1)
            for r in 0..<R {
                for c in 0..<C {
                    extended[r][c] = body[r][c]
                    extended[r][C] += body[r][c]; extended[R][c] += body[r][c]; extended[R][C] += body[r][c]
                }
            }
            extended = extended.map { $0.map { Array(Set($0)).sorted() } }
            cellAtoms.append(extended)
            for r in 0...R {
                for c in 0...C {
                    let known = table.knowledge(row: r, column: c)
                    raw.append(Statement(atoms: extended[r][c], low: known.low, high: known.high))
                }
            }
        }
        // 2. Atoms fixed by a figure: a zero fixes all its atoms, an exact figure with one unknown atom fixes it.
        var known: [Int: Int] = [:]
        var changed = true
        while changed {
            changed = false
            for s in raw where s.high == s.low {
                let open = s.atoms.filter { known[$0] == nil }
                if s.low == 0 { for a in open { known[a] = 0; changed = true } }
                else if open.count == 1 {
                    known[open[0]] = s.low - s.atoms.compactMap { known[$0] }.reduce(0, +)
                    changed = true
                }
            }
        }
        // 3. The unknown atoms, numbered for the linear program.
        var unknown: [Int: Int] = [:]
        for a in 0..<index.count where known[a] == nil { unknown[a] = unknown.count }
        func reduce(_ atoms: [Int]) -> (atoms: [Int], constant: Int) {
            (atoms.compactMap { unknown[$0] }, atoms.compactMap { known[$0] }.reduce(0, +))
        }
        statements = raw.compactMap { s in
            let (open, constant) = reduce(s.atoms)
            guard !open.isEmpty else { return nil }
            return Statement(atoms: open, low: s.low - constant, high: s.high.map { $0 - constant })
        }
        cells = cellAtoms.map { $0.map { $0.map(reduce) } }
        unknownCount = unknown.count
    }

    // MARK: - Ranges

    enum Extreme { case value(Int), unbounded, unknown }

    /// The linear program of the statements, plus `extra` rows.
    func program(_ extra: [LinearProgram.Row] = []) -> LinearProgram {
        var lp = LinearProgram(variables: unknownCount)
        for s in statements {
            let coefficients = Dictionary(s.atoms.map { ($0, 1.0) }, uniquingKeysWith: +)
            if s.high == s.low {
                lp.rows.append(.init(coefficients: coefficients, relation: .equal, rhs: Double(s.low)))
                continue
            }
            if s.low > 0 { lp.rows.append(.init(coefficients: coefficients, relation: .greaterOrEqual, rhs: Double(s.low))) }
            if let high = s.high { lp.rows.append(.init(coefficients: coefficients, relation: .lessOrEqual, rhs: Double(high))) }
        }
        lp.rows += extra
        return lp
    }

    /// Whether integer atoms satisfy every statement, checked in integers.
    func satisfies(_ x: [Int]) -> Bool {
        x.allSatisfy { $0 >= 0 } && statements.allSatisfy { s in
            let sum = s.atoms.reduce(0) { $0 + x[$1] }
            return sum >= s.low && s.high.map { sum <= $0 } ?? true
        }
    }

    /// The least (or greatest) integer value of the sum of `target`, by branch and bound over the
    /// linear program: a bound is accepted only from an integer solution checked exactly.
    func extreme(_ target: [Int], maximize: Bool, nodeLimit: Int = 400) -> Extreme {
        let objective = Dictionary(target.map { ($0, maximize ? -1.0 : 1.0) }, uniquingKeysWith: +)
        var best: Int?
        var stack: [[LinearProgram.Row]] = [[]]
        var nodes = 0
        while let extra = stack.popLast() {
            nodes += 1
            if nodes > nodeLimit { return .unknown }
            switch program(extra).minimize(objective) {
            case .infeasible: continue
            case .unbounded:
                // The true counts are an integer solution: an unbounded relaxation at the root
                // (rational data) means integer solutions without bound too.
                return extra.isEmpty ? .unbounded : .unknown
            case .optimal(let value, let x):
                let bound = maximize ? -value : value
                if let best, maximize ? (bound + 1e-6).rounded(.down) <= Double(best) : (bound - 1e-6).rounded(.up) >= Double(best) { continue }
                if let k = x.indices.first(where: { abs(x[$0] - x[$0].rounded()) > 1e-6 }) {
                    stack.append(extra + [.init(coefficients: [k: 1], relation: .lessOrEqual, rhs: x[k].rounded(.down))])
                    stack.append(extra + [.init(coefficients: [k: 1], relation: .greaterOrEqual, rhs: x[k].rounded(.up))])
                    continue
                }
                let integers = x.map { Int($0.rounded()) }
                guard satisfies(integers) else { return .unknown }
                let sum = target.reduce(0) { $0 + integers[$1] }
                if best == nil || (maximize ? sum > best! : sum < best!) { best = sum }
            }
        }
        return best.map { .value($0) } ?? .unknown
    }

    /// The range of entry `cell` of table `t` consistent with everything published.
    public func range(table t: Int, cell: GridCell) -> (low: Int?, high: Int?, exact: Bool) {
        let (atoms, constant) = cells[t][cell.row][cell.column]
        guard !atoms.isEmpty else { return (constant, constant, true) }
        let low = extreme(atoms, maximize: false), high = extreme(atoms, maximize: true)
        var exact = true
        var result: (low: Int?, high: Int?) = (nil, nil)
        switch low {
        case .value(let v): result.low = constant + v
        case .unbounded, .unknown: exact = false
        }
        switch high {
        case .value(let v): result.high = constant + v
        case .unbounded: result.high = nil
        case .unknown: exact = false
        }
        return (result.low, result.high, exact)
    }

    /// The finding for one hidden entry.
    public func finding(table t: Int, cell: GridCell) -> Finding {
        let (low, high, exact) = range(table: t, cell: cell)
        let need = tables[t].protectionInterval(row: cell.row, column: cell.column)
        let covered: Bool
        if let need {
            covered = exact && (low.map { $0 <= need.lowerBound } ?? false) && (high.map { $0 >= need.upperBound } ?? true)
        } else {
            covered = exact && low != nil && (high.map { $0 > low! } ?? true)
        }
        return Finding(table: t, cell: cell, shown: tables[t].text(row: cell.row, column: cell.column),
                       low: low, high: high, exact: exact, protected: covered)
    }

    /// Whether a hidden entry keeps its protection: `finding(...).protected`, stopping at the first end that fails.
    func protects(table t: Int, cell: GridCell) -> Bool {
        let (atoms, constant) = cells[t][cell.row][cell.column]
        guard !atoms.isEmpty else { return false }
        guard case .value(let low) = extreme(atoms, maximize: false) else { return false }
        let need = tables[t].protectionInterval(row: cell.row, column: cell.column)
        if let need, constant + low > need.lowerBound { return false }
        switch extreme(atoms, maximize: true) {
        case .unbounded: return true
        case .unknown: return false
        case .value(let high): return need.map { constant + high >= $0.upperBound } ?? (high > low)
        }
    }

    /// Every hidden entry of every table, in order.
    public var hiddenCells: [(table: Int, cell: GridCell)] {
        tables.indices.flatMap { t in
            tables[t].reasons.keys.sorted { ($0.row, $0.column) < ($1.row, $1.column) }.map { (t, $0) }
        }
    }

    /// The findings of every hidden entry.
    public func findings() -> [Finding] { hiddenCells.map { finding(table: $0.table, cell: $0.cell) } }

    // MARK: - Secondary suppression

    /// The tables with further entries hidden (« s ») until the audit of all of them together
    /// finds every hidden entry protected; the last audit's findings. For a failing entry, the
    /// cheapest rectangle of its table through it that protects it is hidden (cost: the sum of the
    /// newly hidden values), else the cheapest rectangle that hides something new, else its
    /// whole table. Hiding never narrows a range (it only relaxes constraints), so this ends.
    public static func protect(_ tables: [DisclosedTable]) -> (tables: [DisclosedTable], findings: [Finding]) {
        var tables = tables
        // Hiding more only relaxes the attacker's system: an entry once protected stays so.
        var safe: Set<[Int]> = []
        while true {
            let audit = DisclosureAudit(tables)
            let failing = audit.hiddenCells.first { entry in
                guard !safe.contains([entry.table, entry.cell.row, entry.cell.column]) else { return false }
                guard audit.finding(table: entry.table, cell: entry.cell).protected else { return true }
                safe.insert([entry.table, entry.cell.row, entry.cell.column])
                return false
            }
            guard let failing else { return (tables, audit.findings()) }
            let table = tables[failing.table]
            let rectangles = table.rectangles(through: failing.cell)
            var chosen = rectangles.prefix(24).first { rectangle in
                var trial = tables
                trial[failing.table] = table.suppressing(rectangle)
                return DisclosureAudit(trial).protects(table: failing.table, cell: failing.cell)
            }
            chosen = chosen ?? rectangles.first
            if let chosen {
                tables[failing.table] = table.suppressing(chosen)
                continue
            }
            // Nothing left to hide around it in its table: hide the whole table, then every table.
            let everything = { (t: DisclosedTable) in t.nonZeroCells.filter { t.reasons[$0] == nil } }
            if !everything(table).isEmpty {
                tables[failing.table] = table.suppressing(everything(table))
            } else if let other = tables.indices.first(where: { !everything(tables[$0]).isEmpty }) {
                tables[other] = tables[other].suppressing(everything(tables[other]))
            } else {
                return (tables, audit.findings())
            }
        }
    }
}
