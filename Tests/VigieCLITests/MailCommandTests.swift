import Foundation
import XCTest

/// `vigie mail weekly` run as the Monday cron runs it: the outbox, a sendmail command that
/// works (`tee`) and one that fails (`false`), and the dispatch log read with sqlite3.
final class MailCommandTests: XCTestCase {
    static let week = CLI.repo.appendingPathComponent("SampleData/police-nationale/faits-marquants/faits-marquants_2026-W47.csv")
    /// The communes of Config/recipients.yaml with their mayor's address.
    static let mayors = ["94002": "maire@mairie-alfortville.fr", "94028": "maire@ville-creteil.fr", "94044": "maire@limeil-brevannes.fr"]

    func storeWithWeek47() throws -> CLI {
        let cli = try CLI()
        let ingest = try cli.run(["ingest", Self.week.path, "--partner", "police-nationale", "--feed", "faits-marquants"])
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        return cli
    }

    func testTheOutboxHoldsOneMessagePerCommuneAndSendsNothing() throws {
        let cli = try storeWithWeek47()
        let outbox = cli.file("essai")
        let result = try cli.run(["mail", "weekly", "--week", "2026-W47", "--outbox", outbox.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: outbox.path).sorted()
        XCTAssertEqual(names, Self.mayors.keys.sorted().map { "weekly_2026-W47_\($0).eml" })
        for (insee, mayor) in Self.mayors {
            let file = outbox.appendingPathComponent("weekly_2026-W47_\(insee).eml")
            let text = try String(contentsOf: file, encoding: .utf8)
            XCTAssertTrue(text.contains("<\(mayor)>"), "\(insee): \(text.prefix(600))")
            XCTAssertTrue(text.contains("filename=\"weekly_2026-W47_\(insee)_faits-marquants.csv\""), insee)
            let mode = try FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? NSNumber
            XCTAssertEqual((mode?.intValue ?? 0) & 0o777, 0o600)
        }
        XCTAssertEqual(try cli.sql("SELECT result, COUNT(*) FROM dispatch GROUP BY result"), "outbox|3")
        // A dry run does not count as sent: the real send still goes.
        let mbox = cli.file("envoyes.mbox")
        let sent = try cli.run(["mail", "weekly", "--week", "2026-W47", "--send"], environment: ["VIGIE_SENDMAIL": "/usr/bin/tee -a \(mbox.path)"])
        XCTAssertEqual(sent.status, 0, sent.stderr)
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM dispatch WHERE result = 'sent'"), "3")
    }

    func testAWeekIsSentOnceUnlessResentAndAFailureIsNeverCountedAsSent() throws {
        let cli = try storeWithWeek47()
        let mbox = cli.file("envoyes.mbox")
        func messages() -> Int {
            let text = (try? String(contentsOf: mbox, encoding: .utf8)) ?? ""
            return text.components(separatedBy: "\r\nMessage-ID: <").count - 1
        }

        // The sendmail command fails: the first commune's message is logged as failed, and the run stops with an error.
        let failing = try cli.run(["mail", "weekly", "--week", "2026-W47", "--send"], environment: ["VIGIE_SENDMAIL": "/bin/false"])
        XCTAssertNotEqual(failing.status, 0)
        XCTAssertTrue(failing.stderr.contains("l'envoi a échoué"), failing.stderr)
        XCTAssertEqual(try cli.sql("SELECT scope || ':' || result FROM dispatch"), "94002:failed")

        // A working command: every commune is sent, the failed one included.
        let tee = ["VIGIE_SENDMAIL": "/usr/bin/tee -a \(mbox.path)"]
        let first = try cli.run(["mail", "weekly", "--week", "2026-W47", "--send"], environment: tee)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(messages(), 3)
        for mayor in Self.mayors.values { XCTAssertTrue(first.stdout.contains(mayor), first.stdout) }
        XCTAssertEqual(try cli.sql("SELECT group_concat(scope, ',') FROM (SELECT scope FROM dispatch WHERE result = 'sent' ORDER BY scope)"),
                       Self.mayors.keys.sorted().joined(separator: ","))

        // Monday's cron runs twice: nothing goes twice.
        let again = try cli.run(["mail", "weekly", "--week", "2026-W47", "--send"], environment: tee)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(messages(), 3)
        XCTAssertEqual(again.stdout.components(separatedBy: "déjà envoyé").count - 1, 3, again.stdout)

        // The coordinator resends to one commune.
        let resent = try cli.run(["mail", "weekly", "--week", "2026-W47", "--send", "--resend", "--commune", "94028"], environment: tee)
        XCTAssertEqual(resent.status, 0, resent.stderr)
        XCTAssertEqual(messages(), 4)
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM dispatch WHERE scope = '94028' AND result = 'sent'"), "2")
    }

    func testSendOrOutboxIsRequired() throws {
        let cli = try CLI()
        let neither = try cli.run(["mail", "weekly", "--week", "2026-W47"])
        XCTAssertEqual(neither.status, 2, neither.stderr)
        XCTAssertTrue(neither.stderr.hasPrefix("Erreur : Donnez --send ou --outbox"), neither.stderr)
        let badWeek = try cli.run(["mail", "weekly", "--week", "2026-11", "--outbox", cli.file("o").path])
        XCTAssertNotEqual(badWeek.status, 0)
        XCTAssertTrue(badWeek.stderr.contains("semaine"), badWeek.stderr)
    }
}
