import VigieReports
import XCTest

/// The Poisson flag z = 2(√current − √previous) and the wording of a change.
final class ComparisonTests: XCTestCase {
    func testFlags() {
        // z = 2(√4 − √1) = 2: worth watching, not significant.
        XCTAssertEqual(Comparison(current: 4, previous: 1).flag, .watch)
        // z = 2(√16 − √9) = 2, and the same downwards.
        XCTAssertEqual(Comparison(current: 16, previous: 9).flag, .watch)
        XCTAssertEqual(Comparison(current: 9, previous: 16).flag, .watch)
        // z = 2(√25 − √16) = 2; z = 2(√36 − √16) = 4.
        XCTAssertEqual(Comparison(current: 36, previous: 16).flag, .significant)
        // z = 2(√3 − √1) ≈ 1,46: nothing.
        XCTAssertEqual(Comparison(current: 3, previous: 1).flag, .none)
        XCTAssertEqual(Comparison(current: 3, previous: 0).flag, .new)
        XCTAssertEqual(Comparison(current: 0, previous: 0).flag, .none)
        XCTAssertEqual(Comparison(current: nil, previous: 5).flag, .none)
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
