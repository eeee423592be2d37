import Crypto
import Foundation
import VigieCore
import VigieFixtures
import VigieIngest
import XCTest

/// The ledger's digest of a file: the SHA-256 of all its bytes, whatever its size.
final class FileDigestTests: XCTestCase {
    func testTheDigestIsTheSHA256OfTheWholeFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("digest-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var random = SeededRandom(seed: 7)
        // Empty, smaller than the buffer, and across several buffers with a partial last one.
        for size in [0, 1_000, 1_000_003] {
            let bytes = (0..<size).map { _ in UInt8(truncatingIfNeeded: random.next()) }
            let url = directory.appendingPathComponent("f\(size).csv")
            try Data(bytes).write(to: url)
            let received = try FileDigest.received(url)
            XCTAssertEqual(received.sha256, SHA256.hash(data: Data(bytes)).map { String(format: "%02x", $0) }.joined(), "\(size)")
            XCTAssertEqual(received.size, Int64(size))
            XCTAssertEqual(received.name, "f\(size).csv")
        }
        XCTAssertEqual(try FileDigest.received(directory.appendingPathComponent("f0.csv")).sha256,
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "the SHA-256 of nothing")
        XCTAssertThrowsError(try FileDigest.received(directory.appendingPathComponent("absent.csv"))) {
            XCTAssertEqual(($0 as? VigieError)?.kind, .input)
        }
        XCTAssertThrowsError(try FileDigest.received(directory), "a folder is not a file") {
            XCTAssertEqual(($0 as? VigieError)?.kind, .input)
        }
    }
}
