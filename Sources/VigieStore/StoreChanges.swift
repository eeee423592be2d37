import Foundation
import GRDB
import VigieCore

/// Says whether the store changed, cheaply enough to ask on every web request: SQLite's
/// `PRAGMA data_version` read on a connection of its own, which never writes. The number changes
/// whenever any other connection commits, in this program (the web's forms) or another (`vigie
/// nightly`); it means nothing across programs or restarts, only "same as before or not".
public final class StoreChanges: Sendable {
    private let connection: DatabaseQueue

    public init(path: String) throws {
        var config = Configuration()
        config.busyMode = .timeout(TimeInterval(Store.busySeconds))
        config.label = "vigie-changes"
        do {
            connection = try DatabaseQueue(path: path, configuration: config)
        } catch let error as DatabaseError {
            throw Store.storeError(error, path: path)
        }
    }

    /// A number that differs from the last one read whenever the store was changed meanwhile.
    public func version() throws -> Int64 {
        do {
            return try connection.read { db in
                // A read first: in WAL mode the connection sees other commits when a read begins.
                _ = try Int.fetchOne(db, sql: "SELECT 1 FROM sqlite_master LIMIT 1")
                return try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0
            }
        } catch let error as DatabaseError {
            throw Store.storeError(error, path: connection.path)
        }
    }
}
