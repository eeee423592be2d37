import GRDB
import GRDBSQLite
import VigieCore

/// A prepared INSERT run once per loaded row, its values bound straight through the SQLite C API.
/// The load writes a million rows per file: building GRDB `StatementArguments` for each row cost
/// more than the insert itself. It promises the same as `Statement.execute`: one row, or a throw.
struct BoundInsert {
    private let statement: Statement

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
    }

    /// Binds the values `bind` gives, in the order of the statement's `?`, and steps once.
    func run(_ bind: (inout EncodedRows) -> Void) throws {
        var row = EncodedRows(width: Int(sqlite3_bind_parameter_count(statement.sqliteStatement)))
        bind(&row)
        try run(row)
    }

    /// Steps once per row of `rows`, in order, its texts bound where they are (no copy).
    func run(_ rows: EncodedRows) throws {
        precondition(rows.width == sqlite3_bind_parameter_count(statement.sqliteStatement) && rows.isComplete,
                     "BoundInsert: wrong number of values")
        try rows.withContents { slots, bytes in
            var i = 0
            while i < slots.count {
                try step { bind in
                    for column in 1...Int32(rows.width) {
                        let slot = slots[i]
                        i += 1
                        switch slot.length {
                        case EncodedRows.Slot.null: bind.null(column)
                        case EncodedRows.Slot.integer: bind.integer(column, slot.value)
                        default: bind.text(column, bytes.baseAddress.map { $0 + Int(slot.value) }, Int(slot.length))
                        }
                    }
                }
            }
        }
    }

    /// Binds what `bind` binds — its texts must stay where they are until it returns — and steps once.
    func step(_ bind: (Binder) -> Void) throws {
        let handle = statement.sqliteStatement
        bind(Binder(handle: handle))
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))), sql: statement.sql)
        }
    }

    /// Binds one value to the statement's `?` number `column` (from 1).
    struct Binder {
        fileprivate let handle: OpaquePointer

        func null(_ column: Int32) { sqlite3_bind_null(handle, column) }

        func integer(_ column: Int32, _ value: Int64) { sqlite3_bind_int64(handle, column, value) }

        /// Binds the bytes where they are (SQLITE_STATIC): they must not move before the step.
        func text(_ column: Int32, _ bytes: UnsafePointer<UInt8>?, _ length: Int) {
            // An empty text still needs an address: a NULL pointer would bind NULL, not "".
            let address = length == 0 ? emptyText : UnsafeRawPointer(bytes!)
            sqlite3_bind_text(handle, column, address.assumingMemoryBound(to: CChar.self), Int32(length),
                              unsafeBitCast(0, to: sqlite3_destructor_type.self))
        }
    }
}

/// One byte that stays: where an empty text is bound.
private nonisolated(unsafe) let emptyText = UnsafeRawPointer(UnsafeMutablePointer<CChar>.allocate(capacity: 1))

/// Rows of values for one INSERT, encoded flat — numbers, and the texts' UTF-8 in one buffer — so
/// that the reading thread prepares them and the store's thread binds them without a copy.
/// Values are added left to right, row after row; `nil` is NULL.
struct EncodedRows: Sendable {
    /// Values per row: the statement's `?`.
    let width: Int
    private var slots: [Slot] = []
    private var bytes: [UInt8] = []

    /// A number, or a text of `length` bytes at offset `value` in `bytes`.
    struct Slot: Sendable {
        var value: Int64
        var length: Int32
        static let null: Int32 = -1
        static let integer: Int32 = -2
    }

    init(width: Int) { self.width = width }

    var count: Int { slots.count / width }
    var isEmpty: Bool { slots.isEmpty }
    var isComplete: Bool { slots.count % width == 0 }

    mutating func add(_ value: Int64?) {
        slots.append(value.map { Slot(value: $0, length: Slot.integer) } ?? Slot(value: 0, length: Slot.null))
    }

    mutating func add(_ value: Int?) { add(value.map(Int64.init)) }

    mutating func add(_ value: Bool?) { add(value.map { $0 ? Int64(1) : 0 }) }

    mutating func add(_ value: String?) {
        guard var value else { return slots.append(Slot(value: 0, length: Slot.null)) }
        let offset = Int64(bytes.count)
        value.withUTF8 { bytes.append(contentsOf: $0) }
        slots.append(Slot(value: offset, length: Int32(bytes.count - Int(offset))))
    }

    /// A date as its ISO text (`CivilDate.description`), its digits written straight into the
    /// buffer: a load writes a million of them.
    mutating func add(_ date: CivilDate) {
        guard (0...9999).contains(date.year) else { return add(date.description) }
        let offset = Int64(bytes.count)
        func digits(_ n: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 { bytes.append(UInt8(0x30 + n / divisor % 10)); divisor /= 10 }
        }
        digits(date.year, 4); bytes.append(0x2D); digits(date.month, 2); bytes.append(0x2D); digits(date.day, 2)
        slots.append(Slot(value: offset, length: 10))
    }

    fileprivate func withContents<R>(_ body: (UnsafeBufferPointer<Slot>, UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try slots.withUnsafeBufferPointer { slots in try bytes.withUnsafeBufferPointer { bytes in try body(slots, bytes) } }
    }
}
