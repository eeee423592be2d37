import Foundation

/// Slows down password guessing: after `maxFailures` failed logins for one login or from one
/// address, every attempt for it is refused for `lockSeconds`, whatever the password. Kept in
/// memory: a restart of `vigie serve` forgets it (the bcrypt cost still makes each guess slow).
actor LoginThrottle {
    let maxFailures: Int
    let lockSeconds: TimeInterval
    private var entries: [String: (failures: Int, lockedUntil: Date?, last: Date)] = [:]

    init(maxFailures: Int = 5, lockSeconds: TimeInterval = 60) {
        self.maxFailures = maxFailures
        self.lockSeconds = lockSeconds
    }

    /// The seconds left to wait when one of `keys` is locked at `now`, or nil.
    func wait(_ keys: [String], now: Date) -> Int? {
        var longest: TimeInterval?
        for key in keys {
            guard let until = entries[key]?.lockedUntil else { continue }
            if until > now {
                longest = max(longest ?? 0, until.timeIntervalSince(now))
            } else {
                entries[key] = nil // the lock is over: a fresh count
            }
        }
        return longest.map { Int($0.rounded(.up)) }
    }

    /// Counts a failure for each key; the `maxFailures`-th locks it.
    func failed(_ keys: [String], now: Date) {
        if entries.count > 10_000 { entries = entries.filter { now.timeIntervalSince($0.value.last) < lockSeconds * 10 } }
        for key in keys {
            var entry = entries[key] ?? (0, nil, now)
            entry.failures += 1
            entry.last = now
            if entry.failures >= maxFailures { entry.lockedUntil = now.addingTimeInterval(lockSeconds) }
            entries[key] = entry
        }
    }

    /// A successful login clears its login's count (not the address's: one good password does
    /// not excuse guesses at other accounts).
    func succeeded(_ key: String) {
        entries[key] = nil
    }
}
