import Foundation
import HummingbirdTesting
import VigieCore
import VigiePipeline
import XCTest

/// « Classement »: a nature loaded « non classé » gets a category in partners.yaml, and what is
/// loaded moves to it.
final class ClassementTests: XCTestCase {
    /// The extract by category of one partner's counts, as `vigie extract counts --by categorie` gives it.
    static func byCategory(_ observatory: Observatory, partner: String) throws -> [String: Int] {
        let rows = try ExtractCounts(groups: [.categorie], filter: ExtractFilter(partner: partner)).run(observatory).rows
        return Dictionary(rows.map { ($0.keys[0], $0.count) }, uniquingKeysWith: +)
    }

    func testClassifyingANatureWritesPartnersYamlAndMovesItsRowsToTheCategory() async throws {
        let demo = try DemoSite.make(for: self)
        let status = try ShowStatus().run(demo.observatory).todo.unclassified
        let squat = try XCTUnwrap(status.first { $0.partner == "ogif" && $0.nature == "Squat de cave" }, "the demo's unclassified nature")
        let categories = Set(demo.observatory.config.nomenclature.categories.map(\.id))
        let before = try Self.byCategory(demo.observatory, partner: "ogif")
        let unclassified = before.filter { !categories.contains($0.key) }
        XCTAssertEqual(unclassified.count, 1, "\(before)")
        let moved = try XCTUnwrap(unclassified.first?.value)
        let partners = demo.config.appendingPathComponent("partners.yaml")
        let yaml = try String(contentsOf: partners, encoding: .utf8)
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            let page = DemoSite.text(try await s.get(client, "/classement"))
            XCTAssertTrue(page.contains("<td>« Squat de cave »</td>"), page)
            XCTAssertTrue(page.contains("<td class=\"n\">\(squat.rows)</td>"), page)
            XCTAssertTrue(page.contains("<option value=\"occupations-halls\">Occupations de halls</option>")
                          || page.contains("<option value=\"occupations-halls\">"), page)
            let response = try await s.post(client, "/classement", ["partner": "ogif", "feed": "incidents-residences",
                                                                    "nature": "Squat de cave", "category": "occupations-halls"])
            let done = DemoSite.text(response)
            XCTAssertEqual(response.status, .ok, done)
            XCTAssertTrue(done.contains("« Squat de cave » est classé"), done)
            XCTAssertFalse(done.contains("<td>« Squat de cave »</td>"), done)
        }
        let fresh = try Observatory(configDirectory: demo.config, databasePath: demo.observatory.store.path)
        XCTAssertFalse(try ShowStatus().run(fresh).todo.unclassified.contains { $0.partner == "ogif" && $0.nature == "Squat de cave" })
        let after = try Self.byCategory(fresh, partner: "ogif")
        XCTAssertEqual(after["occupations-halls"], (before["occupations-halls"] ?? 0) + moved)
        XCTAssertTrue(after.keys.allSatisfy(categories.contains), "\(after)")
        // OGIF's list is shared (*bailleurs): merged for OGIF alone; Créteil Habitat's is unchanged.
        let written = try String(contentsOf: partners, encoding: .utf8)
        XCTAssertTrue(written.contains("        natures:\n          <<: *bailleurs\n          Squat de cave: occupations-halls\n"), written)
        XCTAssertEqual(try fresh.config.feed(partner: "ogif", feed: "incidents-residences").natures["Squat de cave"], "occupations-halls")
        XCTAssertNil(try fresh.config.feed(partner: "creteil-habitat", feed: "incidents-residences").natures["Squat de cave"])
        XCTAssertEqual(written.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") },
                       yaml.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") })
        let backups = try FileManager.default.contentsOfDirectory(atPath: demo.config.path).filter { $0.hasPrefix("partners.yaml.") && $0.hasSuffix(".bak") }
        XCTAssertEqual(backups.count, 1)
        XCTAssertEqual(try String(contentsOf: demo.config.appendingPathComponent(backups[0]), encoding: .utf8), yaml)
    }

    func testAPartnersTextIsShownAsTextAndWrittenQuoted() async throws {
        let demo = try DemoSite.make(for: self)
        // A RATP file whose nature is markup: loaded « non classé ».
        let sample = DemoSite.repo.appendingPathComponent("SampleData/strav/incidents-transport/strav_incidents_2026-10.csv")
        var lines = try String(contentsOf: sample, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init)
        var cells = lines[1].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        cells[4] = "<script>alert(1)</script>: « x »"
        lines[1] = cells.joined(separator: ";")
        let file = demo.directory.appendingPathComponent("strav_hostile.csv")
        try Data(lines.joined(separator: "\n").utf8).write(to: file)
        _ = try demo.observatory.ingest(file, partner: "strav", feed: "incidents-transport")
        let nature = cells[4]
        XCTAssertTrue(try ShowStatus().run(demo.observatory).todo.unclassified.contains { $0.nature == nature })
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            let page = DemoSite.text(try await s.get(client, "/classement"))
            XCTAssertTrue(page.contains(nature.htmlEscapedForTest), page)
            XCTAssertFalse(page.contains("<script>"))
            let response = try await s.post(client, "/classement", ["partner": "strav", "feed": "incidents-transport",
                                                                    "nature": nature, "category": "troubles-tranquillite"])
            XCTAssertEqual(response.status, .ok, DemoSite.text(response))
        }
        let fresh = try Observatory(configDirectory: demo.config, databasePath: demo.observatory.store.path)
        XCTAssertFalse(try ShowStatus().run(fresh).todo.unclassified.contains { $0.nature == nature })
        XCTAssertEqual(try fresh.config.feed(partner: "strav", feed: "incidents-transport").natures[nature], "troubles-tranquillite")
        XCTAssertNil(try fresh.config.feed(partner: "ratp", feed: "incidents-transport").natures[nature])
    }

    func testRefusedClassementsChangeNothing() async throws {
        let demo = try DemoSite.make(for: self)
        let partners = demo.config.appendingPathComponent("partners.yaml")
        let yaml = try Data(contentsOf: partners)
        let ok = ["partner": "ogif", "feed": "incidents-residences", "nature": "Squat de cave", "category": "occupations-halls"]
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            let forged = try await client.execute(uri: "/classement", method: .post, headers: s.headers, body: DemoSite.form(ok))
            XCTAssertEqual(forged.status, .forbidden)
            for (field, value) in [("category", "inconnue"), ("category", ""), ("nature", "Rixe"), ("feed", "autre"), ("nature", String(repeating: "x", count: 600))] {
                var fields = ok
                fields[field] = value
                let response = try await s.post(client, "/classement", fields)
                XCTAssertEqual(response.status, .badRequest, "\(field)=\(value.prefix(20))")
                XCTAssertTrue(DemoSite.text(response).contains("Rien n&#39;a été modifié")
                              || DemoSite.text(response).contains("Formulaire incomplet"), DemoSite.text(response))
            }
        }
        XCTAssertEqual(try Data(contentsOf: partners), yaml)
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: demo.config.path).allSatisfy { !$0.hasSuffix(".bak") })
        XCTAssertTrue(try ShowStatus().run(demo.observatory).todo.unclassified.contains { $0.nature == "Squat de cave" })
    }
}
