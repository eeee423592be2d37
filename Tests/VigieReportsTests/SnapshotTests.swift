import Foundation
import VigieCore
@testable import VigiePipeline
import VigieReports
import XCTest

/// Bulletins and request packages are built from one state of the store: a file loaded while
/// they are being written shows in none of them, and in all of them on the next run.
final class SnapshotTests: XCTestCase {
    static func october(_ n: Int) -> [[String]] {
        [ReportsFixture.pmHeader] + ReportsFixture.policeMunicipale(n, year: 2026, month: 10, address: "Place Salvador Allende")
    }

    func testAFileLoadedWhileBulletinsAreWrittenShowsInNoneOfThemUntilTheNextRun() throws {
        let f = try ReportsFixture()
        let october = Self.october
        try f.load("pm_94028_2026-10.csv", partner: "mairie-creteil", feed: "police-municipale", october(12))

        let out = f.directory.appendingPathComponent("bulletins")
        let bulletins = try Bulletins(f.observatory, out: out)
        // A corrected October file (30 rows instead of 12) is loaded after the run has begun.
        try f.load("pm_94028_2026-10_v2.csv", partner: "mairie-creteil", feed: "police-municipale", october(30))
        let during = try MonthlyBulletin.build(month: .month(2026, 10), context: bulletins.context)
        let next = try MonthlyBulletin.build(month: .month(2026, 10), context: f.context)

        func palais(_ m: MonthlyBulletin) -> String? {
            m.areas.first { $0.scope == "94028" }?.places.first { $0.name == "Palais" }?.current
        }
        XCTAssertEqual(palais(during), "12", "the run sees the store as it began")
        XCTAssertEqual(palais(next), "30", "the next run sees the correction")
    }

    func testAFileLoadedWhileARequestPackageIsWrittenIsNotInItUntilTheNextPackage() throws {
        let f = try ReportsFixture()
        try f.load("pm_94028_2026-10.csv", partner: "mairie-creteil", feed: "police-municipale", Self.october(12))
        let requests = DataRequests(f.observatory)
        let request = try requests.create(requester: .named("Bailleur social"), purpose: "diagnostic", data: ["mairie-creteil/police-municipale"],
                                          from: .month(2026, 10), to: .month(2026, 10), area: nil, by: "commune")
        try requests.answer(request.id, owner: "mairie-creteil", grant: true, reason: nil, reservation: nil, rules: [])

        let package = try RequestPackage(f.observatory)
        // The corrected October file (30 rows instead of 12) is loaded after the package was begun.
        try f.load("pm_94028_2026-10_v2.csv", partner: "mairie-creteil", feed: "police-municipale", Self.october(30))
        let during = try package.fulfil(request.id, out: f.directory.appendingPathComponent("pendant"))
        let next = try RequestPackage(f.observatory).fulfil(request.id, out: f.directory.appendingPathComponent("apres"))

        /// The total of Créteil in the package's table of the feed (`;`-separated, CRLF lines).
        func creteil(_ written: RequestPackage.Written) throws -> String? {
            let csv = try XCTUnwrap(written.files.first { $0.lastPathComponent == "mairie-creteil_police-municipale.csv" })
            let line = try String(contentsOf: csv, encoding: .utf8).split(whereSeparator: \.isNewline).first { $0.hasPrefix("Créteil") }
            return line?.split(separator: ";").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        }
        XCTAssertEqual(try creteil(during), "12", "the package holds the store as it was begun")
        XCTAssertEqual(try creteil(next), "30", "the next package holds the correction")
    }
}
