import GRDB
import VigieCore

/// A way to group incidents in an extract. The SQL each one reads is fixed here.
public enum IncidentGrouping: String, Sendable, CaseIterable {
    case period, commune, sector, quartier, category, nature, feed, partner

    var column: String {
        switch self {
        case .period: return "d.day"
        case .commune: return "d.commune"
        case .sector: return "d.sector"
        case .quartier: return "d.quartier"
        case .category: return "d.category"
        case .nature: return "d.nature"
        case .feed: return "s.feed"
        case .partner: return "s.partner"
        }
    }
}

/// The length of the periods incidents are grouped by.
public enum PeriodStep: String, Sendable, CaseIterable {
    case day, week, month, semester, year
    case schoolYear = "school-year"

    public func label(_ date: CivilDate) -> String {
        switch self {
        case .day: return date.description
        case .week: return Period.week(of: date).description
        case .month: return Period.month(of: date).description
        case .semester: return Period.semester(date.year, date.month <= 6 ? 1 : 2).description
        case .year: return Period.year(date.year).description
        case .schoolYear: return Period.schoolYear(of: date).description
        }
    }
}

extension Store {
    /// Numbers of current incidents (files not superseded) dated within `from`…`to`, grouped as
    /// asked; `period` groups by `step`. An incident with no quartier has quartier "" (« non
    /// localisé »), one with no category has category "" (« non classé »). Read from the monthly
    /// aggregate when the periods and the range are whole months, else from the daily one, so the
    /// time does not grow with the number of incidents.
    public func incidentTotals(by groups: [IncidentGrouping], step: PeriodStep = .month, partner: String? = nil,
                               feed: String? = nil, from: CivilDate? = nil, to: CivilDate? = nil) throws -> [CountTotal] {
        let wholeMonths = (!groups.contains(.period) || [.month, .semester, .year, .schoolYear].contains(step))
            && (from.map { $0.day == 1 } ?? true) && (to.map { $0.adding(days: 1).day == 1 } ?? true)
        let table = wholeMonths ? "incident_monthly" : "incident_daily"
        let columns = groups.map(\.column)
        let select = (columns + ["SUM(d.n)"]).joined(separator: ", ")
        let grouping = columns.isEmpty ? "" : "GROUP BY " + columns.joined(separator: ", ")
        let sql = """
            SELECT \(select)
            FROM \(table) d
            JOIN submission s ON s.id = d.submission_id
            WHERE EXISTS (SELECT 1 FROM submission_period sp WHERE sp.submission_id = d.submission_id AND sp.superseded_by IS NULL)
              AND (?1 IS NULL OR s.partner = ?1) AND (?2 IS NULL OR s.feed = ?2)
              AND (?3 IS NULL OR d.day >= ?3) AND (?4 IS NULL OR d.day <= ?4)
            \(grouping)
            """
        let arguments: StatementArguments = [partner, feed, from?.dayNumber, to?.dayNumber]
        let rows = try read { db in try Row.fetchAll(db, sql: sql, arguments: arguments) }
        // Days become period labels here, so that ISO weeks and school years are computed one way only.
        var sums: [[String]: Int] = [:]
        for row in rows {
            let keys = groups.enumerated().map { i, g -> String in
                g == .period ? step.label(CivilDate(dayNumber: row[i])) : ((row[i] as String?) ?? "")
            }
            sums[keys, default: 0] += row[groups.count] as Int
        }
        return sums.map { CountTotal(keys: $0.key, total: $0.value) }.sorted { $0.keys.lexicographicallyPrecedes($1.keys) }
    }
}
