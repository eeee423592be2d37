import VigieCore
import VigieReports
import XCTest

/// The exact test for two Poisson counts, against binomial tails computed here with integers,
/// and the wording of a change.
final class ComparisonTests: XCTestCase {
    /// P(X = k) for X ~ Binomial(n, 1/(1+periods)), as the integer numerator C(n,k)·periods^(n−k)
    /// over the denominator (1+periods)^n. Exact for the small n used here.
    static func numerators(n: Int, periods: Int) -> (terms: [UInt64], denominator: UInt64) {
        var terms: [UInt64] = []
        var choose: UInt64 = 1
        for k in 0...n {
            if k > 0 { choose = choose * UInt64(n - k + 1) / UInt64(k) }
            var power: UInt64 = 1
            for _ in 0..<(n - k) { power *= UInt64(periods) }
            terms.append(choose * power)
        }
        var denominator: UInt64 = 1
        for _ in 0..<n { denominator *= UInt64(1 + periods) }
        return (terms, denominator)
    }

    /// Two-sided p-value: the outcomes no more likely than the observed one, summed exactly.
    static func exactP(_ a: Int, _ b: Int, periods: Int = 1) -> Double {
        let (terms, denominator) = numerators(n: a + b, periods: periods)
        let sum = terms.filter { $0 <= terms[a] }.reduce(0, +)
        return min(1, Double(sum) / Double(denominator))
    }

    func testPValuesAgainstBinomialTails() {
        // A small table written out by hand: (current, previous, reference periods, p as a fraction).
        let table: [(Int, Int, Int, Double)] = [
            (1, 0, 1, 1),                       // n = 1: both outcomes have probability 1/2
            (0, 3, 1, 2.0 / 8),                 // (1 + 1) / 2³
            (3, 0, 1, 2.0 / 8),
            (4, 1, 1, 12.0 / 32),               // (1 + 5 + 5 + 1) / 2⁵
            (6, 0, 1, 2.0 / 64),                // à surveiller
            (9, 1, 1, 22.0 / 1024),             // 2 (1 + 10) / 2¹⁰
            (10, 2, 1, 158.0 / 4096),           // 2 (1 + 12 + 66) / 2¹²
            (12, 1, 1, 28.0 / 8192),            // 2 (1 + 13) / 2¹³
            (8, 0, 1, 2.0 / 256),
            // One week against four: X ~ Binomial(7, 1/5), numerators C(7,k)·4^(7−k) over 5⁷ = 78 125:
            // 16384, 28672, 21504, 8960, 2240, 336, 28, 1.
            (5, 2, 4, (336.0 + 28 + 1) / 78125),
            (4, 3, 4, (2240.0 + 336 + 28 + 1) / 78125),
            (3, 4, 4, (8960.0 + 2240 + 336 + 28 + 1) / 78125),
            (0, 7, 4, (16384.0 + 8960 + 2240 + 336 + 28 + 1) / 78125),
        ]
        for (a, b, periods, expected) in table {
            XCTAssertEqual(PoissonTest.pValue(a, b, periods: periods), expected, accuracy: 1e-12, "\(a) against \(b) over \(periods)")
            XCTAssertEqual(ComparisonTests.exactP(a, b, periods: periods), expected, accuracy: 1e-12, "the test's own sum, \(a) against \(b)")
        }
        // Larger counts, still exact in 64 bits: every split of n = 20 and n = 30.
        for n in [20, 30] {
            for a in 0...n {
                XCTAssertEqual(PoissonTest.pValue(a, n - a), ComparisonTests.exactP(a, n - a), accuracy: 1e-10, "\(a) against \(n - a)")
            }
        }
        for a in 0...14 {
            XCTAssertEqual(PoissonTest.pValue(a, 14 - a, periods: 4), ComparisonTests.exactP(a, 14 - a, periods: 4), accuracy: 1e-10)
        }
    }

    func testFlags() {
        let levels = SignificanceLevels.standard
        // With n = 3 and p = 1/2 the smallest two-sided p is 2/8 = 0.25: never flagged.
        XCTAssertEqual(Comparison(current: 1, previous: 0).flag(levels), .none)
        XCTAssertEqual(Comparison(current: 0, previous: 1).flag(levels), .none)
        XCTAssertEqual(Comparison(current: 0, previous: 3).flag(levels), .none)
        XCTAssertEqual(Comparison(current: 3, previous: 0).flag(levels), .none)
        XCTAssertEqual(Comparison(current: 4, previous: 1).flag(levels), .none)
        // p = 2/64 ≈ 0.031 and 158/4096 ≈ 0.039: à surveiller; 2/256 ≈ 0.008 and 28/8192 ≈ 0.003: significatif.
        XCTAssertEqual(Comparison(current: 6, previous: 0).flag(levels), .watch)
        XCTAssertEqual(Comparison(current: 10, previous: 2).flag(levels), .watch)
        XCTAssertEqual(Comparison(current: 2, previous: 10).flag(levels), .watch)
        XCTAssertEqual(Comparison(current: 8, previous: 0).flag(levels), .significant)
        XCTAssertEqual(Comparison(current: 12, previous: 1).flag(levels), .significant)
        XCTAssertEqual(Comparison(current: 80, previous: 40).flag(levels), .significant)
        // A week against the sum of four: 5 against 2 (p ≈ 0.0047), 4 against 3 (p ≈ 0.033).
        XCTAssertEqual(Comparison.flag(current: 5, previous: 2, periods: 4, levels: levels), .significant)
        XCTAssertEqual(Comparison.flag(current: 4, previous: 3, periods: 4, levels: levels), .watch)
        XCTAssertEqual(Comparison(current: 0, previous: 0).flag(levels), .none)
        XCTAssertEqual(Comparison(current: nil, previous: 5).flag(levels), .none)
        // Other levels, from bulletins.yaml: 6 against 0 (p ≈ 0.031) is significant at 5 %.
        XCTAssertEqual(Comparison(current: 6, previous: 0).flag(SignificanceLevels(watch: 0.1, significant: 0.05)), .significant)
    }

    func testWording() {
        XCTAssertEqual(Comparison(current: 4, previous: 1).text, "+3")
        XCTAssertEqual(Comparison(current: 80, previous: 40).text, "+40 (+100 %)")
        XCTAssertEqual(Comparison(current: 30, previous: 40).text, "−10 (−25 %)")
        XCTAssertEqual(Comparison(current: 3, previous: 0).text, "nouveau")
        XCTAssertEqual(Comparison(current: 5, previous: 5).text, "=")
        XCTAssertEqual(Comparison(current: nil, previous: 5).text, "non reçu")
        XCTAssertEqual(Comparison(current: 5, previous: nil).text, "non reçu")
    }
}
