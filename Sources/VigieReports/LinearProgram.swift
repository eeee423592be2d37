import Foundation

/// A small dense linear program: minimize c·x subject to rows `a·x (≤ | = | ≥) b` and x ≥ 0,
/// solved by the two-phase simplex with Bland's rule (which never cycles). Floating point: the
/// disclosure audit never trusts a solution before checking it exactly in integers.
struct LinearProgram {
    enum Relation { case lessOrEqual, equal, greaterOrEqual }

    struct Row {
        var coefficients: [Int: Double]
        var relation: Relation
        var rhs: Double
    }

    enum Outcome {
        case optimal(value: Double, x: [Double])
        case infeasible
        case unbounded
    }

    var variables: Int
    var rows: [Row] = []

    static let epsilon = 1e-9

    func minimize(_ objective: [Int: Double]) -> Outcome {
        let eps = Self.epsilon
        // Right-hand sides made non-negative.
        let rows = self.rows.map { row -> Row in
            guard row.rhs < 0 else { return row }
            let flipped: Relation = switch row.relation {
            case .lessOrEqual: .greaterOrEqual
            case .greaterOrEqual: .lessOrEqual
            case .equal: .equal
            }
            return Row(coefficients: row.coefficients.mapValues { -$0 }, relation: flipped, rhs: -row.rhs)
        }
        let m = rows.count, n = variables
        let slacks = rows.filter { $0.relation != .equal }.count
        let artificials = rows.filter { $0.relation != .lessOrEqual }.count
        let width = n + slacks + artificials
        // The tableau, row-major in one array (row i, column k at i * stride + k; column width is the right-hand side).
        let stride = width + 1
        var t = [Double](repeating: 0, count: m * stride)
        var basis = Array(repeating: 0, count: m)
        var s = n, a = n + slacks
        for (i, row) in rows.enumerated() {
            for (j, v) in row.coefficients { t[i * stride + j] += v }
            t[i * stride + width] = row.rhs
            switch row.relation {
            case .lessOrEqual: t[i * stride + s] = 1; basis[i] = s; s += 1
            case .greaterOrEqual: t[i * stride + s] = -1; s += 1; t[i * stride + a] = 1; basis[i] = a; a += 1
            case .equal: t[i * stride + a] = 1; basis[i] = a; a += 1
            }
        }
        var alive = Array(repeating: true, count: m)

        func pivot(_ row: Int, _ column: Int, _ z: inout [Double]) {
            t.withUnsafeMutableBufferPointer { tp in
                z.withUnsafeMutableBufferPointer { zp in
                    let base = row * stride
                    let p = tp[base + column]
                    for k in 0..<stride { tp[base + k] /= p }
                    for i in 0..<m where i != row && alive[i] {
                        let f = tp[i * stride + column]
                        if f != 0 { let other = i * stride; for k in 0..<stride { tp[other + k] -= f * tp[base + k] } }
                    }
                    let f = zp[column]
                    if f != 0 { for k in 0..<stride { zp[k] -= f * tp[base + k] } }
                }
            }
            basis[row] = column
        }
        /// Reduced costs of `cost` for the current basis; z[width] is minus the objective.
        func reduced(_ cost: [Double]) -> [Double] {
            var z = cost + [0]
            for i in 0..<m where alive[i] {
                let c = cost[basis[i]]
                if c != 0 { for k in 0...width { z[k] -= c * t[i * stride + k] } }
            }
            return z
        }
        /// Runs the simplex on columns 0..<allowed; false when unbounded.
        func run(_ z: inout [Double], allowed: Int) -> Bool {
            while true {
                guard let entering = (0..<allowed).first(where: { z[$0] < -eps }) else { return true }
                var leaving: Int?
                var best = Double.infinity
                for i in 0..<m where alive[i] && t[i * stride + entering] > eps {
                    let ratio = t[i * stride + width] / t[i * stride + entering]
                    if ratio < best - eps || (abs(ratio - best) <= eps && leaving.map { basis[i] < basis[$0] } ?? true) {
                        best = ratio; leaving = i
                    }
                }
                guard let leaving else { return false }
                pivot(leaving, entering, &z)
            }
        }

        // Phase 1: drive the artificial variables to zero.
        if artificials > 0 {
            var cost = Array(repeating: 0.0, count: width)
            for j in (n + slacks)..<width { cost[j] = 1 }
            var z = reduced(cost)
            _ = run(&z, allowed: width)
            if -z[width] > 1e-7 { return .infeasible }
            // Artificial variables still basic (at zero): pivot them out, or drop a redundant row.
            for i in 0..<m where basis[i] >= n + slacks {
                if let j = (0..<(n + slacks)).first(where: { abs(t[i * stride + $0]) > eps }) { pivot(i, j, &z) } else { alive[i] = false }
            }
        }
        // Phase 2 on the original columns.
        var cost = Array(repeating: 0.0, count: width)
        for (j, v) in objective { cost[j] = v }
        var z = reduced(cost)
        guard run(&z, allowed: n + slacks) else { return .unbounded }
        var x = Array(repeating: 0.0, count: n)
        for i in 0..<m where alive[i] && basis[i] < n { x[basis[i]] = t[i * stride + width] }
        return .optimal(value: -z[width], x: x)
    }
}
