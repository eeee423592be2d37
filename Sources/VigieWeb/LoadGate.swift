/// At most `slots` loads into the store at once from this server, the others waiting in turn
/// without holding a thread: SQLite writes one transaction at a time anyway (a second slot lets
/// one file be read and checked while another is written), and loads waiting for the write lock on
/// the threads of the pool kept the pages' computations from running (50 partners uploading at
/// once starved the dashboard: Benchmarks/partners).
actor LoadGate {
    let slots: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(slots: Int = 2) { self.slots = slots }

    /// Runs `work` when a slot is free; in arrival order.
    func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        if running < slots {
            running += 1
        } else {
            await withCheckedContinuation { waiting.append($0) }   // the slot is handed over by the one leaving
        }
        defer {
            if waiting.isEmpty { running -= 1 } else { waiting.removeFirst().resume() }
        }
        return try await work()
    }
}
