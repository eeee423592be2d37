import GRDB
import GRDBSQLite

/// A prepared INSERT run once per loaded row, its values bound straight through the SQLite C API.
/// The load writes a million rows per file: building GRDB `StatementArguments` for each row cost
/// more than the insert itself. It promises the same as `Statement.execute`: one row, or a throw.
struct BoundInsert {
    private let statement: Statement

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
    }

    /// Binds the values `bind` gives, in the order of the statement's `?`, and steps once.
    func run(_ bind: (inout Values) -> Void) throws {
        let handle = statement.sqliteStatement
        var values = Values(handle: handle)
        bind(&values)
        precondition(values.next == sqlite3_bind_parameter_count(handle) + 1, "BoundInsert: wrong number of values")
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))), sql: statement.sql)
        }
    }

    /// The values of one row, bound left to right; `nil` binds NULL.
    struct Values {
        fileprivate let handle: OpaquePointer
        fileprivate var next: Int32 = 1

        mutating func add(_ value: Int64?) {
            if let value { sqlite3_bind_int64(handle, next, value) } else { sqlite3_bind_null(handle, next) }
            next += 1
        }

        mutating func add(_ value: Int?) { add(value.map(Int64.init)) }

        mutating func add(_ value: Bool?) { add(value.map { $0 ? Int64(1) : 0 }) }

        mutating func add(_ value: String?) {
            if var value {
                guard !value.isEmpty else {
                    // An empty buffer may have no address, and a NULL pointer would bind NULL, not "".
                    sqlite3_bind_text(handle, next, "", 0, unsafeBitCast(-1, to: sqlite3_destructor_type.self))
                    next += 1
                    return
                }
                value.withUTF8 { bytes in
                    // SQLITE_TRANSIENT: SQLite copies the bytes before this returns.
                    _ = sqlite3_bind_text(handle, next, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                          Int32(bytes.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
                }
            } else {
                sqlite3_bind_null(handle, next)
            }
            next += 1
        }
    }
}
