import Foundation
@testable import VigieWeb
import XCTest

/// Loads of one server run at most `slots` at a time, in arrival order, and every one runs.
final class LoadGateTests: XCTestCase {
    func testLoadsRunOneAtATimeAndAllRun() async throws {
        let gate = LoadGate(slots: 2)
        actor State {
            var running = 0, most = 0, done = 0
            func start() { running += 1; most = max(most, running) }
            func end() { running -= 1; done += 1 }
        }
        let state = State()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await gate.run {
                        await state.start()
                        try await Task.sleep(nanoseconds: 2_000_000)
                        await state.end()
                    }
                }
            }
            try await group.waitForAll()
        }
        let done = await state.done, most = await state.most
        XCTAssertEqual(done, 40)
        XCTAssertEqual(most, 2, "two loads at once, never three")
        // A failing load lets the next one run.
        struct Failure: Error {}
        do { _ = try await gate.run { throw Failure() } as Int; XCTFail("the error goes through") } catch is Failure {}
        let next = try await gate.run { 7 }
        XCTAssertEqual(next, 7)
    }
}
