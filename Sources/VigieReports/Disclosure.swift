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
    /// (row, column) body cells the caller wants suppressed whatever their value. A forced cell
    /// holding 0 is still published as « 0 »: there is nothing to hide.
    public var forced: Set<GridCell>

    public init(rowLabels: [String], columnLabels: [String], counts: [[Int]], forced: Set<GridCell> = []) {
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.counts = counts
        self.forced = forced
    }
}

/// A table after disclosure control, margins included: row `rowLabels.count` is the totals
/// row, column `columnLabels.count` the totals column. It promises that zeros are shown, that
/// every count in 1..<minCell (margins included) is hidden, and that no hidden entry can be computed back
/// exactly from the shown entries (each line of the table sums to its margin).
public struct DisclosedTable: Sendable {
    public let minCell: Int
    public let rowLabels: [String]
    public let columnLabels: [String]
    /// (R+1)×(C+1) true values, margins included — never written out for suppressed entries.
    public let values: [[Int]]
    public let states: [[CellState]]
    /// The reason of every suppressed entry, keyed in extended-grid coordinates.
    public let reasons: [GridCell: SuppressionReason]

    public init(_ grid: CountGrid, minCell: Int = 5) {
        precondition(minCell >= 1, "minCell must be at least 1")
        let R = grid.rowLabels.count, C = grid.columnLabels.count
        precondition(grid.counts.count == R && grid.counts.allSatisfy { $0.count == C && $0.allSatisfy { $0 >= 0 } },
                     "counts must be rowLabels.count × columnLabels.count, all >= 0")
        precondition(grid.forced.allSatisfy { (0..<R).contains($0.row) && (0..<C).contains($0.column) },
                     "forced cells must be body cells")
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
        // Secondary suppression. Passes until no suppressed entry is a bridge: adding entries
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
        self.minCell = minCell
        self.rowLabels = grid.rowLabels
        self.columnLabels = grid.columnLabels
        self.values = v
        self.reasons = reasons
        self.states = (0...R).map { r in
            (0...C).map { c in
                v[r][c] == 0 ? .zero : reasons[GridCell(row: r, column: c)] != nil ? .suppressed : .published
            }
        }
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
    /// statistique: any other suppressed entry — a forced cell >= minCell, a secondary entry).
    public func text(row: Int, column: Int) -> String {
        let value = values[row][column]
        switch states[row][column] {
        case .zero: return "0"
        case .published: return String(value)
        case .suppressed:
            let reason = reasons[GridCell(row: row, column: column)]
            return reason != .secondary && value < minCell ? "< \(minCell)" : "s"
        }
    }

    public var suppressedCount: Int { reasons.count }
}
