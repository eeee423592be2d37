import Foundation
import XCTest

/// Runs the built `vigie` binary as a user would, in a private temporary folder.
struct CLI {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = repo.deletingLastPathComponent().appendingPathComponent("shared")
    static let workbook = shared.appendingPathComponent("data/etat4001-services-2012-2020.xlsx")

    /// The `vigie` executable next to the test bundle (both are in the build folder).
    static var binary: URL { executable("vigie") }

    /// An executable of the package, next to the test bundle, else in `.build/debug`.
    static func executable(_ name: String) -> URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return repo.appendingPathComponent(".build/debug/\(name)")
    }

    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    var db: String { directory.appendingPathComponent("vigie.sqlite").path }

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Starts `vigie` with `arguments` plus `--config` and `--db`, without waiting.
    /// The environment given to `vigie`: ours, with a test HMAC key unless `environment` says otherwise
    /// (a value of "" removes the variable).
    func start(_ arguments: [String], store: Bool = true, environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        var env = ProcessInfo.processInfo.environment
        env["VIGIE_HMAC_KEY"] = "clé de test des commandes, assez longue"
        for (key, value) in environment { env[key] = value.isEmpty ? nil : value }
        process.environment = env
        process.executableURL = CLI.binary
        process.arguments = arguments + (store ? ["--config", CLI.repo.appendingPathComponent("Config").path, "--db", db] : [])
        process.currentDirectoryURL = directory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Runs `vigie` to the end and returns its exit status and output.
    @discardableResult
    func run(_ arguments: [String], store: Bool = true, environment: [String: String] = [:]) throws -> Result {
        finish(try start(arguments, store: store, environment: environment))
    }

    /// Waits for a started `vigie` and returns its exit status and output.
    func finish(_ started: (Process, Pipe, Pipe)) -> Result {
        let (process, out, err) = started
        // Both pipes are read at once (stderr on its own thread) before waiting: a child that
        // fills either pipe while we read the other would otherwise block for ever.
        let errors = ErrorOutput()
        let reader = Thread { errors.data = err.fileHandleForReading.readDataToEndOfFile(); errors.done.signal() }
        reader.start()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        errors.done.wait()
        let stderr = errors.data
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Every file and folder under `folder` (folders with a directory URL), `folder` excluded.
    static func paths(in folder: URL) -> [URL] {
        (FileManager.default.subpaths(atPath: folder.path) ?? []).map { sub in
            var isDirectory: ObjCBool = false
            let path = folder.appendingPathComponent(sub).path
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            return URL(fileURLWithPath: path, isDirectory: isDirectory.boolValue)
        }
    }

    /// The answer of `query` on the store (or `db`), read with the sqlite3 shell, not with Vigie.
    /// The shell waits up to 30 s for a store another program holds, as Vigie's own readers do (in
    /// WAL mode a reader without a busy handler may be refused while a writer opens or closes the
    /// store); any error it reports stops the test rather than reading as an empty answer.
    func sql(_ query: String, db: String? = nil) throws -> String {
        let answer = try shell(query, db: db)
        guard answer.status == 0, answer.stderr.isEmpty else {
            throw ShellError(description: "sqlite3 \(db ?? self.db) « \(query) » : exit \(answer.status), \(answer.stderr)")
        }
        return answer.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `query` in the sqlite3 shell on the store (or `db`), waiting up to `busyMilliseconds`
    /// for a store another program holds, and returns whatever it says, errors included.
    func shell(_ query: String, db: String? = nil, busyMilliseconds: Int = 30_000) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-cmd", ".timeout \(busyMilliseconds)", db ?? self.db, query]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Small outputs on stderr; stdout is read first, as `finish` does for vigie.
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self),
                      stderr: String(decoding: errors, as: UTF8.self))
    }
}

/// The sqlite3 shell reported an error.
struct ShellError: Error, CustomStringConvertible {
    var description: String
}

/// The standard error of a child, filled by a reader thread; `done` says when it is complete.
private final class ErrorOutput: @unchecked Sendable {
    var data = Data()
    let done = DispatchSemaphore(value: 0)
}
