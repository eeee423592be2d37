import Foundation

/// The state of a published cell: a figure, a true zero (never hidden), or a secret.
public enum CellState: String, Sendable, Codable { case published, zero, suppressed }

/// Why a cell was suppressed: too small (primary), asked by the caller (forced), or hidden so
/// that another suppressed cell cannot be deduced from the published ones and the margins (secondary).
public enum SuppressionReason: String, Sendable, Codable { case primary, forced, secondary }

/// A position in a table: in a `DisclosedTable`, row R and column C are the margins.
public struct GridCell: Hashable, Sendable, Codable {
    public var row: Int
    public var column: Int
    public init(row: Int, column: Int) { self.row = row; self.column = column }
}

/// A count table before disclosure control: areas × categories, without margins (they are
/// computed). Counts are all >= 0 and every row has one count per column label.
public struct CountGrid: Sendable, Equatable {
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// counts[row][column]; every row has columnLabels.count entries, all >= 0.
    public var counts: [[Int]]
    /// (row, column) cells the caller wants suppressed whatever their value, margins included
    /// (row `rowLabels.count`, column `columnLabels.count`). A forced cell holding 0 is still
    /// published as « 0 »: there is nothing to hide.
    public var forced: Set<GridCell>
    /// atoms[row][column]: the finest counts the cell sums, named alike in every table of a package
    /// that publishes them (disjoint within a table); nil: each cell is its own count.
    public var atoms: [[[String]]]?

    public init(rowLabels: [String], columnLabels: [String], counts: [[Int]], forced: Set<GridCell> = [], atoms: [[[String]]]? = nil) {
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.counts = counts
        self.forced = forced
        self.atoms = atoms
    }
}

/// A table after disclosure control, margins included: row `rowLabels.count` is the totals
/// row, column `columnLabels.count` the totals column. It promises that zeros are shown, that
/// every count in 1..<minCell (margins included) is hidden, and that the audit of the table alone
/// (`DisclosureAudit`) finds every hidden entry's range covering its protection interval.
public struct DisclosedTable: Sendable {
    public let minCell: Int
    public let rowLabels: [String]
    public let columnLabels: [String]
    /// (R+1)×(C+1) true values, margins included — never written out for suppressed entries.
    public let values: [[Int]]
    public let states: [[CellState]]
    /// The reason of every suppressed entry, keyed in extended-grid coordinates.
    public let reasons: [GridCell: SuppressionReason]
    /// The grid's atoms (see `CountGrid.atoms`).
    public let atoms: [[[String]]]?

    init(minCell: Int, rowLabels: [String], columnLabels: [String], values: [[Int]], reasons: [GridCell: SuppressionReason], atoms: [[[String]]]?) {
        self.minCell = minCell
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.values = values
        self.reasons = reasons
        self.atoms = atoms
        self.states = values.indices.map { r in
            values[r].indices.map { c in
                values[r][c] == 0 ? .zero : reasons[GridCell(row: r, column: c)] != nil ? .suppressed : .published
            }
        }
    }

    /// `exactAudit: false` stops after primary and secondary suppression (no hidden entry can be
    /// computed exactly from its row and column), without the interval audit of `DisclosureAudit`:
    /// for wide tables (the 107 index of the état 4001), where that audit takes minutes.
    public init(_ grid: CountGrid, minCell: Int = 5, exactAudit: Bool = true) {
        precondition(minCell >= 1, "minCell must be at least 1")
        let R = grid.rowLabels.count, C = grid.columnLabels.count
        precondition(grid.counts.count == R && grid.counts.allSatisfy { $0.count == C && $0.allSatisfy { $0 >= 0 } },
                     "counts must be rowLabels.count × columnLabels.count, all >= 0")
        precondition(grid.forced.allSatisfy { (0...R).contains($0.row) && (0...C).contains($0.column) },
                     "forced cells must be cells of the grid or its margins")
        precondition(grid.atoms.map { $0.count == R && $0.allSatisfy { $0.count == C } } ?? true, "atoms must be rowLabels.count × columnLabels.count")
        var v = Array(repeating: Array(repeating: 0, count: C + 1), count: R + 1)
        for r in 0..<R {
            for c in 0..<C {
                let x = grid.counts[r][c]
                v[r][c] = x; v[r][C] += x; v[R][c] += x; v[R][C] += x
            }
        }
        var reasons: [GridCell: SuppressionReason] = [:]
        // Primary: every count from 1 to minCell - 1, margins included (a total of 3 incidents is
        // as small a number as a cell of 3).
        for r in 0...R {
            for c in 0...C where v[r][c] > 0 {
                let cell = GridCell(row: r, column: c)
                if grid.forced.contains(cell) { reasons[cell] = .forced }
                else if v[r][c] < minCell { reasons[cell] = .primary }
            }
        }
        // Secondary suppression, first the quick way: passes until no suppressed entry is a bridge: adding entries
        // never turns a non-bridge into a bridge, and each fix adds at least one entry.
        var changed = true
        while changed {
            changed = false
            for cell in reasons.keys.sorted(by: { ($0.row, $0.column) < ($1.row, $1.column) })
            where Self.isBridge(cell, suppressed: reasons, rows: R + 1, columns: C + 1) {
                // Close a 4-cycle (r,c) (r,c') (r',c') (r',c) at the least newly hidden total.
                // One always exists: a positive entry has positive margins, so (r',c') can fall
                // on the margins, and no zero is ever hidden.
                let (r, c) = (cell.row, cell.column)
                var best: (cost: Int, cells: [GridCell])?
                for r2 in 0...R where r2 != r {
                    for c2 in 0...C where c2 != c {
                        let others = [GridCell(row: r, column: c2), GridCell(row: r2, column: c), GridCell(row: r2, column: c2)]
                        guard others.allSatisfy({ v[$0.row][$0.column] > 0 }) else { continue }
                        let cost = others.filter { reasons[$0] == nil }.reduce(0) { $0 + v[$1.row][$1.column] }
                        if best == nil || cost < best!.cost { best = (cost, others) }
                    }
                }
                guard let best else { preconditionFailure("no cycle through a positive entry") }
                for other in best.cells where reasons[other] == nil { reasons[other] = .secondary }
                changed = true
            }
        }
        // Then the exact audit of the table alone, hiding more until every range is wide enough.
        let first = DisclosedTable(minCell: minCell, rowLabels: grid.rowLabels, columnLabels: grid.columnLabels,
                                   values: v, reasons: reasons, atoms: grid.atoms)
        self = exactAudit ? DisclosureAudit.protect([first]).tables[0] : first
    }

    /// The same table with `cells` hidden too (as secondary, those not hidden yet); zeros stay shown.
    public func suppressing(_ cells: [GridCell]) -> DisclosedTable {
        var reasons = self.reasons
        for cell in cells where reasons[cell] == nil && values[cell.row][cell.column] > 0 { reasons[cell] = .secondary }
        return DisclosedTable(minCell: minCell, rowLabels: rowLabels, columnLabels: columnLabels, values: values, reasons: reasons, atoms: atoms)
    }

    /// What the published text tells an attacker of an entry: its value when shown; 1…minCell−1
    /// for « < minCell »; for « s », at least minCell (counts below show « < minCell »), or at
    /// least 1 for a total that may be small (see `text`).
    public func knowledge(row: Int, column: Int) -> (low: Int, high: Int?) {
        let value = values[row][column]
        switch states[row][column] {
        case .zero, .published: return (value, value)
        case .suppressed:
            guard text(row: row, column: column) == "s" else { return (1, minCell - 1) }
            return (mayBeSmall(row: row, column: column) ? 1 : minCell, nil)
        }
    }

    /// The values a hidden entry must remain able to take, whatever else is published:
    /// « < m » — all of 1…m−1; a total below m shown « s » — from its number of non-zero entries
    /// to m−1; a forced « s » (hidden for itself) — m−1 either side of its value, never below what
    /// its text tells. nil for a secondary « s » (hidden to protect others, not secret itself):
    /// it must only never be exact — two values at least.
    public func protectionInterval(row: Int, column: Int) -> ClosedRange<Int>? {
        let value = values[row][column]
        if text(row: row, column: column) != "s" { return 1...max(1, minCell - 1) }
        if value < minCell {
            let k = lines(row: row, column: column)?.filter { $0 > 0 }.count ?? 1
            return min(k, minCell - 1)...(minCell - 1)
        }
        guard reasons[GridCell(row: row, column: column)] == .forced else { return nil }
        return max(minCell, value - (minCell - 1))...(value + minCell - 1)
    }

    /// Every entry, margins included, holding a positive count.
    var nonZeroCells: [GridCell] {
        values.indices.flatMap { r in values[r].indices.filter { values[r][$0] > 0 }.map { GridCell(row: r, column: $0) } }
    }

    /// The rectangles (r,c) (r,c') (r',c) (r',c') of the extended grid through `cell` whose three
    /// other corners are positive and not all hidden yet: those three, cheapest first (cost: the
    /// sum of the values they newly hide; ties in grid order).
    func rectangles(through cell: GridCell) -> [[GridCell]] {
        let (r, c) = (cell.row, cell.column)
        var found: [(cost: Int, cells: [GridCell])] = []
        for r2 in values.indices where r2 != r {
            for c2 in values[r].indices where c2 != c {
                let others = [GridCell(row: r, column: c2), GridCell(row: r2, column: c), GridCell(row: r2, column: c2)]
                guard others.allSatisfy({ values[$0.row][$0.column] > 0 }) else { continue }
                let new = others.filter { reasons[$0] == nil }
                guard !new.isEmpty else { continue }
                found.append((new.reduce(0) { $0 + values[$1.row][$1.column] }, others))
            }
        }
        return found.enumerated().sorted { ($0.element.cost, $0.offset) < ($1.element.cost, $1.offset) }.map(\.element.cells)
    }

    /// Why secondary suppression looks for bridges: every entry of the extended grid lies in
    /// exactly two equations, its row's (entries sum to the row total) and its column's. Take
    /// the lines as vertices and the suppressed entries as edges of a bipartite graph. If an
    /// edge lies on a cycle (even, since the graph is bipartite), adding +t, −t alternately
    /// along it keeps every equation true: the entry is not determined. If it is a bridge,
    /// summing the row equations and subtracting the column equations of its side of the
    /// graph cancels every other unknown and gives its exact value.
    static func isBridge(_ edge: GridCell, suppressed: [GridCell: SuppressionReason], rows: Int, columns: Int) -> Bool {
        // Vertices: rows 0..<rows, then columns at rows + column.
        var adjacent = Array(repeating: [Int](), count: rows + columns)
        for cell in suppressed.keys where cell != edge {
            adjacent[cell.row].append(rows + cell.column)
            adjacent[rows + cell.column].append(cell.row)
        }
        let target = rows + edge.column
        var seen = Set([edge.row]), queue = [edge.row]
        while let vertex = queue.popLast() {
            if vertex == target { return false }
            for next in adjacent[vertex] where seen.insert(next).inserted { queue.append(next) }
        }
        return true
    }

    /// What is shown: "12", "0", "< 5" (a primary or forced entry below minCell), "s" (secret
    /// statistique: any other suppressed entry — a forced cell >= minCell, a secondary entry, and
    /// a total below minCell of two or more non-zero entries, whose « < 5 » would tell that each
    /// of them is at most minCell − 2).
    public func text(row: Int, column: Int) -> String {
        let value = values[row][column]
        switch states[row][column] {
        case .zero: return "0"
        case .published: return String(value)
        case .suppressed:
            let reason = reasons[GridCell(row: row, column: column)]
            return reason != .secondary && value < minCell && (lines(row: row, column: column).map { $0.filter { $0 > 0 }.count } ?? 0) < 2
                ? "< \(minCell)" : "s"
        }
    }

    /// For a total, the values of the line it sums (both lines for the grand total); nil for a body entry.
    func lines(row: Int, column: Int) -> [Int]? {
        let R = rowLabels.count, C = columnLabels.count
        switch (row == R, column == C) {
        case (false, false): return nil
        case (false, true): return Array(values[row][0..<C])
        case (true, false): return (0..<R).map { values[$0][column] }
        case (true, true):
            let across = Array(values[R][0..<C]), down = (0..<R).map { values[$0][C] }
            return across.filter { $0 > 0 }.count >= down.filter { $0 > 0 }.count ? across : down
        }
    }

    /// Whether the texts allow an « s » total to be small: a line it sums shows only « < m » and 0,
    /// two « < m » at least (see `text`).
    func mayBeSmall(row: Int, column: Int) -> Bool {
        let R = rowLabels.count, C = columnLabels.count
        func small(_ cells: [(Int, Int)]) -> Bool {
            let texts = cells.map { text(row: $0.0, column: $0.1) }
            return texts.allSatisfy { $0 == "0" || $0 == "< \(minCell)" } && texts.filter { $0 != "0" }.count >= 2
        }
        let across = (0..<C).map { (row, $0) }, down = (0..<R).map { ($0, column) }
        switch (row == R, column == C) {
        case (false, false): return false
        case (false, true): return small(across)
        case (true, false): return small(down)
        case (true, true): return small(across) || small(down)
        }
    }

    public var suppressedCount: Int { reasons.count }
}
