import VigieCore
@testable import VigieIngest
import XCTest

final class FrenchValueTests: XCTestCase {
    func testNumbersAsFrenchPartnersWriteThem() {
        XCTAssertEqual(FrenchNumber.parse("17 369"), 17369)
        XCTAssertEqual(FrenchNumber.parse("17\u{00A0}369"), 17369)
        XCTAssertEqual(FrenchNumber.parse("17\u{202F}369"), 17369)
        XCTAssertEqual(FrenchNumber.parse("3,5"), 3.5)
        XCTAssertEqual(FrenchNumber.parse("3.5"), 3.5)
        XCTAssertEqual(FrenchNumber.parse(" 42 "), 42)
        XCTAssertEqual(FrenchNumber.parse("-2"), -2)
        XCTAssertNil(FrenchNumber.parse("1,2,3"))
        XCTAssertNil(FrenchNumber.parse("abc"))
        XCTAssertNil(FrenchNumber.parse(""))
        XCTAssertNil(FrenchNumber.parse("12a"))
    }

    func testCountsAreWholeAndNotNegative() {
        XCTAssertEqual(FrenchNumber.count(.text("1 234")), .success(1234))
        XCTAssertEqual(FrenchNumber.count(.number(7)), .success(7))
        XCTAssertEqual(FrenchNumber.count(.text("-1")), .failure(.negative))
        XCTAssertEqual(FrenchNumber.count(.text("2,5")), .failure(.notWhole))
        XCTAssertEqual(FrenchNumber.count(.text("n.c.")), .failure(.notANumber))
        XCTAssertEqual(FrenchNumber.count(.empty), .failure(.empty))
    }

    func testDatesInEveryWrittenForm() {
        let expected = CivilDate(year: 2026, month: 11, day: 23)
        for text in ["23/11/2026", "23/11/26", "2026-11-23", "23-11-2026", "23.11.2026", " 23/11/2026 14:30"] {
            XCTAssertEqual(FrenchDate.parse(text), expected, text)
        }
        XCTAssertNil(FrenchDate.parse("31/02/2026"))
        XCTAssertNil(FrenchDate.parse("2026/13/01"))
        XCTAssertNil(FrenchDate.parse("hier"))
        XCTAssertEqual(FrenchDate.parse("01/01/99"), CivilDate(year: 1999, month: 1, day: 1))
    }

    func testExcelSerials() {
        // Serial 1 is 1900-01-01; Excel's 1900-02-29 (serial 60) does not exist; 61 is 1900-03-01.
        XCTAssertEqual(FrenchDate.fromExcelSerial(1), CivilDate(year: 1900, month: 1, day: 1))
        XCTAssertNil(FrenchDate.fromExcelSerial(60))
        XCTAssertEqual(FrenchDate.fromExcelSerial(61), CivilDate(year: 1900, month: 3, day: 1))
        // 2026-11-23 is 46349 days after 1899-12-30.
        let days = CivilDate(year: 2026, month: 11, day: 23)!.dayNumber - CivilDate(year: 1899, month: 12, day: 30)!.dayNumber
        XCTAssertEqual(FrenchDate.fromExcelSerial(Double(days) + 0.6), CivilDate(year: 2026, month: 11, day: 23))
        XCTAssertEqual(FrenchDate.parseTime(.dateSerial(Double(days) + 0.5)), 12 * 60)
    }

    func testTimes() {
        XCTAssertEqual(FrenchDate.parseTime("14:30"), 870)
        XCTAssertEqual(FrenchDate.parseTime("14h30"), 870)
        XCTAssertEqual(FrenchDate.parseTime("14h"), 840)
        XCTAssertEqual(FrenchDate.parseTime("9:05"), 545)
        XCTAssertEqual(FrenchDate.parseTime("14:30:59"), 870)
        XCTAssertNil(FrenchDate.parseTime("24:00"))
        XCTAssertNil(FrenchDate.parseTime("12:60"))
        XCTAssertNil(FrenchDate.parseTime("midi"))
    }

    func testPeriodsWrittenInFileNamesTitlesAndColumns() {
        XCTAssertEqual(PeriodFinder.month(in: "etat4001_2026-10.csv"), .month(2026, 10))
        XCTAssertEqual(PeriodFinder.month(in: "État 4001 — Plaine Centrale — octobre 2026"), .month(2026, 10))
        XCTAssertEqual(PeriodFinder.month(in: "4001 du 10/2026"), .month(2026, 10))
        XCTAssertEqual(PeriodFinder.month(in: "Février 2025"), .month(2025, 2))
        XCTAssertNil(PeriodFinder.month(in: "Année 2020 - services de police"))
        XCTAssertEqual(PeriodFinder.year(in: "Services PN 2020"), .year(2020))
        XCTAssertNil(PeriodFinder.year(in: "etat4001-services-2012-2020"))
        XCTAssertEqual(PeriodFinder.monthColumn("_2026_10"), .month(2026, 10))
        XCTAssertEqual(PeriodFinder.monthColumn("2019_01"), .month(2019, 1))
        XCTAssertNil(PeriodFinder.monthColumn("_2026_13"))
        XCTAssertNil(PeriodFinder.monthColumn("Créteil"))
    }

    /// A cell is blank when it holds nothing but white space, whatever its first character (the
    /// visible-ASCII shortcut only answers « not blank »).
    func testBlankCells() {
        XCTAssertTrue(Cell.empty.isBlank)
        for blank in ["", " ", "\t ", "\u{00A0}", "\u{202F} \u{00A0}", "\r\n"] {
            XCTAssertTrue(Cell.text(blank).isBlank, "« \(blank.debugDescription) »")
        }
        for filled in ["a", " a", "\u{00A0}x", "é", "~", "!", "\u{00A0}0"] {
            XCTAssertFalse(Cell.text(filled).isBlank, "« \(filled.debugDescription) »")
        }
    }

    /// « Arme » as partners write it: exact words, any case or accent, a weapon's name.
    func testWeaponYesAndNo() {
        for no in ["non", "NON", "Non", " n", "0", "aucune", "Aucun", "sans", "faux"] {
            XCTAssertEqual(IncidentsAdapter.yesNo(no.trimmingSpaces), false, no)
        }
        for yes in ["oui", "OUI", "x", "1", "couteau", "Arme à feu", "nonchalant"] {
            XCTAssertEqual(IncidentsAdapter.yesNo(yes), true, yes)
        }
        XCTAssertNil(IncidentsAdapter.yesNo(""))
    }
}
