@testable import VigieIngest
import VigieCore
import XCTest

/// The cache of places resolved within one file: same answers, fewer resolutions, bounded size.
final class PlaceCacheTests: XCTestCase {
    func testAnAddressIsResolvedOnceAndCoordinatesAlways() {
        var cache = PlaceCache()
        var calls = 0
        let place = ResolvedPlace(commune: "94028", sector: "cre-sud", quartier: "cre-mont-mesly", level: .address)
        func resolve() -> ResolvedPlace { calls += 1; return place }
        for _ in 0..<3 {
            XCTAssertEqual(cache.resolved(commune: "94028", area: nil, placeName: nil, address: "12 Rue Albert Doyen", noCoordinates: true, resolve), place)
        }
        XCTAssertEqual(calls, 1)
        // Another commune, or a place given by coordinates, is resolved again.
        _ = cache.resolved(commune: "94002", area: nil, placeName: nil, address: "12 Rue Albert Doyen", noCoordinates: true, resolve)
        _ = cache.resolved(commune: "94028", area: nil, placeName: nil, address: "12 Rue Albert Doyen", noCoordinates: false, resolve)
        _ = cache.resolved(commune: "94028", area: nil, placeName: nil, address: "12 Rue Albert Doyen", noCoordinates: false, resolve)
        XCTAssertEqual(calls, 4)
    }

    func testTheCacheStaysBounded() {
        var cache = PlaceCache()
        var calls = 0
        let place = ResolvedPlace(commune: "94028", sector: nil, quartier: nil, level: .commune)
        for n in 0...PlaceCache.limit { _ = cache.resolved(commune: "94028", area: nil, placeName: nil, address: "\(n) rue", noCoordinates: true) { calls += 1; return place } }
        XCTAssertEqual(calls, PlaceCache.limit + 1)
        // Emptied when full: the first address is resolved again.
        _ = cache.resolved(commune: "94028", area: nil, placeName: nil, address: "0 rue", noCoordinates: true) { calls += 1; return place }
        XCTAssertEqual(calls, PlaceCache.limit + 2)
    }
}
