import VigieCore
import XCTest

final class PeriodTests: XCTestCase {
    func testParsesAndPrintsEveryNotation() {
        for text in ["2026", "2026-S1", "2026-S2", "2026-11", "2026-W47", "2025-2026", "2020-W53"] {
            XCTAssertEqual(Period(text)?.description, text, text)
        }
        for bad in ["2026-13", "2026-W54", "2021-W53", "2026-S3", "2025-2027", "26-11", "2026/11", "", "abc"] {
            XCTAssertNil(Period(bad), bad)
        }
    }

    func testBoundsOfEachKind() {
        XCTAssertEqual(Period("2026-02")?.end.description, "2026-02-28")
        XCTAssertEqual(Period("2024-02")?.end.description, "2024-02-29")
        XCTAssertEqual(Period("2026-S1")?.end.description, "2026-06-30")
        XCTAssertEqual(Period("2026-S2")?.start.description, "2026-07-01")
        XCTAssertEqual(Period("2025-2026")?.start.description, "2025-09-01")
        XCTAssertEqual(Period("2025-2026")?.end.description, "2026-08-31")
        // ISO week 47 of 2026 runs Monday 16 to Sunday 22 November.
        XCTAssertEqual(Period("2026-W47")?.start.description, "2026-11-16")
        XCTAssertEqual(Period("2026-W47")?.end.description, "2026-11-22")
        // Week 1 of 2026 starts on Monday 29 December 2025.
        XCTAssertEqual(Period("2026-W01")?.start.description, "2025-12-29")
    }

    func testISOWeekOfDatesAcrossNewYear() {
        func week(_ y: Int, _ m: Int, _ d: Int) -> String? { CivilDate(year: y, month: m, day: d).map { Period.week(of: $0).description } }
        XCTAssertEqual(week(2024, 12, 31), "2025-W01") // a Tuesday, in week 1 of 2025
        XCTAssertEqual(week(2026, 12, 31), "2026-W53") // 2026 has 53 weeks
        XCTAssertEqual(week(2027, 1, 1), "2026-W53")
        XCTAssertEqual(week(2021, 1, 3), "2020-W53")
        XCTAssertEqual(week(2026, 11, 23), "2026-W48")
    }

    func testSchoolYearAcross31August() {
        XCTAssertEqual(CivilDate(year: 2026, month: 8, day: 31).map { Period.schoolYear(of: $0).description }, "2025-2026")
        XCTAssertEqual(CivilDate(year: 2026, month: 9, day: 1).map { Period.schoolYear(of: $0).description }, "2026-2027")
    }

    func testCivilDateRefusesDaysThatDoNotExist() {
        XCTAssertNil(CivilDate(year: 2026, month: 2, day: 31))
        XCTAssertNil(CivilDate(year: 2026, month: 2, day: 29))
        XCTAssertNotNil(CivilDate(year: 2024, month: 2, day: 29))
        XCTAssertNil(CivilDate(year: 2026, month: 13, day: 1))
    }

    func testDayNumberRoundTripsAndWeekdays() throws {
        // 1970-01-01 is day 0, a Thursday; 2026-11-23 is a Monday.
        XCTAssertEqual(CivilDate(year: 1970, month: 1, day: 1)?.dayNumber, 0)
        XCTAssertEqual(CivilDate(year: 1970, month: 1, day: 1)?.isoWeekday, 4)
        XCTAssertEqual(CivilDate(year: 2026, month: 11, day: 23)?.isoWeekday, 1)
        var date = try XCTUnwrap(CivilDate(year: 1999, month: 12, day: 25))
        for _ in 0..<4000 {
            let next = date.adding(days: 1)
            XCTAssertEqual(CivilDate(dayNumber: next.dayNumber), next)
            XCTAssertEqual(next.dayNumber, date.dayNumber + 1)
            XCTAssertTrue(date < next)
            date = next
        }
    }

    func testOrderAndPreviousYear() {
        XCTAssertLessThan(Period.month(2025, 12), Period.month(2026, 1))
        XCTAssertEqual(Period.isoWeek(2026, 53).previousYear, .isoWeek(2025, 52))
        XCTAssertEqual(Period.month(2026, 10).previousYear, .month(2025, 10))
    }

    func testMatchKeyIgnoresCaseAccentsAndPunctuation() {
        XCTAssertEqual("Créteil".matchKey, "CRETEIL".matchKey)
        XCTAssertEqual("Limeil-Brévannes".matchKey, "limeil brevannes")
        XCTAssertEqual("  Saint-Maur  ".matchKey, "saint maur")
        XCTAssertEqual("Main d'œuvre".matchKey, "main d oeuvre")
        // Every accented letter of French, both cases (the fast path), and beyond it (Foundation).
        XCTAssertEqual("ÀÂÄ àâä ÉÈÊË éèêë ÎÏ îï ÔÖ ôö ÙÛÜ ùûü Ÿ ÿ Çç Œœ Ææ".matchKey,
                       "aaa aaa eeee eeee ii ii oo oo uuu uuu y y cc oeoe aeae")
        XCTAssertEqual("Rue de l’Église — n°12".matchKey, "rue de l eglise n 12")
        XCTAssertEqual("Ĉampion Ŝmith".matchKey, "campion smith")
    }
}
