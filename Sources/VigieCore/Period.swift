/// A period of the observatory, written the same way everywhere (CLI, files, bulletins):
/// `2026` (year), `2026-S1` (semester), `2026-11` (month), `2026-W47` (ISO week),
/// `2025-2026` (school year, 1 September to 31 August).
public enum Period: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    case year(Int)
    case semester(Int, Int)
    case month(Int, Int)
    case isoWeek(Int, Int)
    /// The school year that starts on 1 September of the given year.
    case schoolYear(Int)

    /// Parses the notation above; nil when the text is not a period.
    public init?(_ text: String) {
        let t = text.trimmingSpaces
        let parts = t.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1:
            guard let y = Period.year(parts[0]) else { return nil }
            self = .year(y)
        case 2:
            guard let y = Period.year(parts[0]) else { return nil }
            let p = parts[1]
            if p.hasPrefix("S") || p.hasPrefix("s"), let s = Int(p.dropFirst()), s == 1 || s == 2, p.count == 2 {
                self = .semester(y, s)
            } else if p.hasPrefix("W") || p.hasPrefix("w"), let w = Int(p.dropFirst()), p.count == 3,
                      w >= 1, w <= Period.isoWeeksIn(y) {
                self = .isoWeek(y, w)
            } else if p.count == 2, let m = Int(p), (1...12).contains(m) {
                self = .month(y, m)
            } else if p.count == 4, let y2 = Period.year(p), y2 == y + 1 {
                self = .schoolYear(y)
            } else {
                return nil
            }
        default:
            return nil
        }
    }

    private static func year(_ s: String) -> Int? {
        guard s.count == 4, s.allSatisfy({ $0.isASCII && $0.isNumber }), let y = Int(s), y >= 1901, y <= 2999 else { return nil }
        return y
    }

    /// 52 or 53.
    public static func isoWeeksIn(_ year: Int) -> Int {
        CivilDate(uncheckedYear: year, month: 12, day: 28).isoWeek.week
    }

    /// First day of the period.
    public var start: CivilDate {
        switch self {
        case .year(let y): return CivilDate(uncheckedYear: y, month: 1, day: 1)
        case .semester(let y, let s): return CivilDate(uncheckedYear: y, month: s == 1 ? 1 : 7, day: 1)
        case .month(let y, let m): return CivilDate(uncheckedYear: y, month: m, day: 1)
        case .isoWeek(let y, let w):
            let jan4 = CivilDate(uncheckedYear: y, month: 1, day: 4)
            return jan4.adding(days: 1 - jan4.isoWeekday + (w - 1) * 7)
        case .schoolYear(let y): return CivilDate(uncheckedYear: y, month: 9, day: 1)
        }
    }

    /// Last day of the period (inclusive).
    public var end: CivilDate {
        switch self {
        case .year(let y): return CivilDate(uncheckedYear: y, month: 12, day: 31)
        case .semester(let y, let s): return s == 1 ? CivilDate(uncheckedYear: y, month: 6, day: 30) : CivilDate(uncheckedYear: y, month: 12, day: 31)
        case .month(let y, let m): return CivilDate(uncheckedYear: y, month: m, day: CivilDate.daysIn(month: m, year: y))
        case .isoWeek: return start.adding(days: 6)
        case .schoolYear(let y): return CivilDate(uncheckedYear: y + 1, month: 8, day: 31)
        }
    }

    public func contains(_ date: CivilDate) -> Bool { start <= date && date <= end }

    /// The same period one year earlier (week 53 maps to week 52 when the previous year has none).
    public var previousYear: Period {
        switch self {
        case .year(let y): return .year(y - 1)
        case .semester(let y, let s): return .semester(y - 1, s)
        case .month(let y, let m): return .month(y - 1, m)
        case .isoWeek(let y, let w): return .isoWeek(y - 1, min(w, Period.isoWeeksIn(y - 1)))
        case .schoolYear(let y): return .schoolYear(y - 1)
        }
    }

    public static func month(of date: CivilDate) -> Period { .month(date.year, date.month) }
    public static func week(of date: CivilDate) -> Period { let w = date.isoWeek; return .isoWeek(w.year, w.week) }
    public static func schoolYear(of date: CivilDate) -> Period { .schoolYear(date.month >= 9 ? date.year : date.year - 1) }

    public var description: String {
        switch self {
        case .year(let y): return pad(y, 4)
        case .semester(let y, let s): return "\(pad(y, 4))-S\(s)"
        case .month(let y, let m): return "\(pad(y, 4))-\(pad(m, 2))"
        case .isoWeek(let y, let w): return "\(pad(y, 4))-W\(pad(w, 2))"
        case .schoolYear(let y): return "\(pad(y, 4))-\(pad(y + 1, 4))"
        }
    }

    public static func < (a: Period, b: Period) -> Bool {
        (a.start, a.end) < (b.start, b.end)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let p = Period(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "période invalide : \(text)"))
        }
        self = p
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

extension String {
    /// The string without leading and trailing white space (including no-break spaces).
    public var trimmingSpaces: String {
        // Nearly every cell of a large file starts and ends with a visible ASCII character.
        if let first = utf8.first, let last = utf8.last, first > 0x20, first < 0x7F, last > 0x20, last < 0x7F { return self }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) ?? first
        return String(scalars[first...last])
    }
}
