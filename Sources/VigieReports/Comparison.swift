import Foundation

/// How much a change in a count should be believed. Small counts move by chance: a change is
/// flagged with the Poisson test z = 2(√current − √previous) (variance-stabilized counts),
/// « à surveiller » at |z| ≥ 2 and « significatif » at |z| ≥ 3. A base of 0 is « nouveau ».
public enum ChangeFlag: String, Sendable, Codable {
    case none = ""
    case watch = "à surveiller"
    case significant = "significatif"
    case new = "nouveau"
}

/// A count set against the same count for a reference period (the same period a year earlier,
/// or a mean of earlier periods). `nil` means « non reçu »: never shown as 0, never compared.
public struct Comparison: Sendable, Equatable, Codable {
    public var current: Int?
    public var previous: Int?

    public init(current: Int?, previous: Int?) {
        self.current = current
        self.previous = previous
    }

    /// z = 2(√current − √previous), or nil when one side is missing.
    public var z: Double? {
        guard let current, let previous else { return nil }
        return 2 * (Double(current).squareRoot() - Double(previous).squareRoot())
    }

    public var flag: ChangeFlag {
        guard let current, let previous else { return .none }
        return Comparison.flag(current: Double(current), previous: Double(previous))
    }

    /// The flag of a count against a reference that may be a mean (the previous weeks').
    public static func flag(current: Double, previous: Double) -> ChangeFlag {
        if previous == 0 { return current > 0 ? .new : .none }
        let z = 2 * (current.squareRoot() - previous.squareRoot())
        if abs(z) >= 3 { return .significant }
        if abs(z) >= 2 { return .watch }
        return .none
    }

    /// The change in words: « +3 (1 → 4) », « nouveau », « non reçu », « = ». A percentage is
    /// given only when the base is at least 20 (below, it reads as more than it is).
    public var text: String {
        guard let current, let previous else { return "non reçu" }
        if previous == 0 { return current == 0 ? "=" : "nouveau" }
        let delta = current - previous
        if delta == 0 { return "=" }
        let sign = delta > 0 ? "+" : "−"
        var text = "\(sign)\(abs(delta))"
        if previous >= Comparison.percentBase {
            let percent = Int((Double(abs(delta)) * 100 / Double(previous)).rounded())
            if percent > 0 { text += " (\(sign)\(percent) %)" }
        }
        return text
    }

    /// The smallest base for which a percentage is printed.
    public static let percentBase = 20
}

/// Rates per 1,000 inhabitants, with French formatting.
public enum Rate {
    public static func perThousand(_ count: Int, population: Int) -> Double? {
        guard population > 0 else { return nil }
        return Double(count) * 1000 / Double(population)
    }

    /// « 3,4 » — one decimal, decimal comma.
    public static func french(_ value: Double?) -> String {
        guard let value else { return "—" }
        return SVG.french(value, decimals: 1)
    }
}
