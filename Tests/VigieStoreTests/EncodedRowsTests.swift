import GRDB
import VigieCore
@testable import VigieStore
import XCTest

/// Values encoded by the reading thread are what SQLite stores, once bound by the store's thread.
final class EncodedRowsTests: XCTestCase {
    /// A date is written as its ISO text, digits straight into the buffer, padded like
    /// `CivilDate.description`; a year past four digits keeps all of them.
    func testDatesAreStoredAsISOText() throws {
        let dates: [(CivilDate, String)] = [
            (CivilDate(year: 2026, month: 1, day: 5)!, "2026-01-05"),
            (CivilDate(year: 2000, month: 2, day: 29)!, "2000-02-29"),
            (CivilDate(year: 2018, month: 12, day: 31)!, "2018-12-31"),
            (CivilDate(year: 999, month: 10, day: 1)!, "0999-10-01"),
            (CivilDate(year: 7, month: 7, day: 7)!, "0007-07-07"),
            (CivilDate(year: 12_345, month: 6, day: 7)!, "12345-06-07"),
        ]
        let stored = try DatabaseQueue().write { db -> [String] in
            try db.execute(sql: "CREATE TABLE t (n INTEGER, date TEXT, after TEXT)")
            var rows = EncodedRows(width: 3)
            for (i, (date, _)) in dates.enumerated() {
                rows.add(i); rows.add(date); rows.add("après")
            }
            try BoundInsert(db, sql: "INSERT INTO t VALUES (?, ?, ?)").run(rows)
            return try String.fetchAll(db, sql: "SELECT date || '|' || after FROM t ORDER BY n")
        }
        XCTAssertEqual(stored, dates.map { $0.1 + "|après" })
    }
}
