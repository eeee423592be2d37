import VigieCore

/// The results of the pages' read-only use cases (status, a week's messages, a map, a search),
/// computed once per state of the store and day, however many people read the page.
///
/// What it promises:
/// - a result is never older than the last form sent to this server (`WebSite.change` calls
///   `formSent()` after a form's use case, the session gate again after every form), nor from
///   another day;
/// - when only another program changed the store (`vigie nightly` committing a file), the last
///   result is shown while one new computation runs, so readers never queue behind a load;
///   the page is then at most one computation late;
/// - one computation at a time per use case, whatever the number of readers; at most
///   `capacity` results kept (the least recently read go first).
actor ResultCache {
    /// The state a result was computed from.
    struct Version: Equatable {
        var store: Int64
        var day: CivilDate
        var forms: Int
    }

    private struct Entry {
        var value: (any Sendable)?
        var version: Version?
        var refresh: Task<any Sendable, any Error>?
        var refreshVersion: Version?
        var lastRead: UInt64 = 0
    }

    private var entries: [AnyHashable: Entry] = [:]
    private var forms = 0
    private var reads: UInt64 = 0
    let capacity: Int

    init(capacity: Int = 256) { self.capacity = capacity }

    /// A form changed the store or the configuration: nothing computed before may be shown again.
    func formSent() { forms += 1 }

    /// The result of `key` for the store at `store` on `day`, computed by `compute` when needed.
    func value<T: Sendable>(_ key: AnyHashable, store: Int64, day: CivilDate,
                            compute: @escaping @Sendable () async throws -> T) async throws -> T {
        let wanted = Version(store: store, day: day, forms: forms)
        // Shown while a newer result is computed: same day, no form sent since it was computed.
        let acceptable = { (version: Version?) in version.map { $0.day == day && $0.forms == wanted.forms } ?? false }
        reads += 1
        var entry = entries[key] ?? Entry()
        entry.lastRead = reads
        if let value = entry.value, entry.version == wanted { entries[key] = entry; return value as! T }
        if entry.refresh == nil || !acceptable(entry.refreshVersion) {
            // The entry is updated before any reader of this computation goes on.
            entry.refresh = Task {
                let result: Result<any Sendable, any Error>
                do { result = .success(try await compute()) } catch { result = .failure(error) }
                self.finished(key, version: wanted, result: result)
                return try result.get()
            }
            entry.refreshVersion = wanted
        }
        let refresh = entry.refresh!
        entries[key] = entry
        evictIfFull()
        if let value = entry.value, acceptable(entry.version) { return value as! T }
        return try await refresh.value as! T
    }

    private func finished(_ key: AnyHashable, version: Version, result: Result<any Sendable, any Error>) {
        guard var entry = entries[key], entry.refreshVersion == version else { return }
        entry.refresh = nil
        entry.refreshVersion = nil
        if case .success(let value) = result {
            entry.value = value
            entry.version = version
        }
        entries[key] = entry
    }

    private func evictIfFull() {
        guard entries.count > capacity else { return }
        let idle = entries.filter { $0.value.refresh == nil }.sorted { $0.value.lastRead < $1.value.lastRead }
        for (key, _) in idle.prefix(entries.count - capacity) { entries[key] = nil }
    }
}
