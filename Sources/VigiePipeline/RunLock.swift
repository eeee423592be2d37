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

    let descriptor: Int32
    /// Set when the lock file named a process that is gone: the run it was taken over from.
    public let takenOver: String?

    public init(path: String) throws {
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw VigieError(.store, "impossible d'ouvrir le verrou \(path) : \(String(cString: strerror(errno)))")
        }
        let previous = RunLock.read(fd)
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Busy(holder: previous.isEmpty ? "verrou \(path)" : previous)
        }
        descriptor = fd
        takenOver = previous.isEmpty ? nil : previous
        let mine = "processus \(getpid()) depuis \(Timestamp.utc(Date()))"
        _ = ftruncate(fd, 0)
        _ = pwrite(fd, mine, mine.utf8.count, 0)
    }

    deinit {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    static func read(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = pread(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
    }
}
