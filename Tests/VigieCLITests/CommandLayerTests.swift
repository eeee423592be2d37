import Foundation
import XCTest

/// The command line only parses, calls a use case of VigiePipeline and prints: no command opens
/// the store, imports it or GRDB, or writes SQL; exit codes come from `ExitStatus`.
final class CommandLayerTests: XCTestCase {
    func testNoCommandOpensTheStoreWritesSQLOrInventsAnExitCode() throws {
        let folder = CLI.repo.appendingPathComponent("Sources/vigie")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".swift") }
        XCTAssertGreaterThan(files.count, 10)
        let forbidden: [(String, Regex<Substring>)] = [
            ("import VigieStore", /import\s+VigieStore/), ("import GRDB", /import\s+GRDB/),
            ("Store", /\bStore\b|\.store\b/), ("Observatory(", /Observatory\s*\(/),
            ("SQL", /(?i)\b(?:select\s+[\w*]|insert\s+into|delete\s+from|update\s+\w+\s+set|create\s+table)\b/),
            ("ExitCode(nombre)", /ExitCode\(\s*\d/), ("exit(nombre)", /\bexit\(\s*\d/),
        ]
        var found: [String] = []
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.split(separator: "//", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
                for (name, pattern) in forbidden where code.contains(pattern) {
                    found.append("\(file):\(number + 1) \(name) : \(line.trimmingCharacters(in: .whitespaces))")
                }
            }
        }
        XCTAssertEqual(found, [], found.joined(separator: "\n"))
    }
}
