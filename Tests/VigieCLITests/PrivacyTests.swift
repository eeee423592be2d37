import Foundation
import XCTest

/// What Vigie writes is private to its owner and never holds the HMAC key. One working day is run
/// once for both checks, from a permissive umask (022): the demo, an ingest, a night over an inbox
/// (loaded, refused and unknown files), bulletins, the weekly mail to an outbox, a data request,
/// a purge, and the read-only commands.
final class PrivacyTests: XCTestCase {
    static let key = "Clé-HMAC-de-l'essai ✓ 7f3a9c0e5b"

    /// The working day's folder, everything printed, and the files the test itself put there.
    struct Day {
        var cli: CLI
        var output = ""
        var madeByTest: Set<String> = []
        /// Modes of the demo store's -wal and -shm, seen while the demo ran (SQLite removes them at the end).
        var sideFileModes: [String: Set<Int>] = [:]
        /// The key forms found in the demo store's -wal while the demo ran.
        var keyInWAL: Set<String> = []
        var walReads = 0
    }

    /// The key as bytes, in the forms a careless program could write it.
    static var keyForms: [(String, Data)] {
        let bytes = Data(key.utf8)
        return [
            ("UTF-8", bytes),
            ("UTF-16", key.data(using: .utf16LittleEndian) ?? Data()),
            ("base64", Data(bytes.base64EncodedString().utf8)),
            ("hex", Data(bytes.map { String(format: "%02x", $0) }.joined().utf8)),
            ("HEX", Data(bytes.map { String(format: "%02X", $0) }.joined().utf8)),
        ]
    }

    nonisolated(unsafe) static var day: Result<Day, Error>?

    /// Runs the working day once for the class.
    func workingDay() throws -> Day {
        if let day = Self.day { return try day.get() }
        let result = Result { try Self.runDay() }
        Self.day = result
        return try result.get()
    }

    static func runDay() throws -> Day {
        let previous = umask(0o022)
        defer { umask(previous) }
        var day = Day(cli: try CLI())
        let cli = day.cli
        let sample = CLI.repo.appendingPathComponent("SampleData")
        let config = ["--config", CLI.repo.appendingPathComponent("Config").path]
        func run(_ arguments: [String], store: Bool = true, expect: ClosedRange<Int32> = 0...0) throws {
            let r = try cli.run(arguments, store: store, environment: ["VIGIE_HMAC_KEY": key])
            day.output += r.stdout + r.stderr
            XCTAssertTrue(expect.contains(r.status), "\(arguments): \(r.status) \(r.stderr.suffix(1500))")
        }

        // The inbox: two police weeks (one from 2024, whose descriptions the night purges), a police
        // file with no header (refused), a file nobody can place; all settled an hour ago.
        let inbox = cli.file("inbox")
        let weeks = inbox.appendingPathComponent("police-nationale/faits-marquants")
        try FileManager.default.createDirectory(at: weeks, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: inbox.appendingPathComponent("police-nationale/etat4001"), withIntermediateDirectories: true)
        for week in ["2024-W10", "2026-W46"] {
            let name = "faits-marquants_\(week).csv"
            try FileManager.default.copyItem(at: sample.appendingPathComponent("police-nationale/faits-marquants/" + name),
                                             to: weeks.appendingPathComponent(name))
        }
        try Data("rien;de;lisible\n1;2;3\n".utf8).write(to: inbox.appendingPathComponent("police-nationale/etat4001/etat4001_2026-09.csv"))
        try Data("ordre du jour".utf8).write(to: inbox.appendingPathComponent("notes.txt"))
        let made = CLI.paths(in: cli.directory)
        day.madeByTest = Set(made.map(\.path))
        for url in made { try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: url.path) }

        // The demo, watched while it loads: its store's -wal and -shm exist only until it ends.
        let demo = try cli.start(["demo", "--out", cli.file("demo").path, "--sample-data", sample.path] + config, store: false,
                                 environment: ["VIGIE_HMAC_KEY": key])
        let finished = Finished()
        Thread { finished.result = cli.finish(demo); finished.done.signal() }.start()
        repeat {
            for suffix in ["-wal", "-shm"] {
                let path = cli.file("demo/vigie.sqlite" + suffix).path
                if let mode = (try? FileManager.default.attributesOfItem(atPath: path))?[.posixPermissions] as? NSNumber {
                    day.sideFileModes[suffix, default: []].insert(mode.intValue)
                }
            }
            if let wal = try? Data(contentsOf: cli.file("demo/vigie.sqlite-wal")), !wal.isEmpty {
                day.walReads += 1
                for (name, form) in keyForms where wal.range(of: form) != nil { day.keyInWAL.insert(name) }
            }
        } while finished.done.wait(timeout: .now() + 0.3) == .timedOut
        let demoResult = try XCTUnwrap(finished.result)
        day.output += demoResult.stdout + demoResult.stderr
        XCTAssertEqual(demoResult.status, 0, demoResult.stderr.suffix(1500).description)
        try run(["init"])
        try run(["ingest", sample.appendingPathComponent("police-nationale/faits-marquants/faits-marquants_2026-W47.csv").path,
                 "--partner", "police-nationale", "--feed", "faits-marquants", "--json"])
        try run(["nightly", "--inbox", inbox.path, "--report", cli.file("nuit.txt").path], expect: 1...1)
        try run(["bulletin", "weekly", "--week", "2026-W47", "--out", cli.file("bulletins").path])
        try run(["mail", "weekly", "--week", "2026-W47", "--approve"])
        try run(["mail", "weekly", "--week", "2026-W47", "--outbox", cli.file("envois").path])
        try run(["comment", "add", "--bulletin", "weekly", "--period", "2026-W47", "Réunion jeudi."])
        try run(["request", "new", "--requester", "Mairie de Créteil", "--purpose", "Essai", "--data", "police-nationale/faits-marquants",
                 "--from", "2026-11", "--to", "2026-11", "--outbox", cli.file("envois-demandes").path])
        let id = "DR-\(Calendar(identifier: .gregorian).component(.year, from: Date()))-001"
        try run(["request", "consent", id, "--owner", "police-nationale", "--grant"])
        try run(["request", "fulfil", id, "--out", cli.file("demandes").path, "--outbox", cli.file("envois-demandes").path])
        try run(["purge", "--dry-run"])
        try run(["purge"])
        for readOnly in [["status"], ["extract", "incidents", "--by", "commune"], ["audit"], ["request", "show", id]] { try run(readOnly, expect: 0...1) }
        return day
    }

    func testEveryFileAndFolderVigieCreatesIsPrivate() throws {
        let day = try workingDay()
        let created = CLI.paths(in: day.cli.directory).filter { !day.madeByTest.contains($0.path) }
        for expected in ["vigie.sqlite", "vigie.sqlite.lock", "nuit.txt", "nuit.json", "archive", "quarantine", "bulletins", "envois",
                         "demandes", "demo/vigie.sqlite", "demo/bulletins", "demo/demandes"] {
            XCTAssertTrue(created.contains { $0.path == day.cli.file(expected).path }, "\(expected) was written")
        }
        XCTAssertEqual(day.sideFileModes, ["-wal": [0o600], "-shm": [0o600]], "the store's side files while it is in use")
        XCTAssertGreaterThan(created.count, 60)
        for url in created {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
            let isDirectory = attributes[.type] as? FileAttributeType == .typeDirectory
            XCTAssertEqual(mode, isDirectory ? 0o700 : 0o600,
                           "\(url.path.dropFirst(day.cli.directory.path.count)) is \(String(mode, radix: 8))")
        }
    }

    func testTheHMACKeyIsNeverWrittenNorPrinted() throws {
        let day = try workingDay()
        let files = try NightlyCommandTests.files(in: day.cli.directory)
        XCTAssertGreaterThan(day.walReads, 0, "the WAL was read while the demo ran")
        XCTAssertEqual(day.keyInWAL, [], "the key in the WAL")
        for (name, form) in Self.keyForms {
            XCTAssertFalse(Data(day.output.utf8).range(of: form) != nil, "the key (\(name)) printed")
            for file in files {
                XCTAssertNil(try Data(contentsOf: file).range(of: form), "the key (\(name)) in \(file.path)")
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: day.cli.file("demo/hmac.key").path), "a key given is not stored")
        // The key was in use: the procedure numbers are pseudonymized.
        XCTAssertEqual(try day.cli.sql("SELECT COUNT(*) FROM incident WHERE reference GLOB '*[^0-9a-f]*' OR length(reference) != 16"), "0")
        XCTAssertNotEqual(try day.cli.sql("SELECT COUNT(*) FROM incident"), "0")
    }
}

/// The result of a `vigie` run finished on another thread; `done` says when it is there.
private final class Finished: @unchecked Sendable {
    var result: CLI.Result?
    let done = DispatchSemaphore(value: 0)
}
