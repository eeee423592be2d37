import Foundation
import XCTest

/// The real public workbook of data.gouv.fr (`../shared/data`), loaded whole through the CLI.
/// Known totals were computed from the workbook's XML with an independent script (Python's
/// zipfile and ElementTree): every numeric cell of the 18 sheets, and the published sums.
final class PublicWorkbookTests: XCTestCase {
    static let cells = 997_047
    static let grandTotal = 32_141_587
    static let sheetTotals: [String: Int] = [
        "2012": 2_398_494 + 1_078_807, "2016": 2_381_616 + 1_168_924, "2020": 2_186_476 + 1_141_261,
    ]
    /// Sums of columns of the three services of the Plaine Centrale, sheets `Services PN YYYY`.
    static let serviceTotals: [String: Int] = [
        "DTSP94 CRETEIL|2020": 7461, "DTSP94 CRETEIL|2012": 6861, "DTSP94 CRETEIL|2018": 10066,
        "DTSP94 ALFORTVILLE|2020": 3021, "DTSP94 ALFORTVILLE|2015": 2894,
        "DTSP94 BOISSY ST LEGER|2020": 3844, "DTSP94 BOISSY ST LEGER|2013": 4308,
    ]

    func testTheWholeWorkbookLoadsAndExtractsGiveTheWorkbooksSums() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: CLI.workbook.path), "shared/data absent")
        let cli = try CLI()
        let load = try cli.run(["ingest", CLI.workbook.path, "--partner", "ssmsi", "--feed", "etat4001-services", "--json"])
        XCTAssertEqual(load.status, 0, load.stdout + load.stderr)
        let report = try XCTUnwrap((JSONSerialization.jsonObject(with: Data(load.stdout.utf8)) as? [[String: Any]])?.first)
        XCTAssertEqual(report["values_loaded"] as? Int, Self.cells)
        XCTAssertEqual(report["rows_read"] as? Int, 18 * 107)
        XCTAssertEqual(report["periods"] as? [String], (2012...2020).map(String.init))

        let byYear = try cli.run(["extract", "counts", "--feed", "etat4001-services", "--by", "period"])
        let byYearCSV = FrenchCSV(byYear.stdout)
        XCTAssertEqual(byYearCSV.header, ["période", "nombre"])
        let years = Dictionary(uniqueKeysWithValues: byYearCSV.rows.map { ($0[0], Int($0[1]) ?? -1) })
        XCTAssertEqual(years.values.reduce(0, +), Self.grandTotal)
        for (year, total) in Self.sheetTotals { XCTAssertEqual(years[year], total, year) }

        let byService = try cli.run(["extract", "counts", "--feed", "etat4001-services", "--by", "unit,period", "--format", "csv"])
        let byServiceCSV = FrenchCSV(byService.stdout)
        XCTAssertEqual(byServiceCSV.header, ["service", "période", "nombre"])
        let services = Dictionary(uniqueKeysWithValues: byServiceCSV.rows.map { ("\($0[0])|\($0[1])", Int($0[2]) ?? -1) })
        for (key, total) in Self.serviceTotals { XCTAssertEqual(services[key], total, key) }

        // The Créteil service maps to its commune, so a commune extract sees the same number.
        let commune = try cli.run(["extract", "counts", "--feed", "etat4001-services", "--by", "commune,period", "--from", "2020", "--to", "2020"])
        XCTAssertTrue(FrenchCSV(commune.stdout).rows.contains(["94028", "Créteil", "2020", "7461"]), commune.stdout)

        // Loading the same workbook again changes nothing.
        let again = try cli.run(["ingest", CLI.workbook.path, "--partner", "ssmsi", "--feed", "etat4001-services"])
        XCTAssertEqual(again.status, 0)
        XCTAssertTrue(again.stdout.contains("déjà intégré"), again.stdout)
        XCTAssertEqual(try cli.run(["extract", "counts", "--feed", "etat4001-services", "--by", "unit,period"]).stdout, byService.stdout)
    }

    func testAProcessKilledInTheMiddleOfALoadLeavesTheStoreAsItWasThenTheLoadCompletes() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: CLI.workbook.path), "shared/data absent")
        let cli = try CLI()
        XCTAssertEqual(try cli.run(["init"]).status, 0)
        let (process, _, _) = try cli.start(["ingest", CLI.workbook.path, "--partner", "ssmsi", "--feed", "etat4001-services"])
        // Kill once the load has written into the open transaction (the WAL file grows).
        let wal = cli.db + "-wal"
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, process.isRunning {
            let size = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
            if size > 4_000_000 { break }
            usleep(20_000)
        }
        XCTAssertTrue(process.isRunning, "the load ended before it could be killed: the test proves nothing")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)

        let text = try cli.sql("PRAGMA integrity_check; SELECT COUNT(*) FROM submission; SELECT COUNT(*) FROM count_value;")
        XCTAssertEqual(text.split(separator: "\n"), ["ok", "0", "0"], "store after the kill: \(text)")

        let rerun = try cli.run(["ingest", CLI.workbook.path, "--partner", "ssmsi", "--feed", "etat4001-services", "--json"])
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stdout.contains("\"values_loaded\" : \(Self.cells)"), rerun.stdout)
        let total = try cli.run(["extract", "counts", "--feed", "etat4001-services", "--by", "feed"])
        XCTAssertEqual(FrenchCSV(total.stdout).rows.last, ["etat4001-services", "\(Self.grandTotal)"])
    }
}
