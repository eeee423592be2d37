import Foundation
import XCTest

/// `vigie bulletin`, `vigie diagnostic` and `vigie comment` run as a user runs them.
final class BulletinCommandTests: XCTestCase {
    func testCommentsAreAddedListedAndRemoved() throws {
        let cli = try CLI()
        let added = try cli.run(["comment", "add", "--bulletin", "weekly", "--period", "2026-W47", "--commune", "94028", "Réunion du GLTD jeudi."])
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertTrue(added.stdout.contains("Commentaire n° 1"), added.stdout)
        let listed = try cli.run(["comment", "list"])
        XCTAssertTrue(listed.stdout.contains("n° 1 — weekly 2026-W47 (94028) : Réunion du GLTD jeudi."), listed.stdout)
        XCTAssertEqual(try cli.run(["comment", "remove", "1"]).status, 0)
        XCTAssertTrue(try cli.run(["comment", "list"]).stdout.contains("Aucun commentaire."))
        let gone = try cli.run(["comment", "remove", "1"])
        XCTAssertEqual(gone.status, 2)
        XCTAssertTrue(gone.stderr.contains("aucun commentaire n° 1"), gone.stderr)
    }

    func testBulletinsAreWrittenUnderTheirNamesAndBadPeriodsRefused() throws {
        let cli = try CLI()
        let out = cli.file("sortie").path
        let weekly = try cli.run(["bulletin", "weekly", "--week", "2026-W47", "--out", out])
        XCTAssertEqual(weekly.status, 0, weekly.stderr)
        let monthly = try cli.run(["bulletin", "monthly", "--month", "2026-10", "--out", out])
        XCTAssertEqual(monthly.status, 0, monthly.stderr)
        let diagnostic = try cli.run(["diagnostic", "--commune", "94044", "--from", "2026-01", "--to", "2026-03", "--out", out])
        XCTAssertEqual(diagnostic.status, 0, diagnostic.stderr)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: out))
        for name in ["weekly_2026-W47_94002.html", "weekly_2026-W47_94028.md", "weekly_2026-W47_94044_totaux.csv",
                     "monthly_2026-10.html", "monthly_2026-10.md", "monthly_2026-10_categories.csv",
                     "diagnostic_2026-01_2026-03_94044.html"] {
            XCTAssertTrue(names.contains(name), "\(name) not in \(names.sorted())")
        }
        let bad = try cli.run(["bulletin", "weekly", "--week", "2026-10"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("n'est pas une semaine"), bad.stderr)
        // A period not begun is refused, in French, as a usage error.
        let future = try cli.run(["bulletin", "monthly", "--month", "2099-01", "--out", out])
        XCTAssertEqual(future.status, 2)
        XCTAssertTrue(future.stderr.contains("n'a pas commencé"), future.stderr)
        let both = try cli.run(["diagnostic", "--commune", "94044", "--quartier", "cre-palais", "--from", "2026-01", "--to", "2026-03"])
        XCTAssertEqual(both.status, 2)
    }
}
