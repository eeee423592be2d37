import GRDB
import VigieCore

/// A way to group stored counts in an extract. The SQL each one reads is fixed here, never
/// built from what a user typed.
public enum CountGrouping: String, Sendable, CaseIterable {
    case period, unit, code, category, commune, quartier, feed, partner

    var column: String {
        switch self {
        case .period: return "c.period"
        case .unit: return "c.unit"
        case .code: return "c.code"
        case .category: return "c.category"
        case .commune: return "c.commune"
        case .quartier: return "c.quartier"
        case .feed: return "s.feed"
        case .partner: return "s.partner"
        }
    }
}

/// One line of a counts extract: the grouping values in the order asked, and the sum.
public struct CountTotal: Sendable, Equatable {
    public var keys: [String]
    public var total: Int

    public init(keys: [String], total: Int) {
        self.keys = keys
        self.total = total
    }
}

extension Store {
    /// Sums of the current (not superseded) counts whose period lies within `from`…`to`
    /// (whole periods only), grouped as asked, ordered by the grouping values.
    public func countTotals(by groups: [CountGrouping], partner: String? = nil, feed: String? = nil,
                            from: Period? = nil, to: Period? = nil) throws -> [CountTotal] {
        let columns = groups.map(\.column)
        let select = (columns + ["SUM(c.value)"]).joined(separator: ", ")
        let grouping = columns.isEmpty ? "" : "GROUP BY " + columns.joined(separator: ", ")
        let ordering = groups.map { $0 == .period ? "MIN(sp.period_start), MAX(sp.period_end)" : $0.column }
        let order = ordering.isEmpty ? "" : "ORDER BY " + ordering.joined(separator: ", ")
        let sql = """
            SELECT \(select)
            FROM count_value c
            JOIN submission s ON s.id = c.submission_id
            JOIN submission_period sp ON sp.submission_id = c.submission_id AND sp.period = c.period
            WHERE sp.superseded_by IS NULL
              AND (?1 IS NULL OR s.partner = ?1) AND (?2 IS NULL OR s.feed = ?2)
              AND (?3 IS NULL OR sp.period_start >= ?3) AND (?4 IS NULL OR sp.period_end <= ?4)
            \(grouping)
            HAVING COUNT(*) > 0
            \(order)
            """
        let arguments: StatementArguments = [partner, feed, from?.start.description, to?.end.description]
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                CountTotal(keys: (0..<groups.count).map { (row[$0] as String?) ?? "" }, total: row[groups.count])
            }
        }
    }
}

/// Where a stored count came from: the file, and the sheet, row and column in it.
public struct CountSource: Sendable, Equatable, FetchableRecord, Decodable {
    public var submission: Int64
    public var fileName: String
    public var sheet: String?
    public var row: Int
    public var column: String
    public var value: Int
    public var current: Bool

    enum CodingKeys: String, CodingKey {
        case submission, sheet, row, column, value, current
        case fileName = "file_name"
    }
}

extension Store {
    /// Every stored count for a period, unit and code, current or superseded, with its source row:
    /// how a published number is traced back to the partner's file.
    public func countSources(period: Period, unit: String, code: String) throws -> [CountSource] {
        try read { db in
            try CountSource.fetchAll(db, sql: """
                SELECT c.submission_id AS submission, s.file_name, c.sheet, c.source_row AS row,
                       c.source_column AS "column", c.value, (sp.superseded_by IS NULL) AS current
                FROM count_value c
                JOIN submission s ON s.id = c.submission_id
                JOIN submission_period sp ON sp.submission_id = c.submission_id AND sp.period = c.period
                WHERE c.period = ? AND c.unit = ? AND c.code = ?
                ORDER BY c.submission_id
                """, arguments: [period.description, unit, code])
        }
    }
}
