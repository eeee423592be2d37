import Foundation
import HummingbirdTesting
import VigieCore
import VigiePipeline
import VigieStore
@testable import VigieWeb
import XCTest

/// What the pages' result cache promises: one computation per state, never a result older than a
/// form, the last result while a load beside is recomputed, and a page that follows the store.
final class ResultCacheTests: XCTestCase {
    let day = CivilDate(year: 2026, month: 12, day: 3)!

    /// Counts computations; each one returns its number, and waits while `held` is set.
    actor Computations {
        var count = 0
        var held = false
        func next() async -> Int {
            count += 1
            let mine = count
            while held { try? await Task.sleep(nanoseconds: 1_000_000) }
            return mine
        }
        func hold(_ on: Bool) { held = on }
    }

    func testOneComputationPerStateWhateverTheReaders() async throws {
        let cache = ResultCache()
        let computations = Computations()
        await computations.hold(true)
        let day = self.day
        let readers = (0..<20).map { _ in
            Task { try await cache.value("statut", store: 7, day: day) { await computations.next() } }
        }
        try await Task.sleep(nanoseconds: 50_000_000)
        await computations.hold(false)
        for reader in readers { let value = try await reader.value; XCTAssertEqual(value, 1) }
        let again = try await cache.value("statut", store: 7, day: day) { await computations.next() }
        XCTAssertEqual(again, 1)
        let count = await computations.count
        XCTAssertEqual(count, 1, "20 readers and one more on the same state: one computation")
    }

    func testAStoreChangedBesideShowsTheLastResultWhileOneNewIsComputed() async throws {
        let cache = ResultCache()
        let computations = Computations()
        let first = try await cache.value("statut", store: 1, day: day) { await computations.next() }
        XCTAssertEqual(first, 1)
        await computations.hold(true)
        // The nightly committed (store 2): the readers get the last result at once.
        for _ in 0..<5 {
            let shown = try await cache.value("statut", store: 2, day: day) { await computations.next() }
            XCTAssertEqual(shown, 1)
        }
        // Committed again while computing: still one computation running, not one per commit.
        let shown = try await cache.value("statut", store: 3, day: day) { await computations.next() }
        XCTAssertEqual(shown, 1)
        var count = await computations.count
        XCTAssertEqual(count, 2)
        await computations.hold(false)
        var fresh = 0
        for _ in 0..<200 where fresh != 2 {
            try await Task.sleep(nanoseconds: 5_000_000)
            fresh = try await cache.value("statut", store: 2, day: day) { await computations.next() }
        }
        XCTAssertEqual(fresh, 2, "the new result replaces the old once computed")
        var latest = 0
        for _ in 0..<200 where latest != 3 {
            latest = try await cache.value("statut", store: 3, day: day) { await computations.next() }
            if latest != 3 { try await Task.sleep(nanoseconds: 5_000_000) }
        }
        XCTAssertEqual(latest, 3, "store 3 is newer than the result of store 2: computed again")
        count = await computations.count
        XCTAssertEqual(count, 3)
    }

    func testAfterAFormOrOnAnotherDayNothingOlderIsShown() async throws {
        let cache = ResultCache()
        let computations = Computations()
        _ = try await cache.value("statut", store: 1, day: day) { await computations.next() }
        await cache.formSent()
        let afterForm = try await cache.value("statut", store: 2, day: day) { await computations.next() }
        XCTAssertEqual(afterForm, 2, "after a form, the reader waits for a result computed after it")
        // The same store, the next day: what is late changed, so the result is computed again.
        let tomorrow = try await cache.value("statut", store: 2, day: day.adding(days: 1)) { await computations.next() }
        XCTAssertEqual(tomorrow, 3)
        // Keys are apart: another page's result is its own.
        let other = try await cache.value("carte", store: 2, day: day.adding(days: 1)) { await computations.next() }
        XCTAssertEqual(other, 4)
    }

    func testAFailedComputationIsNotKept() async throws {
        struct Failure: Error {}
        let cache = ResultCache()
        do {
            _ = try await cache.value("statut", store: 1, day: day) { () async throws -> Int in throw Failure() }
            XCTFail("the failure reaches the reader")
        } catch is Failure {}
        let value = try await cache.value("statut", store: 1, day: day) { 42 }
        XCTAssertEqual(value, 42)
    }

    func testAtMostCapacityResultsKept() async throws {
        let cache = ResultCache(capacity: 3)
        let computations = Computations()
        for key in ["a", "b", "c", "d"] { _ = try await cache.value(key, store: 1, day: day) { await computations.next() } }
        _ = try await cache.value("d", store: 1, day: day) { await computations.next() }
        _ = try await cache.value("a", store: 1, day: day) { await computations.next() }
        let count = await computations.count
        XCTAssertEqual(count, 5, "« a », read least recently, was dropped when « d » came; « d » was kept")
    }

    /// The store's change number moves with a commit of this program or of another one, and only then.
    func testStoreChangesSeesEveryCommit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-changes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("vigie.sqlite").path
        let store = try Store(path: path)
        let changes = try StoreChanges(path: path)
        let start = try changes.version()
        XCTAssertEqual(try changes.version(), start, "nothing committed: the same number")
        _ = try store.addComment(bulletin: "weekly", period: "2026-W47", commune: nil, text: "un")
        let afterOwn = try changes.version()
        XCTAssertNotEqual(afterOwn, start, "a commit through the store's own connections")
        let other = try Store(path: path)     // another program's connections
        _ = try other.addComment(bulletin: "weekly", period: "2026-W47", commune: nil, text: "deux")
        XCTAssertNotEqual(try changes.version(), afterOwn, "a commit through another connection")
    }

    /// The dashboard follows a file loaded beside the server (as `vigie nightly` does), and a
    /// comment sent through a form is on the page that follows it at once.
    func testPagesFollowTheStore() async throws {
        let demo = try DemoSite.make(for: self)
        let nightly = try Observatory(configDirectory: demo.config, databasePath: demo.observatory.store.path)
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let before = DemoSite.text(try await session.get(client, "/"))
            // A refused file loaded by another program: it joins the to-do.
            let file = demo.directory.appendingPathComponent("strav_refuse.csv")
            try Data("Colonne;Autre\nx;y\n".utf8).write(to: file)
            let result = try nightly.ingest(file, partner: "strav", feed: "incidents-transport")
            guard case .refused = result.outcome else { return XCTFail("the file should be refused: \(String(describing: result.outcome))") }
            XCTAssertFalse(before.contains("strav_refuse.csv"))
            var after = ""
            for _ in 0..<100 where !after.contains("strav_refuse.csv") {
                after = DemoSite.text(try await session.get(client, "/"))
                if !after.contains("strav_refuse.csv") { try await Task.sleep(nanoseconds: 20_000_000) }
            }
            XCTAssertTrue(after.contains("strav_refuse.csv"), "the dashboard shows the file refused beside it")
        }
    }
}
