import Foundation
@testable import VigiePipeline
import XCTest

/// Bulletins are made one ahead on another thread and used in order; an error stops the rest.
final class PrefetchedTests: XCTestCase {
    /// Thread-safe record of what happened, in order.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var lines: [String] = []
        func add(_ line: String) { lock.withLock { lines.append(line) } }
        var all: [String] { lock.withLock { lines } }
    }

    struct Failure: Error {}

    func testValuesAreUsedInOrderAndMadeOffTheCallersThread() throws {
        let log = Log()
        let makers: [@Sendable () throws -> Int] = (0..<6).map { i in
            { log.add(Thread.isMainThread ? "made \(i) on the caller's thread" : "made \(i)"); return i * 10 }
        }
        var used: [Int] = []
        try Prefetched.each(makers) { used.append($0) }
        XCTAssertEqual(used, [0, 10, 20, 30, 40, 50])
        XCTAssertTrue(Thread.isMainThread, "the test runs on the main thread")
        XCTAssertEqual(Set(log.all), Set((0..<6).map { "made \($0)" }), "each made once, on another thread")
        XCTAssertEqual(log.all.count, 6)
    }

    func testAnErrorStopsTheRestAndIsThrown() {
        let log = Log()
        let makers: [@Sendable () throws -> Int] = (0..<5).map { i in
            { log.add("made \(i)"); if i == 2 { throw Failure() }; return i }
        }
        var used: [Int] = []
        XCTAssertThrowsError(try Prefetched.each(makers) { used.append($0) }) { XCTAssertTrue($0 is Failure) }
        XCTAssertEqual(used, [0, 1])
        XCTAssertFalse(log.all.contains("made 4"), "nothing made past the one after the failure: \(log.all)")
        // A failure while using stops too, once the value being made is done.
        used = []
        let three: [@Sendable () throws -> Int] = [{ 1 }, { 2 }, { 3 }]
        XCTAssertThrowsError(try Prefetched.each(three) { value in
            used.append(value)
            if value == 2 { throw Failure() }
        })
        XCTAssertEqual(used, [1, 2])
    }
}
