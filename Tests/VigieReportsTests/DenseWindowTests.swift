import GRDB
import VigieCore
@testable import VigieReports
import VigieFixtures
import VigieStore
import XCTest

/// The weekly's series rule (the fullest window of `days` days around a fact holding at least
/// `count` facts) gives what the direct count gives, on seeded random series.
final class DenseWindowTests: XCTestCase {
    /// The rule computed the plain way: every window start, every fact counted.
    static func reference(around incident: IncidentRecord, in series: [IncidentRecord], count: Int, days: Int) -> [IncidentRecord]? {
        let day = incident.date.dayNumber
        var best = (start: day, count: 0)
        for start in (day - days + 1)...day {
            let inside = series.filter { $0.date.dayNumber >= start && $0.date.dayNumber < start + days }.count
            if inside > best.count { best = (start, inside) }
        }
        guard best.count >= count else { return nil }
        return series.filter { $0.date.dayNumber >= best.start && $0.date.dayNumber < best.start + days }
    }

    static func incident(_ id: Int, day: Int) throws -> IncidentRecord {
        try IncidentRecord(row: Row(["id": id, "day": day, "time_minutes": nil, "commune": "94028", "sector": nil, "quartier": "q",
                                     "place_text": nil, "nature": "n", "category": "c", "description": nil, "weapon": nil,
                                     "partner": "p", "feed": "f", "file_name": "x.csv", "source_row": id]))
    }

    func testTheFastWindowIsTheDirectCount() throws {
        var random = SeededRandom(seed: 20)
        var compared = 0, found = 0
        for _ in 0..<400 {
            let size = Int(random.next() % 60) + 1, spread = Int(random.next() % 90) + 1
            let days = (0..<size).map { _ in 20_000 + Int(random.next() % UInt64(spread)) }.sorted()
            let series = try days.enumerated().map { try Self.incident($0.offset + 1, day: $0.element) }
            let count = Int(random.next() % 5) + 2, window = Int(random.next() % 30) + 1
            for incident in series {
                let fast = WeeklyBulletin.denseWindow(around: incident, in: series, count: count, days: window).map { Array(series[$0]) }
                XCTAssertEqual(fast, Self.reference(around: incident, in: series, count: count, days: window))
                compared += 1
                if fast != nil { found += 1 }
            }
        }
        XCTAssertGreaterThan(found, 1000, "series found, not only nil compared (\(found) of \(compared))")
    }
}
