import Foundation
import HummingbirdTesting
import VigieCore
import VigiePipeline
import XCTest

/// « Carte » on the demo store: the quartiers map of a period and category, each quartier a link to its page.
final class CartePageTests: XCTestCase {
    /// The first `<svg>…</svg>` of a page.
    static func firstMap(_ page: String) -> String? {
        guard let start = page.range(of: "<svg"), let end = page.range(of: "</svg>", range: start.upperBound..<page.endIndex) else { return nil }
        return String(page[start.lowerBound..<end.upperBound])
    }

    /// quartier id → "class|tooltip" of every quartier drawn on a map.
    static func classes(_ svg: String) -> [String: String] {
        Dictionary(svg.matches(of: /data-quartier="([^"]+)" data-class="([^"]+)"><title>([^<]*)<\/title>/).map { ("\($0.1)", "\($0.2)|\($0.3)") },
                   uniquingKeysWith: { a, _ in a })
    }

    func testTheMapHasOneLinkPerQuartierOfTheTerritoryAndALegend() async throws {
        let demo = try DemoSite.make(for: self)
        let quartiers = demo.observatory.config.territory.communes.flatMap(\.sectors).flatMap(\.quartiers).map(\.id)
        XCTAssertGreaterThan(quartiers.count, 5)
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            for query in ["periode=2026-S1", "periode=2026-09&mesure=evolution&categorie=incendies", ""] {
                let response = try await s.get(client, "/carte?\(query)")
                let page = DemoSite.text(response)
                XCTAssertEqual(response.status, .ok, page)
                let svg = try XCTUnwrap(CartePageTests.firstMap(page), query)
                let links = svg.matches(of: /<a href="\/carte\/quartier\/([^"?]+)\?[^"]*"/).map { String($0.1) }
                XCTAssertEqual(links.sorted(), quartiers.sorted(), "one link per quartier: \(query)")
                XCTAssertTrue(svg.contains("pour 1 000 hab."), "the legend says what the colours measure")
                XCTAssertGreaterThan(svg.matches(of: /<text[^>]*>[^<]* – [^<]*<\/text>/).count, 0, "each class's range in the legend")
            }
        }
    }

    func testTheSemesterMapIsTheSemesterBulletinsRateMap() async throws {
        let demo = try DemoSite.make(for: self)
        let bulletin = try String(contentsOf: demo.directory.appendingPathComponent("demo/bulletins/semester_2026-S1.html"), encoding: .utf8)
        let expected = CartePageTests.classes(try XCTUnwrap(CartePageTests.firstMap(bulletin)))
        XCTAssertFalse(expected.isEmpty)
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            let page = DemoSite.text(try await s.get(client, "/carte?periode=2026-S1&mesure=taux"))
            XCTAssertEqual(CartePageTests.classes(try XCTUnwrap(CartePageTests.firstMap(page))), expected, "same classes and values as the bulletin, nothing more")
        }
    }

    func testAQuartierPagesTotalIsTheExtractsFigureAndLinksToItsFaits() async throws {
        let demo = try DemoSite.make(for: self)
        let config = demo.observatory.config
        let quartier = "cre-sablieres"
        let month = try XCTUnwrap(Period("2026-09"))
        // Independent count, as the README defines facts: the incidents of every incidents feed
        // but the doléances, and the monthly counts placed in the quartier.
        let countFeeds = Set(config.partners.flatMap(\.feeds).filter { $0.kind == .counts && $0.cadence == .monthly }.map { "\($0.partnerID)/\($0.id)" })
        let incidents = try ExtractIncidents(groups: [.quartier, .partenaire, .flux], filter: ExtractFilter(from: month, to: month)).run(demo.observatory)
        let counts = try ExtractCounts(groups: [.quartier, .partenaire, .flux], filter: ExtractFilter(from: month, to: month)).run(demo.observatory)
        let fromIncidents = incidents.rows.filter { $0.keys[0] == quartier && $0.keys[2] != "doleances" }.reduce(0) { $0 + $1.count }
        let fromCounts = counts.rows.filter { $0.keys[0] == quartier && countFeeds.contains("\($0.keys[1])/\($0.keys[2])") }.reduce(0) { $0 + $1.count }
        XCTAssertGreaterThan(fromIncidents, 0)
        let allIncidents = incidents.rows.filter { $0.keys[0] == quartier }.reduce(0) { $0 + $1.count }
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            let map = DemoSite.text(try await s.get(client, "/carte?periode=2026-09"))
            let link = try XCTUnwrap(map.firstMatch(of: /<a href="(\/carte\/quartier\/cre-sablieres\?[^"]+)"/)).1
            let response = try await s.get(client, String(link).replacingOccurrences(of: "&amp;", with: "&"))
            let page = DemoSite.text(response)
            XCTAssertEqual(response.status, .ok, page)
            XCTAssertTrue(page.contains("Sablières"))
            let total = try XCTUnwrap(page.firstMatch(of: /id="total">(\d+)</).flatMap { Int($0.1) })
            XCTAssertEqual(total, fromIncidents + fromCounts)
            // Its faits: the search of the quartier over the month lists its incident rows.
            let search = try XCTUnwrap(page.firstMatch(of: /<a href="(\/recherche\?[^"]+)">Voir les faits/)).1
            let found = DemoSite.text(try await s.get(client, String(search).replacingOccurrences(of: "&amp;", with: "&")))
            XCTAssertEqual(found.firstMatch(of: /<h2>(\d+) faits? trouvés?/).flatMap { Int($0.1) }, allIncidents)
        }
    }

    func testNoPercentageOnASmallBase() async throws {
        let demo = try DemoSite.make(for: self)
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            let page = DemoSite.text(try await s.get(client, "/carte?periode=2026-09&categorie=incendies"))
            let rows = page.matches(of: /<td class="n">(\d+)<\/td><td class="num">([^<]*)<\/td>/)
            XCTAssertFalse(rows.isEmpty)
            for row in rows where Int(row.1)! < 20 {
                XCTAssertFalse(row.2.contains("%"), "a percentage on a base of \(row.1): \(row.2)")
            }
        }
    }

    func testWrongParametersAreRefusedInFrench() async throws {
        let demo = try DemoSite.make(for: self)
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            for bad in ["periode=2026-13", "periode=2026-W40", "periode=2026", "periode=2099-01", "periode=%3Cscript%3E",
                        "categorie=inconnue", "mesure=autre", "periode=" + String(repeating: "9", count: 600)] {
                for path in ["/carte", "/carte/quartier/cre-sablieres"] {
                    let response = try await s.get(client, "\(path)?\(bad)")
                    let page = DemoSite.text(response)
                    XCTAssertEqual(response.status, .badRequest, "\(path)?\(bad)")
                    XCTAssertNil(CartePageTests.firstMap(page), bad)
                    XCTAssertFalse(page.contains("<script>"))
                    XCTAssertTrue(page.contains("role=\"alert\""), bad)
                }
            }
            let unknown = try await s.get(client, "/carte/quartier/inconnu?periode=2026-09")
            XCTAssertEqual(unknown.status, .notFound)
            XCTAssertTrue(DemoSite.text(unknown).contains("Quartier inconnu"))
        }
    }
}
