import Foundation
import VigieFixtures
import XCTest

/// `vigie ingest`, `status` and `extract counts` run as a user runs them.
final class IngestCommandTests: XCTestCase {
    /// Rows of a local monthly état 4001 for the three communes, with a deterministic value per cell.
    static func monthlyRows(_ month: String, value: (Int, Int) -> Int) -> [[String]] {
        var rows: [[String]] = [["État 4001 — Plaine Centrale — \(month)"], [], ["Index", "Libellé", "Alfortville", "Créteil", "Limeil-Brévannes"]]
        for i in 1...107 {
            let used = ![96, 97, 99, 100].contains(i)
            rows.append([String(i), "Libellé à l'index \(i) — « œuvre » €"] + (0..<3).map { String(used ? value(i, $0) : 0) })
        }
        return rows
    }

    /// Sum of one commune column (0, 1, 2) of `rows` as written.
    static func columnSum(_ rows: [[String]], _ column: Int) -> Int {
        rows.dropFirst(3).reduce(0) { $0 + (Int($1[2 + column]) ?? 0) }
    }

    func testUsageAndConfigurationErrorsExitWith2() throws {
        let cli = try CLI()
        let missing = try cli.run(["ingest", "x.csv", "--feed", "etat4001"])
        XCTAssertEqual(missing.status, 2, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("--partner"), missing.stderr)

        let badPeriod = try cli.run(["ingest", "x.csv", "--partner", "police-nationale", "--feed", "etat4001", "--period", "2026-13"])
        XCTAssertEqual(badPeriod.status, 2)
        XCTAssertTrue(badPeriod.stderr.contains("n'est pas une période"), badPeriod.stderr)

        let noConfig = try cli.run(["status", "--config", cli.file("nowhere").path, "--db", cli.db], store: false)
        XCTAssertEqual(noConfig.status, 2)
        XCTAssertTrue(noConfig.stderr.contains("dossier de configuration introuvable"), noConfig.stderr)

        let unknownFeed = try cli.run(["ingest", "x.csv", "--partner", "police-nationale", "--feed", "nope"])
        XCTAssertEqual(unknownFeed.status, 2)
        XCTAssertTrue(unknownFeed.stderr.contains("flux inconnu"), unknownFeed.stderr)
    }

    func testAWindows1252AUTF8BOMAndAUTF16FileWithTheSameContentLoadToTheSameNumbers() throws {
        let cli = try CLI()
        let encodings: [(String, CSVWriter.Encoding, String)] = [
            ("2026-08", .windows1252, ";"), ("2026-09", .utf8BOM, ","), ("2026-10", .utf16LEBOM, ";"),
        ]
        let rows = Self.monthlyRows("") { i, c in (i * 3 + c * 11) % 17 }
        for (month, encoding, delimiter) in encodings {
            let url = cli.file("etat4001_\(month).csv")
            try CSVWriter.write(url, rows: rows, delimiter: Character(delimiter), encoding: encoding)
            let result = try cli.run(["ingest", url.path, "--partner", "police-nationale", "--feed", "etat4001"])
            XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
            XCTAssertTrue(result.stdout.contains("lignes lues : 107, chargées : 107, rejetées : 0"), result.stdout)
        }
        let extract = try cli.run(["extract", "counts", "--by", "period,commune"])
        XCTAssertEqual(extract.status, 0, extract.stderr)
        var expected = [["période", "code INSEE", "commune", "nombre"]]
        for (month, _, _) in encodings {
            for (column, (insee, name)) in [("94002", "Alfortville"), ("94028", "Créteil"), ("94044", "Limeil-Brévannes")].enumerated() {
                expected.append([month, insee, name, "\(Self.columnSum(rows, column))"])
            }
        }
        let csv = FrenchCSV(extract.stdout)
        XCTAssertEqual([csv.header] + csv.rows, expected)
    }

    func testRejectedRowsExit1AndTheJSONReportNamesRowColumnAndReason() throws {
        let cli = try CLI()
        var rows = Self.monthlyRows("octobre 2026") { _, _ in 1 }
        rows[3 + 12 - 1][3] = "2,5" // index 12, Créteil (column D)
        let url = cli.file("etat4001_2026-10.csv")
        try CSVWriter.write(url, rows: rows, delimiter: ";", encoding: .windows1252)
        // The police feed tolerates no rejected row: the file is refused whole.
        let refused = try cli.run(["ingest", url.path, "--partner", "police-nationale", "--feed", "etat4001", "--json"])
        XCTAssertEqual(refused.status, 1)
        let reports = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(refused.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(reports.first?["status"] as? String, "refused")
        let message = try XCTUnwrap(reports.first?["message"] as? String)
        XCTAssertTrue(message.contains("ligne 15, colonne D"), message)
        XCTAssertTrue(message.contains("2,5"), message)

        // The public feed tolerates rejects: the row is quarantined, the rest loads.
        let loaded = try cli.run(["ingest", url.path, "--partner", "ssmsi", "--feed", "etat4001-ts", "--period", "2026-10", "--json"])
        XCTAssertEqual(loaded.status, 1, loaded.stderr)
        let report = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(loaded.stdout.utf8)) as? [[String: Any]])?.first)
        XCTAssertEqual(report["status"] as? String, "loaded")
        XCTAssertEqual(report["rows_rejected"] as? Int, 1)
        let reject = try XCTUnwrap((report["rejects"] as? [[String: Any]])?.first)
        XCTAssertEqual(reject["row"] as? Int, 15)
        XCTAssertEqual(reject["column"] as? String, "D")
        XCTAssertEqual(reject["value"] as? String, "2,5")

        let status = try cli.run(["status", "--json"])
        XCTAssertEqual(status.status, 0)
        XCTAssertTrue(status.stdout.contains("\"status\" : \"refused\""), status.stdout)
        let summary = try cli.run(["status"]).stdout
        XCTAssertTrue(summary.contains("Fichiers refusés à faire renvoyer (1) :"), summary)
        XCTAssertTrue(summary.contains("« etat4001_2026-10.csv » (police-nationale/etat4001, reçu le "), summary)
        XCTAssertFalse(summary.contains("REFUSÉ"), "the summary leaves the ledger to --ledger: " + summary)
        let text = try cli.run(["status", "--ledger"])
        XCTAssertTrue(text.stdout.contains("REFUSÉ"), text.stdout)
        XCTAssertTrue(text.stdout.contains("rejet : ligne 15, colonne D"), text.stdout)
    }

    func testLoadingTheSameFileTwiceChangesNothingAndACorrectionReplacesIt() throws {
        let cli = try CLI()
        let first = Self.monthlyRows("octobre 2026") { i, c in i % 4 + c }
        let corrected = Self.monthlyRows("octobre 2026") { i, c in i % 6 + c }
        let url1 = cli.file("etat4001_2026-10.csv"), url2 = cli.file("etat4001_2026-10_v2.xlsx")
        try CSVWriter.write(url1, rows: first, delimiter: ";", encoding: .windows1252)
        try XLSXWriter.write(url2, sheets: [(name: "Octobre 2026", rows: corrected.map { $0.map { XLSXValue.text($0) } })])

        XCTAssertEqual(try cli.run(["ingest", url1.path, "--partner", "police-nationale", "--feed", "etat4001"]).status, 0)
        let before = try cli.run(["extract", "counts", "--by", "period,unit,code"]).stdout
        let again = try cli.run(["ingest", url1.path, "--partner", "police-nationale", "--feed", "etat4001"])
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stdout.contains("déjà intégré"), again.stdout)
        XCTAssertEqual(try cli.run(["extract", "counts", "--by", "period,unit,code"]).stdout, before)

        let replaced = try cli.run(["ingest", url2.path, "--partner", "police-nationale", "--feed", "etat4001"])
        XCTAssertEqual(replaced.status, 0, replaced.stdout)
        XCTAssertTrue(replaced.stdout.contains("remplace le dépôt n° 1"), replaced.stdout)
        let after = try cli.run(["extract", "counts", "--by", "commune", "--format", "json"])
        let objects = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(objects.first { $0["commune"] as? String == "94028" }?["count"] as? Int, Self.columnSum(corrected, 1))
        let ledger = try cli.run(["status", "--json"]).stdout
        XCTAssertTrue(ledger.contains("\"status\" : \"superseded\""), ledger)
        XCTAssertTrue(ledger.contains("\"status\" : \"loaded\""), ledger)
    }
}
