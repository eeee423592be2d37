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
    /// localisé »), one with no category has category "" (« non classé »). Whole months are read
    /// from the monthly aggregate, so the time does not grow with the years of history; the days
    /// around them (or every day, when periods are days or weeks) from the incidents, through
    /// their by-day index.
    public func incidentTotals(by groups: [IncidentGrouping], step: PeriodStep = .month, partner: String? = nil,
                               feed: String? = nil, from: CivilDate? = nil, to: CivilDate? = nil) throws -> [CountTotal] {
        let parts = Self.dayParts(from: from, to: to, wholeMonthsAllowed: !groups.contains(.period) || ![.day, .week].contains(step))
        let columns = groups.map(\.column)
        let grouping = columns.isEmpty ? "" : "GROUP BY " + columns.joined(separator: ", ")
        // Days become period labels here, so that ISO weeks and school years are computed one way only.
        var sums: [[String]: Int] = [:]
        try read { db in
            for part in parts {
                let (source, count) = part.months ? ("incident_monthly", "SUM(d.n)") : ("incident", "COUNT(*)")
                var bounds: [String] = []
                var arguments: StatementArguments = [partner, feed]
                if let first = part.from { bounds.append("AND d.day >= ?"); arguments += [first.dayNumber] }
                if let last = part.to { bounds.append("AND d.day <= ?"); arguments += [last.dayNumber] }
                let sql = """
                    SELECT \((columns + [count]).joined(separator: ", "))
                    FROM \(source) d
                    JOIN submission s ON s.id = d.submission_id
                    WHERE EXISTS (SELECT 1 FROM submission_period sp WHERE sp.submission_id = d.submission_id AND sp.superseded_by IS NULL)
                      AND (?1 IS NULL OR s.partner = ?1) AND (?2 IS NULL OR s.feed = ?2)
                      \(bounds.joined(separator: " "))
                    \(grouping)
                    """
                for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                    let keys = groups.enumerated().map { i, g -> String in
                        g == .period ? step.label(CivilDate(dayNumber: row[i])) : ((row[i] as String?) ?? "")
                    }
                    sums[keys, default: 0] += row[groups.count] as Int
                }
            }
        }
        return sums.map { CountTotal(keys: $0.key, total: $0.value) }.sorted { $0.keys.lexicographicallyPrecedes($1.keys) }
    }

    /// `from`…`to` (nil: unbounded) cut into the whole months inside it, when allowed, and the
    /// days before and after them; each part read once.
    static func dayParts(from: CivilDate?, to: CivilDate?, wholeMonthsAllowed: Bool) -> [(months: Bool, from: CivilDate?, to: CivilDate?)] {
        guard wholeMonthsAllowed else { return [(false, from, to)] }
        // The first day of the first whole month, and the last day of the last one.
        let monthsFrom = from.map { $0.day == 1 ? $0 : Period.month(of: $0).end.adding(days: 1) }
        let monthsTo = to.map { $0.adding(days: 1).day == 1 ? $0 : Period.month(of: $0).start.adding(days: -1) }
        if let monthsFrom, let monthsTo, monthsFrom > monthsTo { return [(false, from, to)] }
        var parts: [(months: Bool, from: CivilDate?, to: CivilDate?)] = [(true, monthsFrom, monthsTo)]
        if let from, let monthsFrom, from < monthsFrom { parts.append((false, from, monthsFrom.adding(days: -1))) }
        if let to, let monthsTo, monthsTo < to { parts.append((false, monthsTo.adding(days: 1), to)) }
        return parts
    }
}
