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

    /// Keys of every length give the HMAC of RFC 2104: shorter than a block (padded), exactly one
    /// block, longer (hashed first); values longer than a block too.
    func testKeysShorterEqualAndLongerThanABlock() {
        let long = String(repeating: "procès-verbal n° 2026/123 ", count: 10) + "fin"
        for length in [16, 63, 64, 65, 200] {
            let key = SymmetricKey(data: Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }))
            let pseudonym = Pseudonymizer(key: key)
            for value in ["2026/123", "", long] {
                let expected = HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key).prefix(8)
                    .map { String(format: "%02x", $0) }.joined()
                XCTAssertEqual(pseudonym(value), expected, "key of \(length) bytes, value of \(value.utf8.count) bytes")
            }
        }
    }
}
