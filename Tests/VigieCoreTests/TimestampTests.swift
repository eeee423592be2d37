import Foundation
import VigieCore
import XCTest

final class TimestampTests: XCTestCase {
    func testUTCForTheStoreAndParisTimeWithItsOffsetForPeople() {
        // 2026-01-15 12:00 UTC and 2026-07-15 12:00 UTC: Paris is at +01:00 in winter, +02:00 in summer.
        let winter = Date(timeIntervalSince1970: 1_768_478_400)
        let summer = Date(timeIntervalSince1970: 1_784_116_800)
        XCTAssertEqual(Timestamp.utc(winter), "2026-01-15T12:00:00Z")
        XCTAssertEqual(Timestamp.paris(winter), "2026-01-15T13:00:00+01:00")
        XCTAssertEqual(Timestamp.utc(summer), "2026-07-15T12:00:00Z")
        XCTAssertEqual(Timestamp.paris(summer), "2026-07-15T14:00:00+02:00")
    }
}
