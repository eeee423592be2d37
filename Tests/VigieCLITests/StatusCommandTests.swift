import Foundation
import XCTest

/// `vigie status`: the morning summary first, in under a screen; the ledger with --ledger.
final class StatusCommandTests: XCTestCase {
    /// A new store: every feed with a `since` period is late for every period since; the summary
    /// names as many late feeds as partners.yaml has feeds with `since`, shows six with their contact,
    /// and fits in a screen.
    func testTheSummaryOfAnEmptyStoreListsTheLateFeedsWithTheirContactInUnderAScreen() throws {
        let cli = try CLI()
        let config = try String(contentsOf: CLI.repo.appendingPathComponent("Config/partners.yaml"), encoding: .utf8)
        let feedsWithSince = config.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("since:") }.count
        XCTAssertGreaterThan(feedsWithSince, 6)
        let policeEmail = try XCTUnwrap(config.firstMatch(of: /email: (dtsp[^,} ]+)/)?.1)

        let status = try cli.run(["status"])
        XCTAssertEqual(status.status, 0, status.stderr)
        let lines = status.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertLessThanOrEqual(lines.count, 40, status.stdout)
        XCTAssertTrue(status.stdout.hasPrefix("À faire aujourd'hui, "), status.stdout)
        XCTAssertTrue(status.stdout.contains("Envois en retard (\(feedsWithSince))"), status.stdout)
        XCTAssertTrue(status.stdout.contains("… et \(feedsWithSince - 6) autre(s) (vigie status --ledger)"), status.stdout)
        XCTAssertTrue(status.stdout.contains(String(policeEmail)), status.stdout)
        XCTAssertEqual(lines.filter { $0.hasPrefix("  ✘ ") }.count, 6, status.stdout)

        // Last week's faits marquants wait for the police file before they can be approved.
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        let lastWeek = calendar.dateComponents([.yearForWeekOfYear, .weekOfYear], from: Date(timeIntervalSinceNow: -7 * 86_400))
        let week = String(format: "%04d-W%02d", lastWeek.yearForWeekOfYear!, lastWeek.weekOfYear!)
        XCTAssertTrue(status.stdout.contains("Faits marquants à approuver avant l'envoi :\n  \(week) (Alfortville, Créteil, Limeil-Brévannes) : attend le fichier « faits-marquants »"), status.stdout)

        let ledger = try cli.run(["status", "--ledger"])
        XCTAssertTrue(ledger.stdout.hasPrefix(status.stdout.components(separatedBy: "\n\nLe registre complet").first ?? "-"), ledger.stdout)
        XCTAssertTrue(ledger.stdout.contains("Registre des envois :"), ledger.stdout)
        XCTAssertTrue(ledger.stdout.contains("aucun fichier reçu"), ledger.stdout)
        XCTAssertGreaterThan(ledger.stdout.split(separator: "\n").count, lines.count + 20)

        let json = try JSONSerialization.jsonObject(with: Data(try cli.run(["status", "--json"]).stdout.utf8)) as? [String: Any]
        let late = try XCTUnwrap((json?["todo"] as? [String: Any])?["late"] as? [[String: Any]])
        XCTAssertEqual(late.count, feedsWithSince)
        XCTAssertNotNil((json?["ledger"] as? [String: Any])?["feeds"])
    }
}
