import VigieCore

/// Finds the period a partner wrote in free text: a file name (`etat4001_2026-10.xlsx`), a title
/// cell (« État 4001 — octobre 2026 », « Année 2020 - services de police ») or a month column
/// header (`_2026_10`, `2026_10`).
public enum PeriodFinder {
    private static let months: [String: Int] = [
        "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
        "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9,
        "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
    ]

    /// A month named in `text`: « octobre 2026 », `2026-10`, `10/2026`, `2026_10`; nil when none.
    public static func month(in text: String) -> Period? {
        let tokens = text.matchKey.split(separator: " ").map(String.init)
        for (i, token) in tokens.enumerated() where i + 1 < tokens.count {
            let next = tokens[i + 1]
            if let m = months[token], let y = year(next) { return .month(y, m) }
            if let y = year(token), let m = monthNumber(next) { return .month(y, m) }
            if let m = monthNumber(token), let y = year(next) { return .month(y, m) }
        }
        return nil
    }

    /// A year named alone in `text` (« Année 2020 », « Services PN 2020 »); nil when none or several.
    public static func year(in text: String) -> Period? {
        let years = text.matchKey.split(separator: " ").compactMap { year(String($0)) }
        return years.count == 1 ? .year(years[0]) : nil
    }

    /// An ISO week named in `text`: `2026-W47`, `2026_w47`, « semaine 47 2026 »; nil when none.
    public static func week(in text: String) -> Period? {
        let tokens = text.matchKey.split(separator: " ").map(String.init)
        for (i, token) in tokens.enumerated() {
            if token.hasPrefix("w"), let w = Int(token.dropFirst()), i > 0, let y = year(tokens[i - 1]) {
                return Period("\(y)-W\(w < 10 ? "0" : "")\(w)")
            }
            if token == "semaine" || token == "sem", i + 1 < tokens.count, let w = Int(tokens[i + 1]) {
                let y = tokens.dropFirst(i + 2).first.flatMap(year) ?? (i > 0 ? year(tokens[i - 1]) : nil)
                if let y { return Period("\(y)-W\(w < 10 ? "0" : "")\(w)") }
            }
        }
        return nil
    }

    /// A school year named in `text`: `2025-2026`, « année scolaire 2025/2026 ».
    public static func schoolYear(in text: String) -> Period? {
        let tokens = text.matchKey.split(separator: " ").map(String.init)
        for (i, token) in tokens.enumerated() where i + 1 < tokens.count {
            if let a = year(token), let b = year(tokens[i + 1]), b == a + 1 { return .schoolYear(a) }
        }
        return nil
    }

    /// The period of a feed's cadence named in `text` (a file name, a cell), or nil.
    public static func period(in text: String, cadence: Cadence) -> Period? {
        switch cadence {
        case .weekly: return week(in: text)
        case .monthly, .continuous: return month(in: text)
        case .yearly: return year(in: text)
        case .schoolYear: return schoolYear(in: text)
        }
    }

    /// The month of a time-series column header: `_2026_10` or `2026_10`.
    public static func monthColumn(_ header: String) -> Period? {
        var h = Substring(header.trimmingSpaces)
        if h.hasPrefix("_") { h = h.dropFirst() }
        let parts = h.split(separator: "_", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, parts[1].count == 2,
              let y = year(String(parts[0])), let m = monthNumber(String(parts[1])) else { return nil }
        return .month(y, m)
    }

    private static func year(_ token: String) -> Int? {
        guard token.count == 4, let y = Int(token), (1990...2100).contains(y) else { return nil }
        return y
    }

    private static func monthNumber(_ token: String) -> Int? {
        guard (1...2).contains(token.count), let m = Int(token), (1...12).contains(m) else { return nil }
        return m
    }
}
