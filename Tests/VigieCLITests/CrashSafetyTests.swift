import Foundation
import VigieFixtures
import XCTest

/// Kills `vigie ingest` and `vigie nightly` with SIGKILL at seeded random moments while they load
/// large files. After each kill the store passes `integrity_check` and holds no file half loaded;
/// running the command again ends with exactly the store of an uninterrupted run.
/// `VIGIE_CRASH_POINTS` kills in all (default 4), over 3 files of `VIGIE_CRASH_ROWS` rows each (default
/// 8,000; `make crash` asks for 24 kills over 3 × 20,000 rows); `VIGIE_CRASH_SEED` replays a run.
final class CrashSafetyTests: XCTestCase {
    static let files = 3
    /// After this many kills in one round, the command is left to finish.
    static let killsPerRound = 3

    /// One command to kill, and what its uninterrupted run gave.
    struct Scenario {
        var name: String
        var arguments: (CLI) throws -> [String]
        var status: Int32 = 0
        var seconds: Double = 0
        var digest = ""
    }

    func testKilledLoadsLeaveAWholeStoreAndRunningAgainGivesTheUninterruptedStore() throws {
        let environment = ProcessInfo.processInfo.environment
        let points = environment["VIGIE_CRASH_POINTS"].flatMap { Int($0) } ?? 4
        let seed = environment["VIGIE_CRASH_SEED"].flatMap { UInt64($0) } ?? 20_260_408
        let rows = environment["VIGIE_CRASH_ROWS"].flatMap { Int($0) } ?? 8_000
        print("crash harness: seed \(seed) (VIGIE_CRASH_SEED), \(points) kill points (VIGIE_CRASH_POINTS), \(Self.files) files of \(rows) rows (VIGIE_CRASH_ROWS)")
        var random = SeededRandom(seed: seed)

        let work = try CLI()
        defer { try? FileManager.default.removeItem(at: work.directory) }
        let files = try BenchFile.set(in: work.file("files"), count: Self.files, rows: rows)
        let expected = BenchFile.rows(files)
        var scenarios = [
            Scenario(name: "ingest") { _ in BenchFile.ingest(files) },
            Scenario(name: "nightly") { cli in
                try BenchFile.inbox(cli.file("inbox"), with: files)
                return ["nightly", "--inbox", cli.file("inbox").path]
            },
        ]
        for i in scenarios.indices { try reference(&scenarios[i], expected: expected) }

        var kills = 0
        var round = 0
        while kills < points {
            let scenario = scenarios[round % scenarios.count]
            kills += try killRound(scenario, round: round, budget: min(Self.killsPerRound, points - kills),
                                   random: &random, files: files, expected: expected)
            round += 1
        }
        print("crash harness: \(kills) kill points survived in \(round) rounds, seed \(seed)")
    }

    /// Runs `scenario` uninterrupted on a fresh store and records its exit status, duration and content.
    func reference(_ scenario: inout Scenario, expected: [String: Int]) throws {
        let cli = try fresh()
        defer { try? FileManager.default.removeItem(at: cli.directory) }
        let arguments = try scenario.arguments(cli)
        let start = Date()
        let result = try cli.run(arguments)
        scenario.seconds = Date().timeIntervalSince(start)
        XCTAssertLessThanOrEqual(result.status, 1, result.stderr.suffix(1500).description)
        XCTAssertEqual(try cli.incidentsByFile(), expected, "the uninterrupted \(scenario.name) loads every row of every file")
        XCTAssertEqual(try cli.storeProblems(), "")
        scenario.status = result.status
        scenario.digest = try cli.contentDigest()
        print("crash harness: uninterrupted \(scenario.name) of \(expected.values.reduce(0, +)) rows: \(String(format: "%.1f", scenario.seconds)) s, exit \(result.status)")
    }

    /// One round on a fresh store: starts the command, kills it after a seeded share of the
    /// reference duration, checks the store, and starts again, until a run ends by itself;
    /// then compares with the reference. Returns the number of kills.
    func killRound(_ scenario: Scenario, round: Int, budget: Int, random: inout SeededRandom,
                   files: [BenchFile], expected: [String: Int]) throws -> Int {
        let cli = try fresh()
        let arguments = try scenario.arguments(cli)
        var kills = 0
        while true {
            // Drawn every time, so that the sequence of delays depends on the seed alone.
            let share = 0.05 + 0.9 * random.unit()
            let delay = kills < budget ? scenario.seconds * share : .infinity
            let started = try cli.start(arguments)
            let deadline = Date(timeIntervalSinceNow: delay)
            while started.0.isRunning, Date() < deadline { usleep(10_000) }
            guard started.0.isRunning else { break }
            kill(started.0.processIdentifier, SIGKILL)
            _ = cli.finish(started)
            // It may have ended by itself between the check and the signal: then it was not killed.
            guard started.0.terminationReason == .uncaughtSignal else { break }
            kills += 1
            print("crash harness: round \(round) \(scenario.name): killed after \(String(format: "%.2f", delay)) s (\(Int(share * 100)) % of a whole run), \(try cli.incidentsByFile().count) of \(files.count) files stored")
            try checkWhole(cli, expected: expected, context: "\(scenario.name), round \(round), kill \(kills)")
        }
        let again = try cli.run(arguments)
        XCTAssertEqual(again.status, scenario.status, again.stderr.suffix(1500).description)
        XCTAssertEqual(try cli.contentDigest(), scenario.digest, "\(scenario.name), round \(round): the store differs from an uninterrupted run")
        XCTAssertEqual(try cli.incidentsByFile(), expected)
        if scenario.name == "nightly" {
            XCTAssertEqual(try NightlyCommandTests.files(in: cli.file("inbox")).count, 0)
            XCTAssertEqual(try NightlyCommandTests.files(in: cli.file("archive")).count, files.count)
        }
        if testRun?.failureCount == 0 { try? FileManager.default.removeItem(at: cli.directory) }
        return kills
    }

    /// What must hold after any kill: a sound store, no file half loaded, every file stored
    /// either whole (all its rows) or not at all, and nothing archived that is not stored.
    func checkWhole(_ cli: CLI, expected: [String: Int], context: String) throws {
        XCTAssertEqual(try cli.sql("PRAGMA integrity_check"), "ok", context)
        XCTAssertEqual(try cli.sql("PRAGMA foreign_key_check"), "", context)
        XCTAssertEqual(try cli.storeProblems(), "", context)
        for (name, count) in try cli.incidentsByFile() {
            XCTAssertEqual(count, expected[name], "\(context): \(name)")
        }
        let stored = Set(try cli.incidentsByFile().keys)
        let archived = (try? NightlyCommandTests.files(in: cli.file("archive"))) ?? []
        for file in archived {
            // archive/<yyyy>/<mm>/<sha256>-<name>
            XCTAssertTrue(stored.contains(String(file.lastPathComponent.dropFirst(65))), "\(context): \(file.lastPathComponent) archived but not stored")
        }
    }

    /// A new folder with an empty store, created by `vigie init`.
    func fresh() throws -> CLI {
        let cli = try CLI()
        let initialized = try cli.run(["init"])
        XCTAssertEqual(initialized.status, 0, initialized.stderr)
        return cli
    }
}
