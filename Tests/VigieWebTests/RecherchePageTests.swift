import Foundation
import HummingbirdTesting
import VigieCore
import VigiePipeline
import XCTest

/// « Recherche » on the demo store: incidents by place, nature, category and dates, each with its file and row.
final class RecherchePageTests: XCTestCase {
    /// The number of the page's heading « N faits trouvés ».
    static func found(_ page: String) -> Int? {
        page.firstMatch(of: /<h2>(\d+) faits? trouvés?/).flatMap { Int($0.1) }
    }

    /// (submission, row) of every result of a page, in order.
    static func sources(_ page: String) -> [String] {
        page.matches(of: /href="\/depots\/(\d+)">[^<]*<\/a>.*?ligne (\d+)<\/td>/.dotMatchesNewlines())
            .map { "\($0.1)/\($0.2)" }
    }

    func testTheCountOfASearchByQuartierNameWithOrWithoutAccentsIsTheExtractsCount() async throws {
        let demo = try DemoSite.make(for: self)
        // Independent count: the incidents extract of the same months, by quartier.
        let extract = try ExtractIncidents(groups: [.quartier], filter: ExtractFilter(from: Period("2026-01"), to: Period("2026-06")))
            .run(demo.observatory)
        let expected = try XCTUnwrap(extract.rows.first { $0.keys == ["cre-sablieres"] }?.count)
        XCTAssertGreaterThan(expected, 0)
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            for name in ["Sabli%C3%A8res", "sablieres", "SABLIERES", "quartier%3Asabli%C3%A8res"] {
                let response = try await s.get(client, "/recherche?lieu=\(name)&du=01%2F01%2F2026&au=2026-06-30")
                let page = DemoSite.text(response)
                XCTAssertEqual(response.status, .ok, page)
                XCTAssertEqual(RecherchePageTests.found(page), expected, name)
                XCTAssertEqual(RecherchePageTests.sources(page).count, min(expected, 100), "every result shows its file and row")
            }
        }
    }

    func testAResultNamesTheFileAndTheRowOfTheSampleFileItCameFrom() async throws {
        let demo = try DemoSite.make(for: self)
        // The sample file itself: its first incident of 28/09/2026 in Alfortville, and the line it is on.
        let sample = DemoSite.repo.appendingPathComponent("SampleData/police-nationale/faits-marquants/faits-marquants_2026-W40.csv")
        let lines = try XCTUnwrap(String(data: Data(contentsOf: sample), encoding: .isoLatin1)).components(separatedBy: "\r\n")
        let index = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("28/09/2026;") && $0.contains(";Alfortville;") })
        let cells = lines[index].components(separatedBy: ";")
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            let page = DemoSite.text(try await s.get(client, "/recherche?lieu=Alfortville&du=28%2F09%2F2026&au=28%2F09%2F2026"))
            XCTAssertTrue(page.contains(">faits-marquants_2026-W40.csv</a>"), page)
            XCTAssertTrue(page.contains("ligne \(index + 1)</td>"), "line \(index + 1) of the sample file")
            XCTAssertTrue(page.contains(cells[4].htmlEscapedForTest), "its nature")
            XCTAssertTrue(page.contains(cells[5].htmlEscapedForTest), "its description, still kept")
            XCTAssertTrue(page.contains("Police nationale".htmlEscapedForTest), "its partner")
            // The link leads to the file's page in Dépôts.
            let submission = try XCTUnwrap(RecherchePageTests.sources(page).first?.split(separator: "/").first)
            let depot = DemoSite.text(try await s.get(client, "/depots/\(submission)"))
            XCTAssertTrue(depot.contains("faits-marquants_2026-W40.csv"), depot)
        }
    }

    func testThePagesListEveryResultExactlyOnceLatestFirst() async throws {
        let demo = try DemoSite.make(for: self)
        let extract = try ExtractIncidents(groups: [.commune], filter: ExtractFilter(from: Period("2026-07"), to: Period("2026-09")))
            .run(demo.observatory)
        let expected = try XCTUnwrap(extract.rows.first { $0.keys == ["94044"] }?.count)
        XCTAssertGreaterThan(expected, 100, "more than one page")
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            var uri: String? = "/recherche?lieu=Limeil-Br%C3%A9vannes&du=2026-07-01&au=30%2F09%2F2026"
            var seen: [String] = []
            var dates: [CivilDate] = []
            var pages = 0
            while let next = uri, pages < 20 {
                let page = DemoSite.text(try await s.get(client, next))
                XCTAssertEqual(RecherchePageTests.found(page), expected)
                seen += RecherchePageTests.sources(page)
                dates += page.matches(of: /<td class="num">(\d\d)\/(\d\d)\/(\d{4})/).compactMap {
                    CivilDate(year: Int($0.3)!, month: Int($0.2)!, day: Int($0.1)!)
                }
                uri = page.firstMatch(of: /<a href="([^"]+)" rel="next">page suivante/).map { String($0.1).replacingOccurrences(of: "&amp;", with: "&") }
                pages += 1
            }
            XCTAssertEqual(pages, (expected + 99) / 100)
            XCTAssertEqual(seen.count, expected)
            XCTAssertEqual(Set(seen).count, expected, "no result twice")
            XCTAssertEqual(dates.count, expected)
            XCTAssertEqual(dates, dates.sorted(by: >), "latest first")
        }
    }

    func testWrongPlaceDateCategoryOrPageAreRefusedInFrench() async throws {
        let demo = try DemoSite.make(for: self)
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            let wrongPlace = try await s.get(client, "/recherche?lieu=Sabli%C3%A8rs")
            XCTAssertEqual(wrongPlace.status, .badRequest)
            let page = DemoSite.text(wrongPlace)
            XCTAssertTrue(page.contains("Les noms les plus proches"), page)
            XCTAssertTrue(page.contains("Sablières"), "the closest name")
            XCTAssertNil(RecherchePageTests.found(page))
            for bad in ["du=31%2F02%2F2026", "au=2026-13-01", "du=hier", "du=2026-06-01&au=2026-05-01", "categorie=inconnue",
                        "page=0", "page=x", "nature=" + String(repeating: "a", count: 101), "lieu=" + String(repeating: "%3C", count: 3000)] {
                let response = try await s.get(client, "/recherche?\(bad)")
                XCTAssertEqual(response.status, .badRequest, bad)
                XCTAssertNil(RecherchePageTests.found(DemoSite.text(response)), bad)
                XCTAssertTrue(DemoSite.text(response).contains("role=\"alert\""), bad)
            }
        }
    }

    func testAHostileDescriptionShowsAsText() async throws {
        let demo = try DemoSite.make(for: self)
        let file = demo.directory.appendingPathComponent("faits-marquants_2026-W48.csv")
        let hostile = "<script>alert(1)</script> & <b>gras</b>"
        let text = "Police nationale - DTSP 94 - faits marquants de la semaine 2026-W48\r\n\r\n"
            + "Date des faits;Heure;Commune;Lieu;Nature;Résumé;Arme;N° de procédure;Nom de la victime\r\n"
            + "24/11/2026;10:00;Créteil;1 Rue de Paris;Rixe;\(hostile);non;2026/9999;X\r\n"
        try XCTUnwrap(text.data(using: .isoLatin1)).write(to: file)
        let ingest = try IngestFiles(partner: "police-nationale", feed: "faits-marquants", period: Period("2026-W48"), files: [file.path])
            .run(demo.observatory)
        XCTAssertEqual(ingest.reports.first?.rowsLoaded, 1, "\(ingest.text)")
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            let page = DemoSite.text(try await s.get(client, "/recherche?du=24%2F11%2F2026&au=24%2F11%2F2026&nature=rixe"))
            XCTAssertTrue(page.contains(hostile.htmlEscapedForTest), page)
            XCTAssertFalse(page.contains("<script>"))
            XCTAssertFalse(page.contains("<b>gras"))
        }
    }
}
