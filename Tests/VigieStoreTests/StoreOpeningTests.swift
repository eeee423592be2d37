import Foundation
import GRDB
import XCTest
@testable import VigieStore

/// Opening a store: several programs (here threads) opening a new store at once all end up with
/// the same store, migrated once, and none of them replaces what another already wrote.
final class StoreOpeningTests: XCTestCase {
    func testManyOpeningANewStoreAtOnceAllSeeOneMigratedStore() throws {
        let openers = 6
        for round in 0..<15 {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-open-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = dir.appendingPathComponent("vigie.sqlite").path
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: openers) { opener in
                do {
                    let store = try Store(path: path)
                    try store.pool.write { db in
                        try db.execute(sql: "CREATE TABLE IF NOT EXISTS opened (opener INTEGER)")
                        try db.execute(sql: "INSERT INTO opened VALUES (?)", arguments: [opener])
                    }
                    _ = try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM submission") }
                } catch {
                    failures.add("round \(round), opener \(opener): \(error)")
                }
            }
            XCTAssertEqual(failures.all, [])
            // Every opener's write is in the one file that stays: none was written to a file another replaced.
            let store = try Store(path: path)
            XCTAssertEqual(try store.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM opened") }, openers, "round \(round)")
            XCTAssertEqual(try store.appliedMigrations(), try Schema.migrator.migrations)
        }
    }
}

/// Errors gathered from concurrent openers.
private final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ failure: String) { lock.withLock { list.append(failure) } }
    var all: [String] { lock.withLock { list } }
}
