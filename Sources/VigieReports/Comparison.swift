import Foundation
import VigieCore

/// How much a change in a count should be believed. Small counts move by chance: a change is
/// flagged by the exact test for two Poisson counts (`PoissonTest`), « à surveiller » below the
/// `watch` level and « significatif » below the `significant` level of `bulletins.yaml`. A base
/// of 0 reads « nouveau » in the change column but is flagged by the same test as any other.
public enum ChangeFlag: String, Sendable, Codable {
    case none = ""
    case watch = "à surveiller"
    case significant = "significatif"
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

    /// The two-sided p-value of the exact test, or nil when one side is missing.
    public var pValue: Double? {
        guard let current, let previous else { return nil }
        return PoissonTest.pValue(current, previous)
    }

    /// The flag of the change at the given levels; none when one side is missing.
    public func flag(_ levels: SignificanceLevels) -> ChangeFlag {
        guard let current, let previous else { return .none }
        return Comparison.flag(current: current, previous: previous, levels: levels)
    }

    /// The flag of `current` (over exposure 1) against `previous` (the sum over `periods`
    /// reference periods of the same length, e.g. the previous weeks).
    public static func flag(current: Int, previous: Int, periods: Int = 1, levels: SignificanceLevels) -> ChangeFlag {
        let p = PoissonTest.pValue(current, previous, periods: periods)
        if p < levels.significant { return .significant }
        if p < levels.watch { return .watch }
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

/// The exact (conditional) test for two Poisson counts: given n = a + b, a is
/// Binomial(n, 1 / (1 + periods)) when both rates are equal. The two-sided p-value is the sum of
/// the probabilities of every outcome no more likely than the one observed (as R's `binom.test`).
public enum PoissonTest {
    /// The p-value of `a` counted over one period against `b` counted over `periods` periods.
    public static func pValue(_ a: Int, _ b: Int, periods: Int = 1) -> Double {
        let n = a + b
        guard n > 0, a >= 0, b >= 0, periods >= 1 else { return 1 }
        let p = 1 / Double(1 + periods)
        let logs = (0...n).map { logBinomial(n: n, k: $0, p: p) }
        // Outcomes as likely as the observed one, up to rounding, count as no more likely.
        let bound = logs[a] + 1e-7
        let total = logs.filter { $0 <= bound }.reduce(0) { $0 + exp($1) }
        return min(1, total)
    }

    /// log P(X = k) for X ~ Binomial(n, p), 0 < p < 1.
    static func logBinomial(n: Int, k: Int, p: Double) -> Double {
        lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1)) + Double(k) * log(p) + Double(n - k) * log1p(-p)
    }
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
