import Foundation
import XCTest

/// `vigie nightly` run as cron runs it, over an inbox holding SampleData's files.
final class NightlyCommandTests: XCTestCase {
    /// Copies SampleData/ into `cli`'s folder as an inbox; returns the inbox and the number of files.
    func inbox(_ cli: CLI, name: String = "inbox") throws -> (URL, Int) {
        let inbox = cli.file(name)
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("SampleData"), to: inbox)
        // Copies are new files: make them look settled, as files dropped during the day are at night.
        let old = Date(timeIntervalSinceNow: -3600)
        let files = try Self.files(in: inbox)
        for f in files { try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: f.path) }
        return (inbox, files.count)
    }

    static func files(in folder: URL) throws -> [URL] {
        CLI.paths(in: folder).filter { !$0.hasDirectoryPath }
    }

    /// Extracts that together cover every stored count and incident.
    func extracts(_ cli: CLI, db: String? = nil) throws -> [String] {
        let store = db.map { ["--db", $0] } ?? []
        return try [
            ["extract", "counts", "--by", "partner,feed,period,unit,code"],
            ["extract", "incidents", "--by", "feed,period,commune,quartier,category,nature", "--step", "day"],
        ].map { args in
            let arguments = args + ["--config", CLI.repo.appendingPathComponent("Config").path] + store
            let r = try cli.run(db == nil ? args : arguments, store: db == nil)
            XCTAssertEqual(r.status, 0, r.stderr)
            return r.stdout
        }
    }

    func testANightOverSampleDataFilesEverythingAndASecondNightChangesNothing() throws {
        let cli = try CLI()
        let (inbox, count) = try inbox(cli)
        let first = try cli.run(["nightly", "--inbox", inbox.path, "--report", cli.file("rapport.txt").path])
        XCTAssertEqual(first.status, 1, "a feed is late: exit 1\n\(first.stderr.suffix(2000))")
        XCTAssertTrue(first.stderr.contains("en retard : OGIF"), first.stderr.suffix(2000).description)
        XCTAssertTrue(first.stderr.contains("surete@ogif.fr"))

        // Every file left the inbox for the archive, named by its content; none was refused.
        XCTAssertEqual(try Self.files(in: inbox).count, 0)
        let archived = try Self.files(in: cli.file("archive"))
        XCTAssertEqual(archived.count, count)
        XCTAssertTrue(archived.allSatisfy { $0.lastPathComponent.range(of: "^[0-9a-f]{64}-", options: .regularExpression) != nil })
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.file("quarantine").path))
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM submission WHERE status != 'refused'"), String(count))

        // The report, as text and JSON.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: cli.file("rapport.json"))) as? [String: Any]
        let lines = json?["files"] as? [[String: Any]] ?? []
        XCTAssertEqual(lines.count, count)
        XCTAssertEqual(lines.filter { $0["fate"] as? String == "loaded" }.count, count)
        XCTAssertEqual(json?["exitCode"] as? Int, 1)
        XCTAssertTrue(try String(contentsOf: cli.file("rapport.txt"), encoding: .utf8).contains("OGIF"))

        // Descriptions older than 12 months before today are gone; later ones and every count stay.
        let cutoff = try cli.sql("SELECT CAST(julianday(date('now', 'localtime', '-12 months')) - julianday('1970-01-01') AS INTEGER)")
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM incident WHERE day < \(cutoff) - 1 AND description IS NOT NULL"), "0")
        XCTAssertNotEqual(try cli.sql("SELECT COUNT(*) FROM incident WHERE day >= \(cutoff) + 1 AND description IS NOT NULL"), "0")
        XCTAssertNotEqual(try cli.sql("SELECT COUNT(*) FROM incident WHERE day < \(cutoff) - 1"), "0")

        // A second night: nothing new, nothing changed.
        let before = try extracts(cli)
        let second = try cli.run(["nightly", "--inbox", inbox.path])
        XCTAssertEqual(second.status, 1, "still late")
        XCTAssertTrue(second.stdout.contains("Fichiers : 0 chargé(s), 0 déjà intégré(s), 0 refusé(s)"), second.stdout)
        XCTAssertEqual(try extracts(cli), before)
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM submission"), String(count))
    }

    func testTwoRunsStartedTogetherLoadEachFileOnce() throws {
        let cli = try CLI()
        let (inbox, count) = try inbox(cli)
        let a = try cli.start(["nightly", "--inbox", inbox.path])
        let b = try cli.start(["nightly", "--inbox", inbox.path])
        // Both are read at once: one waiting for the store while the other fills its stderr pipe would
        // otherwise wait for each other for ever.
        let results = Results()
        let runs = [a, b]
        nonisolated(unsafe) let started = runs
        DispatchQueue.concurrentPerform(iterations: 2) { i in results.set(i, cli.finish(started[i])) }
        let statuses = results.all.map(\.status)
        let errors = results.all.map(\.stderr).joined()
        // One ran (exit 1: OGIF is late); the other found the lock taken (exit 3), or ran after it and found nothing new (exit 1).
        XCTAssertTrue(statuses.allSatisfy { $0 == 1 || $0 == 3 }, "\(statuses)\n\(errors.suffix(1500))")
        if statuses.contains(3) { XCTAssertTrue(errors.contains("une autre exécution est en cours")) }
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM submission"), String(count))
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM (SELECT sha256 FROM submission GROUP BY partner, feed, sha256 HAVING COUNT(*) > 1)"), "0")
        XCTAssertEqual(try Self.files(in: cli.file("archive")).count, count)
    }

    /// A run finding the lock held by a live run loads nothing and says whose it is (exit 3); once the
    /// holder is gone, the next run loads the file and says it took over the lock the holder left.
    func testARunHeldByAnotherLoadsNothingAndNamesTheHolder() throws {
        let cli = try CLI()
        XCTAssertEqual(try cli.run(["init"]).status, 0)
        let files = try BenchFile.set(in: cli.file("files"), count: 1, rows: 200)
        try BenchFile.inbox(cli.file("inbox"), with: files)
        let holder = "processus 4242 depuis 2026-11-23T02:00:00Z"
        do {
            // Held by this test as a run holds it: an open lock file under flock, naming its holder.
            let fd = open(cli.db + ".lock", O_CREAT | O_RDWR, 0o600)
            XCTAssertGreaterThanOrEqual(fd, 0)
            XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0)
            XCTAssertEqual(write(fd, holder, holder.utf8.count), holder.utf8.count)
            defer { close(fd) }
            let busy = try cli.run(["nightly", "--inbox", cli.file("inbox").path])
            XCTAssertEqual(busy.status, 3, busy.stderr)
            XCTAssertTrue(busy.stderr.contains("une autre exécution est en cours (\(holder)) : rien n'a été chargé"), busy.stderr)
            XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM submission"), "0")
            XCTAssertEqual(try Self.files(in: cli.file("inbox")).count, 1, "the file waits in the inbox")
        }
        // The holder is gone (its descriptor closed, as when a process dies) and left its name behind.
        let free = try cli.run(["nightly", "--inbox", cli.file("inbox").path])
        XCTAssertLessThanOrEqual(free.status, 1, free.stderr)
        XCTAssertTrue(free.stderr.contains("verrou laissé par une exécution interrompue (\(holder)) : repris"), free.stderr)
        XCTAssertEqual(try cli.incidentsByFile(), BenchFile.rows(files))
        XCTAssertEqual(try String(contentsOfFile: cli.db + ".lock", encoding: .utf8), "", "a run that ends empties the lock file")
    }

    func testARunKilledMidLoadThenRunAgainEndsWithTheSameStore() throws {
        // Reference: one uninterrupted run.
        let reference = try CLI()
        let (referenceInbox, count) = try inbox(reference)
        XCTAssertEqual(try reference.run(["nightly", "--inbox", referenceInbox.path]).status, 1)

        let cli = try CLI()
        let (inbox, _) = try inbox(cli)
        let (process, _, _) = try cli.start(["nightly", "--inbox", inbox.path])
        // Let it load part of the inbox, then kill it without warning.
        let deadline = Date(timeIntervalSinceNow: 60)
        while (try? Self.files(in: cli.file("archive")).count) ?? 0 < 40, Date() < deadline, process.isRunning { usleep(50_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        let partly = try Self.files(in: inbox).count
        XCTAssertGreaterThan(partly, 0, "killed before the end")
        XCTAssertLessThan(partly, count)

        let again = try cli.run(["nightly", "--inbox", inbox.path])
        XCTAssertEqual(again.status, 1, again.stderr.suffix(1500).description)
        XCTAssertTrue(again.stderr.contains("exécution interrompue"), again.stderr.prefix(500).description)
        XCTAssertEqual(try extracts(cli), try extracts(reference))
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM submission WHERE status != 'refused'"), String(count))
        XCTAssertEqual(try Self.files(in: cli.file("archive")).count, count)
        XCTAssertEqual(try Self.files(in: inbox).count, 0)
    }

    func testPatternsFilesBeingWrittenAndUnrecognizedOrRefusedFiles() throws {
        let cli = try CLI()
        let inbox = cli.file("inbox")
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let old = Date(timeIntervalSinceNow: -3600)
        // A police file at the root, recognized by its name, which also gives the month.
        let rows = IngestCommandTests.monthlyRows("octobre 2026") { i, c in (i + c) % 4 }.dropFirst(2)
        let police = inbox.appendingPathComponent("4001_2026-10.csv")
        try Data(rows.map { $0.joined(separator: ";") }.joined(separator: "\n").utf8).write(to: police)
        // A file nobody can place, and a refused one (no header row).
        let stray = inbox.appendingPathComponent("notes de réunion.txt")
        try Data("ordre du jour".utf8).write(to: stray)
        try FileManager.default.createDirectory(at: inbox.appendingPathComponent("police-nationale/etat4001"), withIntermediateDirectories: true)
        let broken = inbox.appendingPathComponent("police-nationale/etat4001/etat4001_2026-09.csv")
        try Data("rien;de;lisible\n1;2;3\n".utf8).write(to: broken)
        for url in [police, stray, broken] { try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: url.path) }
        // A file still being written: modified just now.
        let fresh = inbox.appendingPathComponent("police-nationale/etat4001/etat4001_2026-08.csv")
        try Data(rows.map { $0.joined(separator: ";") }.joined(separator: "\n").utf8).write(to: fresh)

        let result = try cli.run(["nightly", "--inbox", inbox.path])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(try cli.sql("SELECT period FROM submission_period sp JOIN submission s ON s.id = sp.submission_id WHERE s.status = 'loaded'"), "2026-10")
        XCTAssertFalse(FileManager.default.fileExists(atPath: police.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: fresh.path), "left for the next night")
        let quarantined = cli.file("quarantine/notes de réunion.txt")
        XCTAssertTrue(FileManager.default.fileExists(atPath: quarantined.path))
        XCTAssertTrue(try String(contentsOf: URL(fileURLWithPath: quarantined.path + ".reason.txt"), encoding: .utf8).contains("ni son dossier ni son nom"))
        let refused = cli.file("quarantine/police-nationale/etat4001/etat4001_2026-09.csv")
        XCTAssertTrue(FileManager.default.fileExists(atPath: refused.path))
        let reason = try String(contentsOf: URL(fileURLWithPath: refused.path + ".reason.txt"), encoding: .utf8)
        XCTAssertTrue(reason.contains("etat4001_2026-09.csv"), reason)
        XCTAssertTrue(result.stderr.contains("en cours d'écriture, laissé"), result.stderr)
    }

    func testAFeedTheConfigurationCannotLoadWaitsInTheInboxAndTheRunSaysSo() throws {
        let cli = try CLI()
        let inbox = cli.file("inbox")
        let weekly = inbox.appendingPathComponent("police-nationale/faits-marquants")
        try FileManager.default.createDirectory(at: weekly, withIntermediateDirectories: true)
        let sample = CLI.repo.appendingPathComponent("SampleData/police-nationale")
        // Two weekly files (their pseudonyms need the HMAC key) and two monthly 4001 files (they do not).
        let names = ["faits-marquants/faits-marquants_2026-W46.csv", "faits-marquants/faits-marquants_2026-W47.csv",
                     "etat4001/etat4001_2026-09.csv", "etat4001/etat4001_2026-08.csv"]
        try FileManager.default.createDirectory(at: inbox.appendingPathComponent("police-nationale/etat4001"), withIntermediateDirectories: true)
        for name in names {
            let target = inbox.appendingPathComponent("police-nationale/" + name)
            try FileManager.default.copyItem(at: sample.appendingPathComponent(name), to: target)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: target.path)
        }

        let result = try cli.run(["nightly", "--inbox", inbox.path, "--report", cli.file("rapport.txt").path],
                                 environment: ["VIGIE_HMAC_KEY": ""])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("VIGIE_HMAC_KEY"), result.stderr)
        // The weekly files wait in the inbox, untouched; the 4001 files were loaded and archived.
        for name in names.prefix(2) {
            XCTAssertTrue(FileManager.default.fileExists(atPath: inbox.appendingPathComponent("police-nationale/" + name).path), name)
        }
        XCTAssertEqual(try Self.files(in: inbox).count, 2)
        XCTAssertEqual(try Self.files(in: cli.file("archive")).count, 2)
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM submission WHERE feed = 'faits-marquants'"), "0")
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM submission WHERE feed = 'etat4001' AND status = 'loaded'"), "2")
        let report = try String(contentsOf: cli.file("rapport.txt"), encoding: .utf8)
        XCTAssertTrue(report.contains("2 laissé(s) faute de configuration"), report)

        // With the key, the next night takes them.
        let next = try cli.run(["nightly", "--inbox", inbox.path])
        XCTAssertNotEqual(next.status, 2, next.stderr)
        XCTAssertEqual(try Self.files(in: inbox).count, 0)
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM submission WHERE feed = 'faits-marquants' AND status = 'loaded'"), "2")
    }
}

/// The results of processes finished on several threads.
private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Int: CLI.Result] = [:]

    func set(_ index: Int, _ result: CLI.Result) {
        lock.lock(); defer { lock.unlock() }
        results[index] = result
    }

    var all: [CLI.Result] { results.sorted { $0.key < $1.key }.map(\.value) }
}
