import Foundation
import VigieCore

/// An exclusive lock for one store, held with `flock` on `<store>.lock` while a run works.
/// The kernel drops a `flock` when its process dies, so a lock left by a killed run is never
/// in the way: the file still names the dead process, and the new run says it takes over.
public final class RunLock {
    /// Another run holds the lock.
    public struct Busy: Error, CustomStringConvertible {
        public var holder: String
        public var description: String { "une autre exécution est en cours (\(holder)) : rien n'a été chargé" }
    }

    let file: FileLock
    /// Set when the lock file named a process that is gone: the run it was taken over from.
    public let takenOver: String?

    public init(path: String) throws {
        file = try FileLock(path: path)
        let previous = RunLock.read(file.descriptor)
        guard try file.lock(wait: false) else {
            throw Busy(holder: previous.isEmpty ? "verrou \(path)" : previous)
        }
        takenOver = previous.isEmpty ? nil : previous
        let mine = "processus \(getpid()) depuis \(Timestamp.utc(Date()))"
        _ = ftruncate(file.descriptor, 0)
        _ = pwrite(file.descriptor, mine, mine.utf8.count, 0)
    }

    /// Empties the file before `file` lets the lock go.
    deinit {
        _ = ftruncate(file.descriptor, 0)
    }

    static func read(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pread(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
    }
}
