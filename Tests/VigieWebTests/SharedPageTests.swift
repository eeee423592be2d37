import Foundation
import HummingbirdTesting
import VigiePipeline
@testable import VigieStore
@testable import VigieWeb
import XCTest

/// A page rendered once for all the sessions of a role: each session still gets its own token and
/// name, and what differs by role stays apart.
final class SharedPageTests: XCTestCase {
    func testEachSessionGetsItsOwnValuesEscaped() {
        let rendered = "<form><input value=\"\(SharedPage.marker(.csrf))\"></form><span>\(SharedPage.marker(.name)) (\(SharedPage.marker(.role)))</span>"
        let page = SharedPage(rendered: rendered)
        let marie = WebSession(login: "marie", name: "Marie <Durand> & « co »", role: "assistant", csrf: "a1b2", expiresAt: "")
        let claire = WebSession(login: "claire", name: nil, role: "coordinateur", csrf: "c3d4", expiresAt: "")
        XCTAssertEqual(page.text(for: marie), "<form><input value=\"a1b2\"></form><span>Marie &lt;Durand&gt; &amp; « co » (assistant)</span>")
        XCTAssertEqual(page.text(for: claire), "<form><input value=\"c3d4\"></form><span>claire (coordinateur)</span>")
    }

    func testTextThatOnlyLooksLikeAMarkerIsKept() {
        let forged = "\(SessionTokens.random()).csrf." + " \(SharedPage.nonce).inconnu. fin"
        let page = SharedPage(rendered: forged)
        let session = WebSession(login: "marie", name: nil, role: "assistant", csrf: "secret", expiresAt: "")
        XCTAssertEqual(page.text(for: session), forged, "another word, or our word before no slot: not a marker")
    }

    /// Two sessions, two roles, the same week: each page carries its own session's token, and the
    /// coordinator's « Approuver » never reaches the assistant through the shared rendering.
    func testFaitsMarquantsSharedAcrossSessionsStayPerSessionAndPerRole() async throws {
        let demo = try DemoSite.make(for: self)
        try await demo.app().test(.router) { client in
            let marie = try await DemoSite.session(client, login: "marie")
            let claire = try await DemoSite.session(client, login: "claire")
            let marieAgain = try await DemoSite.session(client, login: "marie")
            XCTAssertNotEqual(marie.csrf, marieAgain.csrf)
            var pages: [String] = []
            for session in [marie, claire, marieAgain] {
                pages.append(DemoSite.text(try await session.get(client, "/faits-marquants?semaine=2026-W47")))
            }
            XCTAssertTrue(pages[0].contains("value=\"\(marie.csrf)\"") && !pages[0].contains(marieAgain.csrf) && !pages[0].contains(claire.csrf))
            XCTAssertTrue(pages[2].contains("value=\"\(marieAgain.csrf)\"") && !pages[2].contains(marie.csrf))
            XCTAssertTrue(pages[1].contains("value=\"\(claire.csrf)\""))
            XCTAssertTrue(pages[0].contains("Marie Durand (assistant)") && pages[1].contains("Claire Martin (coordinateur)"))
            XCTAssertFalse(pages[0].contains("Approuver") || pages[2].contains("Approuver"), "the assistant's page has no approval button")
            XCTAssertTrue(pages[1].contains("Approuver"))
            XCTAssertFalse(pages.contains { $0.contains(SharedPage.nonce) }, "no marker left in a page")
            // The same page for the two sessions of marie, but for the token.
            XCTAssertEqual(pages[0].replacingOccurrences(of: marie.csrf, with: "T"), pages[2].replacingOccurrences(of: marieAgain.csrf, with: "T"))
        }
    }
}
