import Foundation
import XCTest

/// A large faits-marquants CSV written by `generate-bench-data` from a seed, named for its own
/// week (its period), so that files of one set never supersede each other.
/// `rows` is counted in the file itself, not asked of Vigie.
struct BenchFile {
    static let partner = "police-nationale"
    static let feed = "faits-marquants"

    let url: URL
    let rows: Int

    var name: String { url.lastPathComponent }

    /// `count` files of `rows` rows each in `folder`: weeks 2025-W10, W11…, seeds 8001, 8002…
    static func set(in folder: URL, count: Int, rows: Int) throws -> [BenchFile] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try (0..<count).map { i in
            try make(folder.appendingPathComponent("faits-marquants_2025-W\(10 + i).csv"), rows: rows, seed: 8001 + UInt64(i))
        }
    }

    static func make(_ url: URL, rows: Int, seed: UInt64) throws -> BenchFile {
        let process = Process()
        process.executableURL = CLI.executable("generate-bench-data")
        process.arguments = ["--config", CLI.repo.appendingPathComponent("Config").path, "--rows", String(rows),
                             "--seed", String(seed), "--out", url.path]
        try process.run()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "generate-bench-data \(url.lastPathComponent)")
        // One record per line, each ended by a line feed (no field holds a line break), after the header.
        let lineFeeds = try Data(contentsOf: url).reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        return BenchFile(url: url, rows: lineFeeds - 1)
    }

    /// Copies `files` into `inbox/<partner>/<feed>/`, dated an hour ago as settled files are.
    static func inbox(_ inbox: URL, with files: [BenchFile]) throws {
        let folder = inbox.appendingPathComponent(partner).appendingPathComponent(feed)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for file in files {
            let target = folder.appendingPathComponent(file.name)
            try FileManager.default.copyItem(at: file.url, to: target)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: target.path)
        }
    }

    /// The rows of each file, by name: what a store holding them all holds per file.
    static func rows(_ files: [BenchFile]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: files.map { ($0.name, $0.rows) })
    }

    /// The arguments of `vigie ingest` loading `files` for their feed.
    static func ingest(_ files: [BenchFile]) -> [String] {
        ["ingest"] + files.map(\.url.path) + ["--partner", partner, "--feed", feed]
    }
}
