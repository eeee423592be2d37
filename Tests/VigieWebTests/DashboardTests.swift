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
}

extension String {
    /// What Mustache's {{…}} makes of a text (the test's own escaping, not the code's).
    var htmlEscapedForTest: String {
        replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
