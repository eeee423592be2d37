import Foundation
import XCTest

/// `vigie mail weekly` run as the Monday cron runs it: the outbox, a sendmail command that
/// works (`tee`) and one that fails (`false`), and the dispatch log read with sqlite3.
final class MailCommandTests: XCTestCase {
    static let week = CLI.repo.appendingPathComponent("SampleData/police-nationale/faits-marquants/faits-marquants_2026-W47.csv")
    /// The communes of Config/recipients.yaml with their mayor's address.
    static let mayors = ["94002": "maire@mairie-alfortville.fr", "94028": "maire@ville-creteil.fr", "94044": "maire@limeil-brevannes.fr"]

    /// A store with the police faits marquants of 2026-W47, its three messages approved unless `approved` is false.
    func storeWithWeek47(approved: Bool = true) throws -> CLI {
        let cli = try CLI()
        let ingest = try cli.run(["ingest", Self.week.path, "--partner", "police-nationale", "--feed", "faits-marquants"])
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        if approved {
            let approve = try cli.run(["mail", "weekly", "--week", "2026-W47", "--approve"])
            XCTAssertEqual(approve.status, 0, approve.stdout + approve.stderr)
        }
        return cli
    }

    /// The `.eml` files of an outbox folder (none when it was never created).
    func emails(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
    }

    /// Without the police faits marquants of the week (due the Tuesday after it), the weekly is
    /// neither approved nor sent, and says which file is missing and when it was due; --force
    /// approves it, and an approved week still needs --force to leave while the file is missing.
    func testAWeekWithoutThePoliceFileIsRefusedUntilForced() throws {
        let cli = try CLI()
        // The week 2026-W47 runs from Monday 16 to Sunday 22 November 2026; the file is due on Tuesday 24.
        let due = "mardi 24 novembre 2026"
        let outbox = cli.file("essai")
        let approve = try cli.run(["mail", "weekly", "--week", "2026-W47", "--approve"])
        XCTAssertEqual(approve.status, 1, approve.stdout + approve.stderr)
        XCTAssertTrue(approve.stdout.contains("police-nationale/faits-marquants"), approve.stdout)
        XCTAssertTrue(approve.stdout.contains("attendu le \(due)"), approve.stdout)
        XCTAssertTrue(approve.stdout.contains("non approuvée"), approve.stdout)
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM approval"), "0")
        let send = try cli.run(["mail", "weekly", "--week", "2026-W47", "--outbox", outbox.path])
        XCTAssertEqual(send.status, 1, send.stdout + send.stderr)
        XCTAssertTrue(send.stdout.contains("attendu le \(due)") && send.stdout.contains("non envoyée"), send.stdout)
        XCTAssertEqual(emails(outbox), [])
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM dispatch"), "0")

        let forcedApproval = try cli.run(["mail", "weekly", "--week", "2026-W47", "--approve", "--force"])
        XCTAssertEqual(forcedApproval.status, 0, forcedApproval.stdout + forcedApproval.stderr)
        XCTAssertEqual(try cli.sql("SELECT COUNT(DISTINCT scope) FROM approval"), "3")
        let approvedOnly = try cli.run(["mail", "weekly", "--week", "2026-W47", "--outbox", outbox.path])
        XCTAssertEqual(approvedOnly.status, 1, approvedOnly.stdout)
        XCTAssertEqual(emails(outbox), [])
        let forced = try cli.run(["mail", "weekly", "--week", "2026-W47", "--outbox", outbox.path, "--force"])
        XCTAssertEqual(forced.status, 0, forced.stdout + forced.stderr)
        XCTAssertEqual(emails(outbox), Self.mayors.keys.sorted().map { "weekly_2026-W47_\($0).eml" })
    }

    /// Only the approved commune's message goes; the others are held and listed (exit 1). A comment
    /// added after the approval changes the message: it is held again until approved again.
    func testOnlyApprovedUnchangedMessagesGo() throws {
        let cli = try storeWithWeek47(approved: false)
        // The commune by its name, without its accent and in lower case.
        let approve = try cli.run(["mail", "weekly", "--week", "2026-W47", "--approve", "--commune", "creteil"])
        XCTAssertEqual(approve.status, 0, approve.stdout + approve.stderr)
        XCTAssertEqual(try cli.sql("SELECT scope FROM approval"), "94028")
        let first = cli.file("premier")
        let send = try cli.run(["mail", "weekly", "--week", "2026-W47", "--outbox", first.path])
        XCTAssertEqual(send.status, 1, send.stdout + send.stderr)
        XCTAssertEqual(emails(first), ["weekly_2026-W47_94028.eml"])
        for name in ["Alfortville", "Limeil-Brévannes"] {
            XCTAssertTrue(send.stdout.contains("en attente d'approbation : « Faits marquants — semaine 47 — \(name) »"), send.stdout)
        }
        XCTAssertTrue(send.stdout.contains("--approve --commune 94002"), send.stdout)

        let comment = try cli.run(["comment", "add", "--bulletin", "weekly", "--period", "2026-W47", "--commune", "94028",
                                   "Opération de tranquillité renforcée au Mont-Mesly."])
        XCTAssertEqual(comment.status, 0, comment.stderr)
        let second = cli.file("second")
        let changed = try cli.run(["mail", "weekly", "--week", "2026-W47", "--commune", "94028", "--outbox", second.path])
        XCTAssertEqual(changed.status, 1, changed.stdout + changed.stderr)
        XCTAssertTrue(changed.stdout.contains("changé depuis l'approbation"), changed.stdout)
        XCTAssertEqual(emails(second), [])

        // Approved again, it goes, with the comment.
        XCTAssertEqual(try cli.run(["mail", "weekly", "--week", "2026-W47", "--approve", "--commune", "94028"]).status, 0)
        let third = try cli.run(["mail", "weekly", "--week", "2026-W47", "--commune", "Créteil", "--outbox", second.path])
        XCTAssertEqual(third.status, 0, third.stdout + third.stderr)
        XCTAssertEqual(emails(second), ["weekly_2026-W47_94028.eml"])
        let eml = try String(contentsOf: second.appendingPathComponent("weekly_2026-W47_94028.eml"), encoding: .utf8)
        XCTAssertTrue(eml.contains("Mont-Mesly"))
    }

    /// `approval: none` in settings.yaml: every message goes without approval.
    func testApprovalNoneSendsWithoutApproval() throws {
        let cli = try storeWithWeek47(approved: false)
        let config = cli.file("Config")
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("Config"), to: config)
        let settings = config.appendingPathComponent("settings.yaml")
        let text = try String(contentsOf: settings, encoding: .utf8)
        XCTAssertTrue(text.contains("approval: required"))
        try text.replacingOccurrences(of: "approval: required", with: "approval: none").write(to: settings, atomically: true, encoding: .utf8)
        let outbox = cli.file("essai")
        let run = try cli.run(["mail", "weekly", "--week", "2026-W47", "--outbox", outbox.path, "--config", config.path, "--db", cli.db], store: false)
        XCTAssertEqual(run.status, 0, run.stdout + run.stderr)
        XCTAssertEqual(emails(outbox), Self.mayors.keys.sorted().map { "weekly_2026-W47_\($0).eml" })
        // A wrong value is refused in French.
        try text.replacingOccurrences(of: "approval: required", with: "approval: peut-être").write(to: settings, atomically: true, encoding: .utf8)
        let wrong = try cli.run(["mail", "weekly", "--week", "2026-W47", "--outbox", outbox.path, "--config", config.path, "--db", cli.db], store: false)
        XCTAssertEqual(wrong.status, 2, wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("required ou none attendu"), wrong.stderr)
        try (text + "relances: { interval_days: 0 }\n").replacingOccurrences(of: "relances:\n  interval_days: 7\n", with: "")
            .write(to: settings, atomically: true, encoding: .utf8)
        let zero = try cli.run(["relances", "--outbox", outbox.path, "--config", config.path, "--db", cli.db], store: false)
        XCTAssertEqual(zero.status, 2, zero.stderr)
        XCTAssertTrue(zero.stderr.contains("au moins égal à 1"), zero.stderr)
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

    /// The text part reads as a letter (greeting, signature, « diffusion restreinte » of
    /// recipients.yaml; no Markdown), and the HTML part looks the same without its `<style>`:
    /// every element of the body carries its own style, with colours written out (no CSS variable).
    func testTheMailIsALetterAndItsHTMLIsStyledInline() throws {
        let python = URL(fileURLWithPath: "/usr/bin/python3")
        guard FileManager.default.isExecutableFile(atPath: python.path) else { throw XCTSkip("python3 est absent") }
        let cli = try storeWithWeek47()
        let outbox = cli.file("essai")
        let result = try cli.run(["mail", "weekly", "--week", "2026-W47", "--outbox", outbox.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        // The greetings of Config/recipients.yaml.
        let greetings = ["94002": "Monsieur le Maire,", "94028": "Monsieur le Maire,", "94044": "Madame la Maire,"]
        for (insee, greeting) in greetings {
            let eml = outbox.appendingPathComponent("weekly_2026-W47_\(insee).eml")
            let parts = cli.file("parts-\(insee)")
            let process = Process()
            process.executableURL = python
            process.arguments = ["-c", """
                import sys, email, email.policy
                msg = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
                open(sys.argv[2] + ".txt", "w").write(msg.get_body(("plain",)).get_content())
                open(sys.argv[2] + ".html", "w").write(msg.get_body(("html",)).get_content())
                """, eml.path, parts.path]
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0)
            let text = try String(contentsOf: URL(fileURLWithPath: parts.path + ".txt"), encoding: .utf8)
            let html = try String(contentsOf: URL(fileURLWithPath: parts.path + ".html"), encoding: .utf8)

            // A letter: the restriction first, the greeting, the signature, the restriction again at the end.
            let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            XCTAssertTrue(lines.first?.hasPrefix("Diffusion restreinte") == true, insee + ": " + String(text.prefix(300)))
            XCTAssertTrue(lines.contains(greeting), insee)
            XCTAssertTrue(lines.contains("La coordonnatrice du CISPD"), insee)
            XCTAssertTrue(lines.last { !$0.isEmpty }?.hasPrefix("Diffusion restreinte") == true, insee)
            // No Markdown: no heading, bold, table, list bullet or rule.
            for line in lines {
                XCTAssertFalse(line.hasPrefix("#") || line.hasPrefix("- ") || line.hasPrefix("* ") || line.hasPrefix("---"), "\(insee): \(line)")
                XCTAssertFalse(line.contains("**") || line.contains("|"), "\(insee): \(line)")
            }
            // The reasons are sentences, the notice of files still to come follows the faits marquants.
            if let pending = text.range(of: "Pas encore transmis"), let lastSource = text.range(of: "Source : ", options: .backwards) {
                XCTAssertLessThan(lastSource.lowerBound, pending.lowerBound, insee)
            }

            // HTML: every element of the body has its own style; no class, no CSS variable.
            let body = try XCTUnwrap(html.range(of: "<body").map { String(html[$0.lowerBound...]) })
            XCTAssertFalse(html.contains("var(--"), insee)
            XCTAssertFalse(body.contains("class="), insee)
            XCTAssertTrue(body.contains(greeting), insee)
            XCTAssertTrue(body.contains("Diffusion restreinte"), insee)
            let unstyled: Set<String> = ["br", "thead", "tbody", "tr", "footer"]
            let tags = try NSRegularExpression(pattern: "<([a-z][a-z0-9]*)([^>]*)>")
            var seen = 0
            for match in tags.matches(in: body, range: NSRange(body.startIndex..., in: body)) {
                let name = (body as NSString).substring(with: match.range(at: 1))
                let attributes = (body as NSString).substring(with: match.range(at: 2))
                guard !unstyled.contains(name) else { continue }
                seen += 1
                XCTAssertTrue(attributes.contains("style=\""), "\(insee): <\(name)\(attributes)> has no inline style")
            }
            XCTAssertGreaterThan(seen, 20, insee)
            // What <style> holds is for printing only (@page and @media print).
            let head = String(html[..<(html.range(of: "<body")?.lowerBound ?? html.endIndex)])
            for style in head.components(separatedBy: "<style>").dropFirst() {
                let css = style.components(separatedBy: "</style>")[0].trimmingCharacters(in: .whitespacesAndNewlines)
                XCTAssertTrue(css.hasPrefix("@page") && !css.contains("--"), "\(insee): \(css)")
            }
        }
    }

    func testSendOrOutboxIsRequired() throws {
        let cli = try CLI()
        let neither = try cli.run(["mail", "weekly", "--week", "2026-W47"])
        XCTAssertEqual(neither.status, 2, neither.stderr)
        XCTAssertTrue(neither.stderr.hasPrefix("Erreur : Donnez --send ou --outbox"), neither.stderr)
        let both = try cli.run(["mail", "weekly", "--week", "2026-W47", "--approve", "--send"])
        XCTAssertEqual(both.status, 2, both.stderr)
        let badWeek = try cli.run(["mail", "weekly", "--week", "2026-11", "--outbox", cli.file("o").path])
        XCTAssertNotEqual(badWeek.status, 0)
        XCTAssertTrue(badWeek.stderr.contains("semaine"), badWeek.stderr)
    }
}
