import Foundation
import HummingbirdTesting
import VigieCore
import VigiePipeline
import XCTest

/// The Tableau de bord on the demo store: the morning to-do of `vigie status`.
final class DashboardTests: XCTestCase {
    func testTheDashboardListsEachLatePartnerOfTheStatusWithARelancerButton() async throws {
        let demo = try DemoSite.make(for: self)
        let todo = try ShowStatus().run(demo.observatory).todo
        let latePartners = Set(todo.late.map(\.partnerName))
        XCTAssertFalse(latePartners.isEmpty, "the demo has late feeds")
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let page = DemoSite.text(try await session.get(client, "/"))
            for name in latePartners {
                XCTAssertTrue(page.contains(name.htmlEscapedForTest), "\(name) missing from the dashboard")
            }
            XCTAssertEqual(page.components(separatedBy: ">Relancer</button>").count - 1,
                           Set(todo.late.filter { $0.contact?.email != nil }.map(\.partner)).count)
        }
    }

    /// On Wednesday 25 November 2026, last week is the demo's 2026-W47: the dashboard counts each
    /// commune's faits marquants as the demo's weekly bulletins list them, and sums the last day's files.
    func testTheDashboardCountsLastWeeksFaitsMarquantsAndTheLastReception() async throws {
        let demo = try DemoSite.make(for: self, today: CivilDate(year: 2026, month: 11, day: 25))
        let bulletins = demo.directory.appendingPathComponent("demo/bulletins")
        var expected: [String: Int] = [:]
        for commune in demo.observatory.config.territory.communes {
            let markdown = try String(contentsOf: bulletins.appendingPathComponent("weekly_2026-W47_\(commune.insee).md"), encoding: .utf8)
            // The entries are the « - ** » items of the « Faits marquants » section (the series follow).
            let section = markdown.components(separatedBy: "\n## ").first { $0.hasPrefix("Faits marquants (") } ?? ""
            expected[commune.name] = section.split(separator: "\n").filter { $0.hasPrefix("- **") }.count
        }
        XCTAssertGreaterThan(expected.values.reduce(0, +), 0)
        let ledger = try ShowStatus(ledger: true).run(demo.observatory).ledger.feeds.flatMap(\.submissions)
        let lastDay = try XCTUnwrap(ledger.map { String($0.receivedAt.prefix(10)) }.max())
        let files = ledger.filter { $0.receivedAt.hasPrefix(lastDay) }
        let counts = expected
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let page = DemoSite.text(try await session.get(client, "/"))
            XCTAssertTrue(page.contains("Faits marquants de la semaine 2026-W47"), page)
            for (name, count) in counts {
                XCTAssertTrue(page.contains(">\(name.htmlEscapedForTest)</a></td><td class=\"n\">\(count)</td>"), "\(name) \(count)\n\(page)")
            }
            XCTAssertTrue(page.contains("\(files.count) fichier(s) reçu(s), \(files.filter { $0.status != "refused" }.count) chargé(s)"), page)
            XCTAssertTrue(page.contains("\(files.map(\.rowsLoaded).reduce(0, +)) ligne(s) chargée(s)"), page)
        }
    }
}

extension String {
    /// What Mustache's {{…}} makes of a text (the test's own escaping, not the code's).
    var htmlEscapedForTest: String {
        replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
