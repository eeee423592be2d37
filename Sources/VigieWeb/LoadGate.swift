/// One load into the store at a time from this server, the others waiting in turn without holding
/// a thread: SQLite writes one transaction at a time anyway, and a load waiting for the write lock
/// on a thread of the pool would keep the pages' computations from running (50 partners uploading
/// at once starved the dashboard: Benchmarks/partners).
actor LoadGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `work` when no other load of this gate runs; in arrival order.
    func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        defer {
            if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
        }
        return try await work()
    }
}
