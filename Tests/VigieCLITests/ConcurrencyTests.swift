import Foundation
import XCTest

/// Several programs on one store at once: readers during a load, two loads together, and a
/// store held by another program for longer than Vigie waits.
final class ConcurrencyTests: XCTestCase {
    func testReadsDuringALoadSeeTheStoreBeforeOrAfterTheFileNeverHalf() throws {
        let cli = try CLI()
        let first = try BenchFile.make(cli.file("faits-marquants_2025-W01.csv"), rows: 2_000, seed: 9001)
        let large = try BenchFile.make(cli.file("faits-marquants_2025-W02.csv"), rows: 40_000, seed: 9002)
        XCTAssertLessThanOrEqual(try cli.run(BenchFile.ingest([first])).status, 1)
        let before = first.rows, after = first.rows + large.rows

        let load = try cli.start(BenchFile.ingest([large]))
        var seen: [String: Int] = [:]
        while load.0.isRunning {
            // One statement, one snapshot: incidents, their daily aggregates and the files loaded.
            let answer = try cli.sql("""
                SELECT COUNT(*) || '|' || (SELECT COALESCE(SUM(n), 0) FROM incident_daily) || '|' ||
                       (SELECT COUNT(*) FROM submission WHERE status != 'refused') FROM incident
                """).split(separator: "|").map { Int($0) ?? -1 }
            XCTAssertTrue(answer == [before, before, 1] || answer == [after, after, 2], "half a file seen: \(answer)")
            let extract = try cli.run(["extract", "incidents", "--by", "feed"])
            XCTAssertEqual(extract.status, 0, extract.stderr)
            let total = FrenchCSV(extract.stdout).rows.compactMap { $0.last.flatMap { Int($0) } }.reduce(0, +)
            XCTAssertTrue(total == before || total == after, "extract saw \(total), neither \(before) nor \(after)")
            if load.0.isRunning { seen[answer.first == before && total == before ? "before" : "after", default: 0] += 1 }
        }
        let result = cli.finish(load)
        XCTAssertLessThanOrEqual(result.status, 1, result.stderr)
        XCTAssertGreaterThan(seen["before"] ?? 0, 0, "at least one read while the file was being loaded")
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM incident"), String(after))
        print("concurrency: reads during the load of \(large.rows) rows: \(seen)")
    }

    func testTwoIngestsAtOnceTakeTurnsAndEndAsOneAfterTheOther() throws {
        let cli = try CLI()
        let files = try BenchFile.set(in: cli.file("files"), count: 2, rows: 8_000)
        let reference = try CLI()
        for file in files { XCTAssertLessThanOrEqual(try reference.run(BenchFile.ingest([file])).status, 1) }

        // Two loads of different files, and two of the same file, started together on a new store.
        // A generous wait: the second waits for the whole first file on a loaded machine.
        let patient = ["VIGIE_BUSY_TIMEOUT": "300"]
        let runs = try [files[0], files[1], files[0], files[1]].map { try cli.start(BenchFile.ingest([$0]), environment: patient) }
        let results = runs.map { cli.finish($0) }
        for result in results { XCTAssertLessThanOrEqual(result.status, 1, result.stderr) }
        XCTAssertEqual(results.filter { $0.stdout.contains("déjà intégré") }.count, 2, results.map(\.stdout).joined())
        XCTAssertEqual(try cli.storeProblems(), "")
        XCTAssertEqual(try cli.incidentsByFile(), BenchFile.rows(files))
        XCTAssertEqual(try cli.contentDigest(), try reference.contentDigest())
    }

    func testAStoreHeldTooLongByAnotherProgramStopsWithAClearMessageAndChangesNothing() throws {
        let cli = try CLI()
        let files = try BenchFile.set(in: cli.file("files"), count: 2, rows: 500)
        XCTAssertLessThanOrEqual(try cli.run(BenchFile.ingest([files[0]])).status, 1)
        let before = try cli.contentDigest()

        // Another program holds the write lock: a sqlite3 shell inside BEGIN IMMEDIATE, after a
        // write of its own (as a program in use would have), so that the log file is not empty
        // and Vigie opens the store, then waits for its own write.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        holder.arguments = [cli.db]
        let input = Pipe()
        holder.standardInput = input
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        // The shell touches a file once it holds the lock: waiting for that file, not polling the store,
        // leaves no moment where the store looks free between the shell's own writes and its BEGIN.
        let held = cli.file("held")
        input.fileHandleForWriting.write(Data("CREATE TABLE held (x);\nDROP TABLE held;\nBEGIN IMMEDIATE;\n.shell touch '\(held.path)'\n".utf8))
        let deadline = Date(timeIntervalSinceNow: 60)
        while !FileManager.default.fileExists(atPath: held.path), Date() < deadline { usleep(20_000) }
        // Held: a write of our own, not waiting at all, fails.
        let free = { try cli.shell("BEGIN IMMEDIATE; ROLLBACK; SELECT 'free';", busyMilliseconds: 0).stdout.hasSuffix("free\n") }
        XCTAssertFalse(try free(), "the store is held")

        let quick = ["VIGIE_BUSY_TIMEOUT": "2"]
        try BenchFile.inbox(cli.file("inbox"), with: [files[1]])
        for arguments in [BenchFile.ingest([files[1]]), ["nightly", "--inbox", cli.file("inbox").path],
                          ["comment", "add", "--bulletin", "weekly", "--period", "2025-W02", "une remarque"]] {
            let result = try cli.run(arguments, environment: quick)
            XCTAssertEqual(result.status, 2, "\(arguments[0]): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("la base \(cli.db) est occupée par un autre programme depuis plus de 2 secondes"),
                          "\(arguments[0]): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("puis relancez"), "\(arguments[0]): \(result.stderr)")
        }
        XCTAssertEqual(try NightlyCommandTests.files(in: cli.file("inbox")).count, 1, "the file waits in the inbox")
        // Readers do not wait.
        let extract = try cli.run(["extract", "incidents", "--by", "feed"], environment: quick)
        XCTAssertEqual(extract.status, 0, extract.stderr)
        XCTAssertEqual(extract.stdout, "\u{FEFF}flux;nombre\r\n\(BenchFile.feed);\(files[0].rows)\r\n")

        input.fileHandleForWriting.closeFile() // the shell ends, its transaction is rolled back
        holder.waitUntilExit()
        XCTAssertEqual(try cli.contentDigest(), before, "nothing changed")
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM comment"), "0")

        // Once the store is free, the same command loads the file.
        XCTAssertLessThanOrEqual(try cli.run(BenchFile.ingest([files[1]]), environment: quick).status, 1)
        XCTAssertEqual(try cli.incidentsByFile(), BenchFile.rows(files))
    }
}
