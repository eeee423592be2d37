import Foundation
@testable import VigieReports
import XCTest

/// The weekly's values hand the templates their fields themselves (reflection was most of a
/// dense week's time): every stored field must be there, or a template would print nothing.
final class TemplateFieldsTests: XCTestCase {
    func labels(_ value: Any) -> Set<String> { Set(Mirror(reflecting: value).children.compactMap(\.label)) }

    func testEveryStoredFieldIsHandedToTheTemplates() throws {
        let reference = WeeklyBulletin.SeriesReference(rule: "r", id: "S1", name: "n", span: "s")
        let entry = WeeklyBulletin.Entry(date: "d", time: "t", place: "p", quartier: "q", communeName: "c", nature: "n", category: "k",
                                         description: "x", source: "s", reasons: ["r"], series: [reference], provenance: "f, ligne 2")
        let series = WeeklyBulletin.Series(id: "S1", name: "n", span: "s", items: [.init(date: "d", nature: "n", place: "p")], more: "")
        let weekly = WeeklyBulletin(week: "2026-W47", weekNumber: 47, weekSpan: "w", provisional: "", commune: "94028", communeName: "Créteil",
                                    entries: [entry], series: [series], seriesMembers: [], comments: [], totals: [
                                        .init(category: "c", count: 1, mean: "1", flag: "")],
                                    totalSources: [], baselineWeeks: 4, notReceived: [], pending: [])
        XCTAssertEqual(Set(entry.templateFields.keys), labels(entry))
        XCTAssertEqual(Set(reference.templateFields.keys), labels(reference))
        XCTAssertEqual(Set(series.templateFields.keys), labels(series))
        XCTAssertEqual(Set(weekly.templateFields.keys), labels(weekly).subtracting(["seriesMembers"]))
        // And as reflection would give them: the same values, nested the same way.
        let plain = try XCTUnwrap(TemplateRenderer.plain(weekly) as? [String: Any])
        let entries = try XCTUnwrap(plain["entries"] as? [[String: Any]])
        XCTAssertEqual(entries[0]["provenance"] as? String, "f, ligne 2")
        let references = try XCTUnwrap(entries[0]["series"] as? [[String: Any]])
        XCTAssertEqual(references[0]["id"] as? String, "S1")
        let items = try XCTUnwrap((plain["series"] as? [[String: Any]])?.first?["items"] as? [[String: Any]])
        XCTAssertEqual(items[0]["place"] as? String, "p")
        XCTAssertEqual((plain["totals"] as? [[String: Any]])?.first?["count"] as? Int, 1)
    }
}
