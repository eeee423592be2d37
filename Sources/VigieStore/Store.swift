import Foundation
import GRDB
import VigieCore

/// The observatory's SQLite store: one file, WAL mode, foreign keys on, private to its owner (0600).
/// Readers never block the nightly load, and the load never shows them half a file.
public final class Store: Sendable {
    let pool: DatabasePool
    /// Where reads go: the pool, each read seeing the last commit, or for a `snapshot()` one
    /// state of the store fixed when it was taken.
    let reader: any DatabaseReader
    public let path: String

    /// Another view on an open store: the same pool, reads through `reader`.
    private init(path: String, pool: DatabasePool, reader: any DatabaseReader) {
        self.path = path
        self.pool = pool
        self.reader = reader
    }

    /// Opens (creating it when missing) the store at `path` and brings its schema up to date.
    public init(path: String) throws {
        self.path = path
        let fm = FileManager.default
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard fm.fileExists(atPath: directory) else {
            throw VigieError(.store, "le dossier du fichier de base n'existe pas : \(directory)",
                             hint: "Créez-le, ou donnez un autre chemin avec --db ou VIGIE_DB.")
        }
        try Store.createPrivately(path)
        var config = Configuration()
        config.busyMode = .timeout(TimeInterval(Store.busySeconds))
        config.foreignKeysEnabled = true
        config.label = "vigie"
        do {
            let lockPath = path + ".lock"
            // A new store: SQLite turns it to WAL mode under an exclusive lock it does not wait
            // for, so programs opening it at once take turns on the store's lock file to do so.
            let opened = try Store.isInWALMode(path)
                ? DatabasePool(path: path, configuration: config)
                : Store.whileLocked(lockPath) { try DatabasePool(path: path, configuration: config) }
            if try !opened.read({ try Schema.migrator.hasCompletedMigrations($0) }) {
                // Two programs opening a store at once would both run the migrations (GRDB
                // checks what is applied outside the migrations' transactions): they take turns
                // on the lock file, and the second finds nothing left to do.
                try Store.whileLocked(lockPath) { try Schema.migrator.migrate(opened) }
            }
            pool = opened
            reader = pool
        } catch let error as DatabaseError {
            throw Store.storeError(error, path: path)
        }
    }

    /// Whether the file at `path` is a SQLite database in WAL mode: its header's read and write
    /// versions (bytes 18 and 19) are 2 once WAL mode is set, and stay so.
    static func isInWALMode(_ path: String) -> Bool {
        guard let file = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? file.close() }
        guard let header = try? file.read(upToCount: 20), header.count == 20 else { return false }
        return header[18] == 2 && header[19] == 2
    }

    /// Creates an empty store file, private (0600), unless there is one: SQLite gives its -wal and
    /// -shm files the same mode. `O_EXCL`, because another program may create the store at the same
    /// moment, and a file of theirs must never be replaced (Foundation's `createFile` replaces it).
    static func createPrivately(_ path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd); return }
        guard errno == EEXIST else {
            throw VigieError(.store, "impossible de créer la base \(path) : \(String(cString: strerror(errno)))",
                             hint: "Vérifiez les droits sur le dossier.")
        }
    }

    /// Runs `body` holding the lock file `lockPath` (waiting for it), the file `vigie nightly` also
    /// locks while it runs.
    static func whileLocked<T>(_ lockPath: String, _ body: () throws -> T) throws -> T {
        let lock = try FileLock(path: lockPath)
        _ = try lock.lock(wait: true)
        return try withExtendedLifetime(lock) { try body() }
    }

    /// Seconds a write waits for another program holding the store before giving up:
    /// `VIGIE_BUSY_TIMEOUT` when it is a positive whole number, else 30.
    static let busySeconds: Int = {
        guard let text = ProcessInfo.processInfo.environment["VIGIE_BUSY_TIMEOUT"], let seconds = Int(text), seconds > 0 else { return 30 }
        return seconds
    }()

    /// Names of the migrations applied, in order (for `vigie init`).
    public func appliedMigrations() throws -> [String] {
        try pool.read { db in try Schema.migrator.appliedMigrations(db) }
    }

    /// The message a person reads for a SQLite failure.
    static func storeError(_ error: DatabaseError, path: String) -> VigieError {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return VigieError(.store, "la base \(path) est occupée par un autre programme depuis plus de \(busySeconds) secondes",
                              hint: "Attendez la fin du chargement en cours, puis relancez.")
        case .SQLITE_FULL:
            return VigieError(.store, "disque plein : la base \(path) n'a pas été modifiée", hint: "Libérez de la place, puis relancez.")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return VigieError(.store, "\(path) n'est pas une base Vigie lisible", hint: "Vérifiez le chemin donné par --db ou VIGIE_DB.")
        case .SQLITE_READONLY, .SQLITE_CANTOPEN, .SQLITE_PERM:
            return VigieError(.store, "impossible d'écrire dans la base \(path)", hint: "Vérifiez les droits sur le fichier et son dossier.")
        default:
            return VigieError(.store, "erreur de la base \(path) : \(error.message ?? "\(error.resultCode)")")
        }
    }
}

extension Store {
    /// Runs `updates` in one write transaction; a SQLite failure (the store held by another
    /// program for too long, a full disk…) becomes the message a person reads.
    func write<T>(_ updates: (Database) throws -> T) throws -> T {
        try inPlainWords { try pool.write(updates) }
    }

    /// Runs `body` in one read transaction (a consistent state of the store); a SQLite failure
    /// becomes the message a person reads, as for `write`.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try inPlainWords { try reader.read(body) }
    }

    /// The same store whose reads all see it as it is now, whatever loads commit meanwhile (WAL):
    /// a bulletin built from it never mixes figures from before and after a file. Writes
    /// (issues, comments) still go to the store itself.
    public func snapshot() throws -> Store {
        try inPlainWords { Store(path: path, pool: pool, reader: try pool.makeSnapshot()) }
    }

    /// `body`, with a SQLite error turned into the French message of `storeError`.
    private func inPlainWords<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            throw Store.storeError(error, path: path)
        }
    }
}
