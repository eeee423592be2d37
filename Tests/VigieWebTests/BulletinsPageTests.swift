import Foundation
import HummingbirdTesting
import VigieCore
import VigiePipeline
import VigieStore
import XCTest

/// The « Bulletins » page on the demo store: a bulletin shown in the page (under the strict CSP),
/// downloaded as `WriteBulletin` writes it, its parameters checked, its comments escaped.
final class BulletinsPageTests: XCTestCase {
    static let monthly = "/bulletins?type=mensuel&periode=2026-10"

    /// The rows of a CSV table as `vigie bulletin` writes it (`;`, BOM), split naively (the test's own reading).
    static func rows(_ csv: String) -> [[String]] {
        csv.replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: "\r\n").map { $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init) }
    }

    func testTheMonthlyPageShowsTheFiguresOfTheBulletinWriteBulletinWrites() async throws {
        let demo = try DemoSite.make(for: self)
        // Independent: the état 4001 of October per commune, summed by `vigie extract counts`.
        let counts = try ExtractCounts(groups: [.commune], filter: ExtractFilter(partner: "police-nationale", feed: "etat4001",
                                                                                  from: .month(2026, 10), to: .month(2026, 10))).run(demo.observatory)
        let perCommune = Dictionary(uniqueKeysWithValues: counts.rows.map { ($0.keys[0], $0.count) })
        XCTAssertEqual(perCommune.count, 3)
        let out = demo.directory.appendingPathComponent("ecrit")
        let written = try WriteBulletin(.monthly(month: .month(2026, 10), commune: nil), out: out.path).run(demo.observatory)
        let csv = try String(contentsOf: out.appendingPathComponent("monthly_2026-10_etat4001.csv"), encoding: .utf8)
        let table = Self.rows(csv)
        XCTAssertEqual(table.first?.prefix(2), ["commune", "mois"])
        XCTAssertEqual(written.files.filter { $0.hasSuffix(".csv") }.count, 4)
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let response = try await session.get(client, Self.monthly)
            XCTAssertEqual(response.status, .ok)
            let page = DemoSite.text(response)
            for commune in demo.observatory.config.territory.communes {
                let row = try XCTUnwrap(table.first { $0.first == commune.name })
                XCTAssertEqual(Int(row[1]), perCommune[commune.insee], "the bulletin's 4001 figure of \(commune.name)")
                XCTAssertTrue(page.contains("<tr><td>\(commune.name.htmlEscapedForTest)</td><td class=\"n\">\(row[1])</td>"),
                              "\(commune.name): \(row[1]) shown in the page")
            }
            // Under the strict CSP: no inline style in the page, the bulletin's CSS as a file, scoped.
            XCTAssertFalse(page.contains("<style"))
            XCTAssertFalse(page.contains("style=\""))
            XCTAssertTrue(page.contains("<link rel=\"stylesheet\" href=\"/bulletins/bulletin.css\">"))
            let css = try await session.get(client, "/bulletins/bulletin.css")
            XCTAssertEqual(css.headers[.contentType], "text/css; charset=utf-8")
            let sheet = DemoSite.text(css)
            XCTAssertTrue(sheet.contains(".bulletin-view tr.total td {"), sheet)
            XCTAssertFalse(sheet.contains("@page"))
            // One download link per table of the bulletin.
            for name in ["categories", "quartiers", "sources", "etat4001"] {
                XCTAssertTrue(page.contains("format=csv&amp;tableau=\(name)\""), name)
            }
        }
    }

    func testDownloadsHaveTheirTypeAndName() async throws {
        let demo = try DemoSite.make(for: self)
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let html = try await session.get(client, "/bulletins/fichier?type=mensuel&periode=2026-10&commune=94028&format=html")
            XCTAssertEqual(html.status, .ok)
            XCTAssertEqual(html.headers[.contentType], "text/html; charset=utf-8")
            XCTAssertEqual(html.headers[.contentDisposition], "attachment; filename=\"monthly_2026-10_94028.html\"")
            let document = DemoSite.text(html)
            XCTAssertTrue(document.hasPrefix("<!DOCTYPE html>"))
            XCTAssertTrue(document.contains("<style>"), "the standalone file keeps its own style")

            let csv = try await session.get(client, "/bulletins/fichier?type=mensuel&periode=2026-10&format=csv&tableau=etat4001")
            XCTAssertEqual(csv.status, .ok)
            XCTAssertEqual(csv.headers[.contentType], "text/csv; charset=utf-8")
            XCTAssertEqual(csv.headers[.contentDisposition], "attachment; filename=\"monthly_2026-10_etat4001.csv\"")
            XCTAssertEqual(Self.rows(DemoSite.text(csv)).first?.first, "commune")

            let diagnostic = try await session.get(client, "/bulletins/fichier?type=diagnostic&lieu=Mont-Mesly&categorie=incendies&du=2026-01&au=2026-10&format=csv&tableau=faits")
            XCTAssertEqual(diagnostic.status, .ok)
            XCTAssertEqual(diagnostic.headers[.contentDisposition], "attachment; filename=\"diagnostic_2026-01_2026-10_cre-mont-mesly_incendies_faits.csv\"")

            let unknownTable = try await session.get(client, "/bulletins/fichier?type=mensuel&periode=2026-10&format=csv&tableau=../x")
            XCTAssertEqual(unknownTable.status, .notFound)
        }
    }

    func testAPdfWithoutChromiumSaysItNeedsChromium() async throws {
        let demo = try DemoSite.make(for: self)
        let previous = ProcessInfo.processInfo.environment["VIGIE_CHROMIUM"]
        setenv("VIGIE_CHROMIUM", "/nonexistent/chromium", 1)
        defer { if let previous { setenv("VIGIE_CHROMIUM", previous, 1) } else { unsetenv("VIGIE_CHROMIUM") } }
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let page = DemoSite.text(try await session.get(client, "/bulletins?type=semestriel&periode=2026-S1"))
            XCTAssertTrue(page.contains("PDF : demande Chromium"))
            let pdf = try await session.get(client, "/bulletins/fichier?type=semestriel&periode=2026-S1&format=pdf")
            XCTAssertEqual(pdf.status, .serviceUnavailable)
            XCTAssertTrue(DemoSite.text(pdf).contains("Le PDF demande Chromium"))
        }
    }

    func testAWrongPeriodOrAreaIsRefusedInFrench() async throws {
        let demo = try DemoSite.make(for: self)
        let issuesBefore = try demo.observatory.store.lastIssue(kind: "monthly", period: "2026-10", scope: "territoire")
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let cases: [(String, String)] = [
                ("/bulletins?type=mensuel&periode=2026-13", "Mois « 2026-13 » incorrect(e). Attendu : un mois (ex. 2026-10)."),
                ("/bulletins?type=mensuel&periode=2026-S1", "Mois « 2026-S1 » incorrect(e)"),
                ("/bulletins?type=semestriel&periode=2026-10", "Semestre « 2026-10 » incorrect(e)"),
                ("/bulletins?type=mensuel&periode=2026-10&commune=Creteuil", "Commune inconnue « Creteuil »"),
                ("/bulletins?type=diagnostic&lieu=Mont-Meslx&du=2026-01&au=2026-10", "Mont-Mesly"),
                ("/bulletins?type=diagnostic&lieu=Mont-Mesly&categorie=rodeos&du=2026-01&au=2026-10", "Catégorie « rodeos » inconnue"),
                ("/bulletins?type=diagnostic&lieu=Mont-Mesly&du=2000-01&au=2026-10", "Période trop longue"),
                ("/bulletins?type=hebdo&periode=2026-10", "Type de bulletin « hebdo » inconnu. Choisissez parmi : mensuel, semestriel, diagnostic."),
                ("/bulletins/fichier?type=mensuel&periode=2026-1O&format=html", "Mois « 2026-1O » incorrect(e)"),
            ]
            for (uri, message) in cases {
                let response = try await session.get(client, uri)
                XCTAssertEqual(response.status, .badRequest, uri)
                XCTAssertTrue(DemoSite.text(response).contains(message.htmlEscapedForTest), "\(uri): \(DemoSite.text(response))")
            }
            // The closest names are offered for an unknown place.
            let place = DemoSite.text(try await session.get(client, "/bulletins?type=diagnostic&lieu=Mont-Meslx&du=2026-01&au=2026-10"))
            XCTAssertTrue(place.contains("Les noms les plus proches : Mont-Mesly"), place)
        }
        // Nothing was issued.
        XCTAssertEqual(try demo.observatory.store.lastIssue(kind: "monthly", period: "2026-10", scope: "territoire")?.issuedAt, issuesBefore?.issuedAt)
    }

    func testACommentWithMarkupIsShownEscapedAndCanBeRemoved() async throws {
        let demo = try DemoSite.make(for: self)
        let comment = "<script>alert(1)</script> Hausse des incendies à surveiller"
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let added = try await session.post(client, "/bulletins/commentaires",
                                               ["type": "mensuel", "periode": "2026-10", "commune": "94028", "texte": comment])
            XCTAssertEqual(added.status, .seeOther)
            XCTAssertEqual(added.headers[.location], "/bulletins?type=mensuel&periode=2026-10&commune=94028#commentaires")
            let stored = try ListComments(bulletin: .monthly, period: .month(2026, 10)).run(demo.observatory).comments
            XCTAssertEqual(stored.map(\.text), [comment])
            XCTAssertEqual(stored.first?.commune, "94028")

            let page = DemoSite.text(try await session.get(client, "/bulletins?type=mensuel&periode=2026-10&commune=94028"))
            XCTAssertFalse(page.contains("<script>alert(1)"))
            // In the comments list and in the bulletin itself (its comments section).
            XCTAssertEqual(page.components(separatedBy: comment.htmlEscapedForTest).count - 1, 2, page)

            // A diagnostic takes no comment: 400, nothing added.
            let refused = try await session.post(client, "/bulletins/commentaires",
                                                 ["type": "diagnostic", "lieu": "Mont-Mesly", "du": "2026-01", "au": "2026-10", "texte": "x"])
            XCTAssertEqual(refused.status, .badRequest)
            XCTAssertEqual(try ListComments(bulletin: nil, period: nil).run(demo.observatory).comments.count, 1)

            let id = String(try XCTUnwrap(stored.first).id)
            let removed = try await session.post(client, "/bulletins/commentaires/supprimer",
                                                 ["type": "mensuel", "periode": "2026-10", "commune": "94028", "id": id])
            XCTAssertEqual(removed.status, .seeOther)
            XCTAssertTrue(try ListComments(bulletin: .monthly, period: .month(2026, 10)).run(demo.observatory).comments.isEmpty)
            let after = DemoSite.text(try await session.get(client, "/bulletins?type=mensuel&periode=2026-10&commune=94028"))
            XCTAssertFalse(after.contains("Hausse des incendies"))
        }
    }
}
