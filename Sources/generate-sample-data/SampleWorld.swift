import Foundation
import VigieConfig
import VigieCore
import VigieFixtures

/// What every sample feed shares: the territory's places, the calendar from 1 January 2024 to
/// 22 November 2026, seasonality, and helpers to write files in the partners' own styles.
struct SampleWorld {
    let config: Configuration
    let root: URL
    static let first = CivilDate(dayNumber: 19_723)   // 2024-01-01
    static let last = CivilDate(dayNumber: 20_779)    // 2026-11-22

    /// Months from January 2024 to October 2026 (the last one whose files are due).
    var months: [Period] {
        var out: [Period] = []
        var p = Period.month(2024, 1)
        while p <= .month(2026, 10) { out.append(p); p = Period.month(of: p.end.adding(days: 1)) }
        return out
    }

    /// ISO weeks from 2024-W01 to 2026-W47 (the week ending on 22 November 2026).
    var weeks: [Period] {
        var out: [Period] = []
        var p = Period.isoWeek(2024, 1)
        while p.end <= SampleWorld.last { out.append(p); p = Period.week(of: p.end.adding(days: 1)) }
        return out
    }

    /// Seasonal factor of a month: higher in early summer, lower in winter.
    static func season(_ month: Int) -> Double { 1 + 0.15 * sin(2 * Double.pi * Double(month - 4) / 12) }

    /// The commune of a draw, weighted by population.
    func commune(_ random: inout SeededRandom) -> Commune {
        let total = config.territory.communes.reduce(0) { $0 + $1.population }
        var x = Int(random.unit() * Double(total))
        for c in config.territory.communes { if x < c.population { return c }; x -= c.population }
        return config.territory.communes[0]
    }

    /// An address in `commune` from the street index, with a house number its segment accepts.
    func address(in commune: String, quartier: String? = nil, _ random: inout SeededRandom) -> String {
        let streets = config.streets.filter { $0.commune == commune && (quartier == nil || $0.quartier == quartier) }
        guard !streets.isEmpty else { return "" }
        let s = streets[Int(random.unit() * Double(streets.count))]
        if s.street.hasPrefix("Place") || s.street.hasPrefix("Allée") { return s.street }
        var n = (s.from ?? 1) + Int(random.unit() * 40)
        if let to = s.to { n = min(n, to) }
        switch s.parity {
        case .odd where n % 2 == 0: n += n + 1 <= (s.to ?? .max) ? 1 : -1
        case .even where n % 2 == 1: n += n + 1 <= (s.to ?? .max) ? 1 : -1
        default: break
        }
        return "\(n) \(s.street)"
    }

    func places(_ kind: NamedPlace.Kind, owner: String? = nil) -> [NamedPlace] {
        config.places.filter { $0.kind == kind && (owner == nil || $0.owner == owner) }
    }

    /// A draw from weighted choices.
    static func pick<T>(_ choices: [(T, Double)], _ random: inout SeededRandom) -> T {
        let total = choices.reduce(0) { $0 + $1.1 }
        var x = random.unit() * total
        for (value, weight) in choices { if x < weight { return value }; x -= weight }
        return choices[choices.count - 1].0
    }

    func folder(_ partner: String, _ feed: String) throws -> URL {
        let url = root.appendingPathComponent(partner).appendingPathComponent(feed)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func time(_ random: inout SeededRandom, evening: Bool = false) -> String {
        let h = evening ? [17, 18, 19, 20, 21, 22, 23, 0, 1, 2][Int(random.unit() * 10)] : 7 + Int(random.unit() * 16)
        let m = Int(random.unit() * 12) * 5
        return String(format: "%02d:%02d", h, m)
    }
}
