import Crypto
import Foundation
import VigieIngest
import XCTest

final class PseudonymizerTests: XCTestCase {
    /// The prepared keyed state is copied per value: each value gives the one-shot HMAC, whatever came before.
    func testEachValueGivesTheOneShotHMACWhateverCameBefore() {
        let key = SymmetricKey(data: Data("clé de test des pseudonymes, assez longue".utf8))
        let pseudonym = Pseudonymizer(key: key)
        func oneShot(_ value: String) -> String {
            HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key).prefix(8).map { String(format: "%02x", $0) }.joined()
        }
        let values = ["2026/123", "2026/124", "2026/123", "", "PV 77 é"]
        XCTAssertEqual(values.map { pseudonym($0) }, values.map(oneShot))
        XCTAssertEqual(pseudonym("  2026/123 "), oneShot("2026/123"), "white space around the value is ignored")
        XCTAssertNotEqual(pseudonym("2026/123"), pseudonym("2026/124"))
    }
}
