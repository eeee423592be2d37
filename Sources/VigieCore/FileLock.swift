import Foundation

/// An exclusive `flock` on a lock file, created private (0600) when missing. The lock goes with the
/// value, and with its process: the kernel drops a `flock` when the process dies, so a killed run
/// never leaves a lock in the way.
public final class FileLock {
    public let path: String
    /// The open lock file, for a holder that writes its name in it.
    public let descriptor: Int32

    /// Opens the lock file at `path` without taking the lock.
    public init(path: String) throws {
        let fd = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw VigieError(.store, "impossible d'ouvrir le verrou \(path) : \(String(cString: strerror(errno)))")
        }
        self.path = path
        descriptor = fd
    }

    /// Takes the lock, waiting for another holder to let it go when `wait`; without waiting,
    /// false when another holds it.
    public func lock(wait: Bool) throws -> Bool {
        while flock(descriptor, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0 {
            if errno == EWOULDBLOCK, !wait { return false }
            guard errno == EINTR else { throw VigieError(.store, "verrou \(path) : \(String(cString: strerror(errno)))") }
        }
        return true
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
