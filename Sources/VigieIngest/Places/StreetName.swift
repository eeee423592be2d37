import VigieCore

/// Street names as people write them, reduced to one key: « av. du Gal de Gaulle »,
/// « Avenue du Général-de-Gaulle » and « AVENUE GENERAL DE GAULLE » are the same street.
/// Case, accents, hyphens and punctuation are ignored, common abbreviations expanded, and
/// articles (de, du, des, la, le, les, d', l') dropped.
public enum StreetName {
    static let abbreviations: [String: String] = [
        "av": "avenue", "ave": "avenue", "avn": "avenue",
        "bd": "boulevard", "bld": "boulevard", "blvd": "boulevard", "boul": "boulevard",
        "st": "saint", "ste": "sainte", "r": "rue", "pl": "place", "ch": "chemin", "che": "chemin",
        "imp": "impasse", "all": "allee", "sq": "square", "rte": "route", "fg": "faubourg",
        "crs": "cours", "qu": "quai", "pass": "passage", "res": "residence", "gal": "general",
        "mal": "marechal", "pdt": "president", "prom": "promenade", "rpt": "rond point", "sent": "sentier",
    ]
    static let articles: Set<String> = ["de", "du", "des", "la", "le", "les", "d", "l", "a", "au", "aux"]

    public static func key(_ name: String) -> String {
        name.matchKey.split(separator: " ").compactMap { word -> String? in
            let w = String(word)
            if articles.contains(w) { return nil }
            return abbreviations[w] ?? w
        }.joined(separator: " ")
    }

    /// Splits « 12 bis, avenue du Général de Gaulle » into (12, « avenue du Général de Gaulle »).
    public static func splitAddress(_ address: String) -> (number: Int?, street: String) {
        let text = address.trimmingSpaces
        var digits = ""
        var rest = Substring(text)
        while let c = rest.first, c.isASCII, c.isNumber { digits.append(c); rest = rest.dropFirst() }
        guard let number = Int(digits) else { return (nil, text) }
        var remainder = String(rest).trimmingSpaces
        for suffix in ["bis", "ter", "quater", "b", "t", "a"] {
            let lower = remainder.lowercased()
            if lower.hasPrefix(suffix + " ") || lower.hasPrefix(suffix + ",") || lower == suffix {
                remainder = String(remainder.dropFirst(suffix.count))
                break
            }
        }
        while let c = remainder.first, c == "," || c == " " || c == "-" { remainder.removeFirst() }
        return (number, remainder)
    }
}
