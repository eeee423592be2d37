import Foundation
import VigieCore
import VigiePipeline
import VigieStore
import XCTest

/// The demo's data request (Créteil, S1 2026: the police's faits marquants by secteur under its
/// reservation, Créteil Habitat's incidents by quartier), fulfilled from the sample files and
/// attacked from its CSV files alone, as an analyst would.
final class PackageAttackTests: XCTestCase {
    func testTheDemoRequestPackageWithstandsTheAttack() throws {
        let fixture = try ReportsFixture()
        let sample = ReportsFixture.repo.appendingPathComponent("SampleData")
        for week in 1...27 {
            let url = sample.appendingPathComponent(String(format: "police-nationale/faits-marquants/faits-marquants_2026-W%02d.csv", week))
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            _ = try fixture.observatory.ingest(url, partner: "police-nationale", feed: "faits-marquants")
        }
        for month in 1...6 {
            let url = sample.appendingPathComponent(String(format: "creteil-habitat/incidents-residences/ch_incidents_2026-%02d.csv", month))
            _ = try fixture.observatory.ingest(url, partner: "creteil-habitat", feed: "incidents-residences")
        }
        // The sample has homicides or attempts in Créteil this semester: the secteur table must not place them.
        let homicides = try fixture.observatory.store.incidentTotals(by: [.commune, .category], partner: "police-nationale", feed: "faits-marquants",
                                                                     from: CivilDate(year: 2026, month: 1, day: 1), to: CivilDate(year: 2026, month: 6, day: 30))
            .filter { $0.keys == ["94028", "homicides"] }.reduce(0) { $0 + $1.total }
        XCTAssertGreaterThan(homicides, 0, "the sample has homicides in Créteil")

        let (created, fulfilled) = try Demo.sampleRequest(fixture.observatory, out: fixture.directory.appendingPathComponent("demandes"),
                                                          outbox: fixture.directory.appendingPathComponent("envois"))
        let folder = fixture.directory.appendingPathComponent("demandes").appendingPathComponent(created.request.id)
        let tables = fulfilled.files.filter { $0.hasSuffix(".csv") && !$0.hasSuffix("_cellules.csv") }.map { folder.appendingPathComponent($0) }
        XCTAssertEqual(tables.map(\.lastPathComponent).sorted(), ["creteil-habitat_incidents-residences.csv", "police-nationale_faits-marquants.csv"])
        // The two tables count different feeds: no count is in both, so attacking each alone is attacking both together.
        var hidden = 0
        for url in tables {
            let (header, texts, columns) = try Self.read(url)
            let table = Attacker.Table(texts: texts, minCell: 5)
            let R = texts.count - 1, C = texts[0].count - 1
            let bound = Int(texts[R][C]) ?? 10_000
            for r in 0...R {
                for c in 0...C where Attacker.isHidden(texts[r][c]) {
                    hidden += 1
                    let text = texts[r][c]
                    if text == "< 5" {
                        XCTAssertTrue(Attacker.feasible(table, row: r, column: c, value: 1), "\(url.lastPathComponent) (\(r), \(c)) « < 5 » cannot be 1")
                        XCTAssertTrue(Attacker.feasible(table, row: r, column: c, value: 4), "\(url.lastPathComponent) (\(r), \(c)) « < 5 » cannot be 4")
                    } else if Attacker.maySmall(texts, r, c, minCell: 5) {
                        let range = Attacker.range(table, row: r, column: c, bound: bound)
                        XCTAssertNotNil(range)
                        XCTAssertGreaterThanOrEqual(range?.upperBound ?? 0, 4, "\(url.lastPathComponent) (\(r), \(c)) small « s »: \(String(describing: range))")
                    } else {
                        let range = Attacker.range(table, row: r, column: c, bound: bound)
                        XCTAssertGreaterThanOrEqual(range?.count ?? 0, 2, "\(url.lastPathComponent) (\(r), \(c)) « s » is exact: \(String(describing: range))")
                    }
                }
            }
            if url.lastPathComponent.hasPrefix("police-nationale") {
                XCTAssertEqual(header["Regroupement"], ["par secteur × catégorie"])
                XCTAssertFalse(columns.contains("Homicides et tentatives"), "\(columns)")
                XCTAssertTrue(header["Note"]?.contains { $0.hasPrefix("homicides et tentatives : publiés seulement à la commune") } ?? false, "\(header)")
            }
        }
        XCTAssertGreaterThan(hidden, 0, "the attack had something to attack")

        // The manifest records the audit: method, every hidden entry's range, the entries added.
        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifeste.json"))) as? [String: Any])
        let feeds = try XCTUnwrap(manifest["flux"] as? [[String: Any]])
        var recorded = 0
        for feed in feeds where feed["statut"] as? String == "fourni" {
            let audit = try XCTUnwrap(feed["controle"] as? [String: Any])
            XCTAssertTrue((audit["methode"] as? String)?.contains("programmation linéaire") ?? false)
            XCTAssertEqual(audit["resultat"] as? String, "aucune case masquée n'est encadrée plus étroitement que sa protection")
            let cells = try XCTUnwrap(audit["cases_protegees"] as? [[String: Any]])
            XCTAssertEqual(cells.count, feed["cases_masquees"] as? Int)
            recorded += cells.count
            XCTAssertNotNil(audit["masquages_ajoutes"] as? [[String: Any]])
        }
        XCTAssertEqual(recorded, hidden)
    }

    /// A package CSV: its header lines, its table's texts (margins last) and its column names.
    static func read(_ url: URL) throws -> (header: [String: [String]], texts: [[String]], columns: [String]) {
        let text = String(decoding: try Data(contentsOf: url).dropFirst(3), as: UTF8.self)
        var header: [String: [String]] = [:], table: [[String]] = []
        var inTable = false
        for line in text.components(separatedBy: "\r\n").dropLast() {
            let fields = Self.fields(line)
            if line.isEmpty { inTable = true } else if inTable { table.append(fields) } else { header[fields[0], default: []].append(fields.dropFirst().joined(separator: ";")) }
        }
        return (header, table.dropFirst().map { Array($0.dropFirst()) }, table.first ?? [])
    }

    static func fields(_ line: String) -> [String] {
        var fields: [String] = [], current = "", quoted = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" { if chars.first == "\"" { current.append("\""); chars.removeFirst() } else { quoted = false } } else { current.append(c) }
            } else if c == "\"" { quoted = true } else if c == ";" { fields.append(current); current = "" } else { current.append(c) }
        }
        return fields + [current]
    }
}
