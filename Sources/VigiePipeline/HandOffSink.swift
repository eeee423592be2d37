import Foundation
import VigieCore

/// Reads a file on a thread of its own while the calling thread — the store's transaction —
/// writes what was read: an adapter's facts, rejects and periods handed over in batches through a
/// bounded queue, in file order, so that parsing and checking one part of the file overlaps with
/// SQLite writing the part before. What the sink receives, and in which order, is what the
/// adapter gives, exactly as when it writes into the sink itself.
///
/// A `withdraw` (a key given twice in a counts file) goes through the queue too and waits for the
/// sink's answer: the store is only ever touched from the calling thread. When the sink has an
/// `IncidentPreparer`, the reading thread runs it too and hands over what it prepared: the
/// sink's thread is left with the writing (for the store, also the monthly tally).
final class HandOffSink: BatchSink, @unchecked Sendable {
    private enum Item {
        case count(CountFact)
        case incident(IncidentFact)
        case reject(RejectFact)
        case period(Period)
        case withdraw(SourceRef)
        case prepared(any PreparedIncidents)
    }

    /// Facts per batch, and batches waiting at most: a few MB whatever the file.
    static let batchSize = 1024
    static let queued = 4

    /// Guards everything below; the two threads wait on it.
    private let condition = NSCondition()
    private var batches: [[Item]] = []
    private var done = false
    /// Set when the sink failed: the reading thread stops at its next batch.
    private var stopped = false
    private var withdrawn: Int??

    /// Filled by the reading thread only, handed over whole.
    private var batch: [Item] = []
    /// The sink's, run by the reading thread only.
    private var preparer: (any IncidentPreparer)?

    /// Stops the reading thread when the writer gave up.
    struct Stopped: Error {}

    private init(preparer: (any IncidentPreparer)?) {
        self.preparer = preparer
        batch.reserveCapacity(Self.batchSize)
    }

    /// Runs `read` on a thread of its own, writing what it gives into `sink` on this thread, and
    /// returns its summary; an error of either side is thrown here, once both have stopped.
    static func run(into sink: BatchSink, read: @escaping (BatchSink) throws -> AdapterSummary) throws -> AdapterSummary {
        let handOff = HandOffSink(preparer: sink.incidentPreparer())
        let finished = DispatchSemaphore(value: 0)
        // `read` and `outcome` are used by the reading thread until it signals `finished`, and
        // only then by this one.
        nonisolated(unsafe) let read = read
        nonisolated(unsafe) var outcome: Result<AdapterSummary, any Error>?
        let thread = Thread {
            outcome = Result { try read(handOff) }
            handOff.finish(read: outcome)
            finished.signal()
        }
        thread.stackSize = 8 << 20
        thread.start()
        do {
            while let items = handOff.next() {
                for item in items { try handOff.apply(item, to: sink) }
            }
        } catch {
            handOff.stop()
            finished.wait()
            throw error
        }
        finished.wait()
        guard let outcome else { throw VigieError(.store, "lecture du fichier interrompue") }
        if case .failure(let error) = outcome, error is Stopped { throw VigieError(.store, "lecture du fichier interrompue") }
        return try outcome.get()
    }

    // MARK: The writing side (the calling thread)

    /// The next batch, or nil once the reading thread is done and everything was handed over.
    private func next() -> [Item]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !done { condition.wait() }
        guard !batches.isEmpty else { return nil }
        let items = batches.removeFirst()
        condition.broadcast()
        return items
    }

    private func apply(_ item: Item, to sink: BatchSink) throws {
        switch item {
        case .count(let count): try sink.add(count)
        case .incident(let incident): try sink.add(incident)
        case .reject(let reject): try sink.reject(reject)
        case .period(let period): try sink.declare(period: period)
        case .prepared(let incidents): try sink.write(incidents)
        case .withdraw(let source):
            let value = try sink.withdraw(count: source)
            condition.lock()
            withdrawn = .some(value)
            condition.broadcast()
            condition.unlock()
        }
    }

    private func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }

    // MARK: The reading side (the thread of `read`)

    private func hand(_ item: Item) throws {
        try handPrepared(final: false)
        batch.append(item)
        if batch.count >= Self.batchSize { try flush() }
    }

    /// Hands over what the preparer holds, before any other fact: the sink gets them in file order.
    private func handPrepared(final: Bool) throws {
        guard let pending = preparer?.pending, final || pending > 0, let prepared = preparer?.take(final: final) else { return }
        batch.append(.prepared(prepared))
        if pending >= Self.batchSize || batch.count >= Self.batchSize { try flush() }
    }

    /// Hands the batch over, waiting while the queue is full.
    private func flush() throws {
        guard !batch.isEmpty else { return }
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= Self.queued && !stopped { condition.wait() }
        guard !stopped else { throw Stopped() }
        batches.append(batch)
        batch = []
        batch.reserveCapacity(Self.batchSize)
        condition.broadcast()
    }

    private func finish(read: Result<AdapterSummary, any Error>?) {
        // What the preparer still holds (the last aggregates) is only wanted when the file was read whole.
        if case .success = read { try? handPrepared(final: true) }
        try? flush()
        condition.lock()
        done = true
        condition.broadcast()
        condition.unlock()
    }

    func add(_ count: CountFact) throws { try hand(.count(count)) }
    func add(_ incident: IncidentFact) throws {
        guard preparer != nil else { return try hand(.incident(incident)) }
        try preparer?.add(incident)
        if let pending = preparer?.pending, pending >= Self.batchSize { try handPrepared(final: false) }
    }
    func reject(_ reject: RejectFact) throws { try hand(.reject(reject)) }
    func declare(period: Period) throws { try hand(.period(period)) }

    /// Waits for the sink's answer: every fact before it is written first, as without the hand-off.
    func withdraw(count source: SourceRef) throws -> Int? {
        try handPrepared(final: false)
        batch.append(.withdraw(source))
        try flush()
        condition.lock()
        defer { condition.unlock() }
        while withdrawn == nil && !stopped { condition.wait() }
        guard !stopped, let value = withdrawn else { throw Stopped() }
        withdrawn = nil
        return value
    }
}
