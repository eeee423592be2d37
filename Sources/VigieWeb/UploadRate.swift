import Foundation

/// Files uploaded per account in the last minute (`web: files_per_minute`): a form or an API call
/// that would go over is refused whole, before anything is stored.
actor UploadRate {
    private var recent: [String: [Date]] = [:]

    /// Admits `files` more files for `account` at `now`, or says how many seconds to wait.
    func admit(_ account: String, files: Int, limit: Int, now: Date) -> Int? {
        let window = now.addingTimeInterval(-60)
        var times = (recent[account] ?? []).filter { $0 > window }
        guard times.count + files <= limit else {
            recent[account] = times
            let freeing = times.count + files - limit   // the oldest uploads that must leave the window
            let wait = times.count >= freeing ? times[freeing - 1].timeIntervalSince(window) : 60
            return max(1, Int(wait.rounded(.up)))
        }
        times += Array(repeating: now, count: files)
        recent[account] = times
        if recent.count > 10_000 { recent = recent.filter { $0.value.contains { $0 > window } } }
        return nil
    }
}
