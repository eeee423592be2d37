import Foundation
import XCTest

/// Runs the built `vigie` binary as a user would, in a private temporary folder.
struct CLI {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let shared = repo.deletingLastPathComponent().appendingPathComponent("shared")
    static let workbook = shared.appendingPathComponent("data/etat4001-services-2012-2020.xlsx")

    /// The `vigie` executable next to the test bundle (both are in the build folder).
    static var binary: URL {
        let besideTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("vigie")
        if FileManager.default.isExecutableFile(atPath: besideTests.path) { return besideTests }
        return repo.appendingPathComponent(".build/debug/vigie")
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
    func start(_ arguments: [String], store: Bool = true) throws -> (Process, Pipe, Pipe) {
        let process = Process()
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
    func run(_ arguments: [String], store: Bool = true) throws -> Result {
        let (process, out, err) = try start(arguments, store: store)
        // Read before waiting, so a large output cannot fill the pipe and block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                      stderr: String(decoding: stderr, as: UTF8.self))
    }

    func file(_ name: String) -> URL { directory.appendingPathComponent(name) }
}
