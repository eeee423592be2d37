import Foundation
import XCTest

/// `vigie relances` on a store whose late partners the test knows from the files it loaded: a
/// copy of Config/ without the feeds' `since`, so that only a feed with files can be late, and
/// only for a period missing between its files (or after the last, once due).
final class RelancesCommandTests: XCTestCase {
    static let samples = CLI.repo.appendingPathComponent("SampleData")

    /// The configuration copy: no `since`, and OGIF without an email (to be called instead).
    func config(_ cli: CLI) throws -> URL {
        let config = cli.file("Config")
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("Config"), to: config)
        let partners = config.appendingPathComponent("partners.yaml")
        var text = try String(contentsOf: partners, encoding: .utf8)
        text = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("since:") }.joined(separator: "\n")
        let ogif = "contact: { name: Responsable sûreté, email: surete@ogif.fr }"
        XCTAssertTrue(text.contains(ogif))
        text = text.replacingOccurrences(of: ogif, with: "contact: { name: Responsable sûreté }")
        try text.write(to: partners, atomically: true, encoding: .utf8)
        return config
    }

    func vigie(_ cli: CLI, _ config: URL, _ arguments: [String]) throws -> CLI.Result {
        try cli.run(arguments + ["--config", config.path, "--db", cli.db], store: false)
    }

    func emails(_ folder: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".eml") }.sorted()
    }

    func testOneReminderPerLatePartnerAndPerRefusedFileNotRepeatedWithinTheInterval() throws {
        let cli = try CLI()
        let config = try config(cli)
        // RATP sent August and October 2026, not September (monthly, due the 15th of the next month).
        for month in ["08", "10"] {
            let file = Self.samples.appendingPathComponent("ratp/incidents-transport/ratp_atteintes_2026-\(month).xlsx")
            let ingest = try vigie(cli, config, ["ingest", file.path, "--partner", "ratp", "--feed", "incidents-transport"])
            XCTAssertEqual(ingest.status, 0, ingest.stdout + ingest.stderr)
        }
        // OGIF (no email in this copy) sent July and September, not August (due 10 September).
        for month in ["07", "09"] {
            let file = Self.samples.appendingPathComponent("ogif/incidents-residences/ogif_2026-\(month).xlsx")
            let ingest = try vigie(cli, config, ["ingest", file.path, "--partner", "ogif", "--feed", "incidents-residences"])
            XCTAssertEqual(ingest.status, 0, ingest.stdout + ingest.stderr)
        }
        // STRAV sent a file without its columns: refused.
        let bad = cli.file("strav_2026-10.csv")
        try Data("Colonne;Autre\nx;y\n".utf8).write(to: bad)
        let refused = try vigie(cli, config, ["ingest", bad.path, "--partner", "strav", "--feed", "incidents-transport"])
        XCTAssertEqual(refused.status, 1, refused.stdout + refused.stderr)

        // On 20 November 2026: RATP's September (due Thursday 15 October) is late, OGIF's August is,
        // OGIF's October (due 10 November) too; STRAV's refused file gets its own message.
        let first = cli.file("premier")
        let run = try vigie(cli, config, ["relances", "--outbox", first.path, "--today", "2026-11-20"])
        XCTAssertEqual(run.status, 1, "OGIF has no address: exit 1\n" + run.stdout + run.stderr)
        let files = emails(first)
        XCTAssertEqual(files.count, 2, files.description)
        var byRecipient: [String: String] = [:]
        for name in files {
            let (to, text) = try parsed(first.appendingPathComponent(name))
            byRecipient[to] = text
        }
        XCTAssertEqual(byRecipient.keys.sorted(), ["exploitation@strav.fr", "surete-94@ratp.fr"])
        let ratp = try XCTUnwrap(byRecipient["surete-94@ratp.fr"])
        XCTAssertTrue(ratp.contains("septembre 2026 (2026-09), attendu le jeudi 15 octobre 2026"), ratp)
        XCTAssertFalse(ratp.contains("2026-08") || ratp.contains("2026-10"), ratp)
        XCTAssertTrue(ratp.contains("ratp/incidents-transport/"), ratp)
        let strav = try XCTUnwrap(byRecipient["exploitation@strav.fr"])
        XCTAssertTrue(strav.contains("« strav_2026-10.csv »") && strav.contains("ligne d'en-tête introuvable"), strav)
        XCTAssertTrue(strav.contains("Que faire"), strav)
        XCTAssertTrue(run.stdout.contains("OGIF : sans adresse : à relancer par téléphone"), run.stdout)
        XCTAssertTrue(run.stdout.contains("ogif/incidents-residences : 2026-08, 2026-10"), run.stdout)
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM dispatch WHERE bulletin = 'relance' AND result = 'outbox'"), "2")

        // The same day again, and a week later minus one day: nothing goes again.
        for (day, folder) in [("2026-11-20", "second"), ("2026-11-26", "troisieme")] {
            let again = try vigie(cli, config, ["relances", "--outbox", cli.file(folder).path, "--today", day])
            XCTAssertEqual(emails(cli.file(folder)), [], again.stdout)
            XCTAssertEqual(again.stdout.components(separatedBy: "déjà relancé le").count - 1, 2, again.stdout)
        }
        // After the interval (7 days by default): both go again.
        let later = cli.file("plus-tard")
        let after = try vigie(cli, config, ["relances", "--outbox", later.path, "--today", "2026-11-28"])
        XCTAssertEqual(after.status, 1, after.stdout + after.stderr)
        XCTAssertEqual(emails(later).count, 2, after.stdout)
    }

    /// The To addresses and the text part of a message, decoded by Python's email parser.
    func parsed(_ eml: URL) throws -> (to: String, text: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", """
            import sys, email, email.policy
            msg = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
            sys.stdout.write(",".join(a.addr_spec for a in msg["to"].addresses) + "\\n")
            sys.stdout.write(msg.get_body(("plain",)).get_content())
            """, eml.path]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let output = String(decoding: data, as: UTF8.self)
        let newline = output.firstIndex(of: "\n") ?? output.endIndex
        return (String(output[..<newline]), String(output[newline...]))
    }

    /// `vigie nightly --relances-outbox DIR`: after the load, the reminders are written.
    func testNightlyWritesTheRemindersAfterTheLoad() throws {
        let cli = try CLI()
        let config = try config(cli)
        let inbox = cli.file("inbox/ratp/incidents-transport")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        for month in ["08", "10"] {
            let name = "ratp_atteintes_2026-\(month).xlsx"
            try FileManager.default.copyItem(at: Self.samples.appendingPathComponent("ratp/incidents-transport/\(name)"),
                                             to: inbox.appendingPathComponent(name))
            // Older than the settle delay.
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)],
                                                  ofItemAtPath: inbox.appendingPathComponent(name).path)
        }
        let outbox = cli.file("relances")
        let run = try vigie(cli, config, ["nightly", "--inbox", cli.file("inbox").path, "--relances-outbox", outbox.path])
        XCTAssertEqual(run.status, 1, "RATP is late\n" + run.stdout + run.stderr)
        XCTAssertTrue(run.stdout.contains("Fichiers : 2 chargé(s)"), run.stdout)
        let files = emails(outbox)
        XCTAssertEqual(files.count, 1, run.stdout)
        let (to, text) = try parsed(outbox.appendingPathComponent(try XCTUnwrap(files.first)))
        XCTAssertEqual(to, "surete-94@ratp.fr")
        XCTAssertTrue(text.contains("septembre 2026 (2026-09), attendu le jeudi 15 octobre 2026"), text)
    }

    func testSendOrOutboxIsRequired() throws {
        let cli = try CLI()
        let neither = try cli.run(["relances"])
        XCTAssertEqual(neither.status, 2, neither.stderr)
        XCTAssertTrue(neither.stderr.hasPrefix("Erreur : Donnez --send ou --outbox"), neither.stderr)
    }
}
