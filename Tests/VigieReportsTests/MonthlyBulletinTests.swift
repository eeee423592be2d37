import Foundation
import VigieCore
@testable import VigiePipeline
import VigieReports
import XCTest

/// The monthly bulletin, from police municipale lists of Créteil written here and loaded for real.
final class MonthlyBulletinTests: XCTestCase {
    /// October 2025: 1 intervention in Mont-Mesly, 40 in Palais; October 2026: 4 and 80.
    func fixture() throws -> ReportsFixture {
        let f = try ReportsFixture()
        for (year, mesly, palais) in [(2025, 1, 40), (2026, 4, 80)] {
            try f.load("pm_94028_\(year)-10.csv", partner: "mairie-creteil", feed: "police-municipale",
                       [ReportsFixture.pmHeader]
                       + ReportsFixture.policeMunicipale(mesly, year: year, month: 10, address: "3 rue Albert Doyen")
                       + ReportsFixture.policeMunicipale(palais, year: year, month: 10, address: "Place Salvador Allende"))
        }
        return f
    }

    func testOneToFourIsNotSignificantAndFortyToEightyIs() throws {
        let f = try fixture()
        let monthly = try MonthlyBulletin.build(month: .month(2026, 10), context: f.context)
        let creteil = try XCTUnwrap(monthly.areas.first { $0.scope == "94028" })
        let mesly = try XCTUnwrap(creteil.places.first { $0.name == "Mont-Mesly" })
        XCTAssertEqual([mesly.current, mesly.previousYear], ["4", "1"])
        XCTAssertNotEqual(mesly.flag, "significatif")
        XCTAssertFalse(mesly.change.contains("%"), "no percentage on a base of 1: \(mesly.change)")
        XCTAssertEqual(mesly.change, "+3")

        let palais = try XCTUnwrap(creteil.places.first { $0.name == "Palais" })
        XCTAssertEqual([palais.current, palais.previousYear], ["80", "40"])
        // Given n = 120, 80 is 20 above the 60 expected: by Hoeffding, p ≤ 2 exp(−2·20²/120) ≈ 0.0025 < 0.01.
        XCTAssertLessThan(2 * exp(-2 * 400 / 120.0), 0.01)
        XCTAssertEqual(palais.flag, "significatif")
        XCTAssertEqual(palais.change, "+40 (+100 %)")

        // Rates per 1,000 inhabitants from territory.yaml's populations.
        let population = try XCTUnwrap(f.config.territory.communes.flatMap(\.sectors).flatMap(\.quartiers).first { $0.id == "cre-palais" }?.population)
        XCTAssertEqual(palais.rate, SVGFrench.oneDecimal(80 * 1000 / Double(population)))

        // The month's category row: all 84 are dépôts sauvages; year to date = the October files only.
        let deposits = try XCTUnwrap(creteil.categories.first { $0.category == "Dépôts sauvages" })
        XCTAssertEqual([deposits.current, deposits.previousYear, deposits.yearToDate, deposits.previousYearToDate], ["84", "41", "84", "41"])
        XCTAssertEqual(deposits.flag, "significatif")
    }

    func testTheMonthBeforeIsShownForInformation() throws {
        let f = try fixture()
        try f.load("pm_94028_2026-09.csv", partner: "mairie-creteil", feed: "police-municipale",
                   [ReportsFixture.pmHeader] + ReportsFixture.policeMunicipale(7, year: 2026, month: 9, address: "Place Salvador Allende"))
        let monthly = try MonthlyBulletin.build(month: .month(2026, 10), context: f.context)
        let creteil = try XCTUnwrap(monthly.areas.first { $0.scope == "94028" })
        XCTAssertEqual(creteil.categories.first { $0.category == "Dépôts sauvages" }?.previousMonth, "7")
        // Year to date now holds September too: 7 + 84.
        let deposits = try XCTUnwrap(creteil.categories.first { $0.category == "Dépôts sauvages" })
        XCTAssertEqual(deposits.yearToDate, "91")
        // September 2025 was never received: September is left out of the comparison of the year to
        // date, on both sides (84 against 41), and the row says so.
        XCTAssertEqual(deposits.previousYearToDate, "41")
        XCTAssertEqual(deposits.yearToDateChange, "+43 (+\(Int((43 * 100 / 41.0).rounded())) %) (84 à sources égales)")
        XCTAssertTrue(deposits.note.contains("cumul sans Mairie de Créteil") && deposits.note.contains("2026-09"), deposits.note)
    }

    func testAFeedNotReceivedIsShownNonRecuNeverZero() throws {
        let f = try fixture()
        let monthly = try MonthlyBulletin.build(month: .month(2026, 10), context: f.context)
        // Alfortville's police municipale owes October 2026 (since 2024-01, due 10 November) and sent nothing.
        let alfortville = try XCTUnwrap(monthly.areas.first { $0.scope == "94002" })
        let pm = try XCTUnwrap(alfortville.sources.first { $0.source.contains("Alfortville") && $0.source.contains("police municipale") })
        XCTAssertEqual(pm.current, "non reçu")
        XCTAssertEqual(pm.change, "non reçu")
        XCTAssertTrue(monthly.notReceived.contains(pm.source))
        // Créteil's was received: a number, not « non reçu ».
        let creteil = try XCTUnwrap(monthly.areas.first { $0.scope == "94028" })
        XCTAssertEqual(creteil.sources.first { $0.source.contains("Créteil") && $0.source.contains("police municipale") }?.current, "84")
        XCTAssertFalse(monthly.notReceived.contains { $0.contains("Créteil") && $0.contains("police municipale") })
        // Every feed of Alfortville's own is missing: its total is « non reçu », never 0.
        XCTAssertEqual(alfortville.total.current, "non reçu")
        let csv = try XCTUnwrap(monthly.csvTables.first { $0.name == "sources" }).text
        XCTAssertTrue(csv.contains("Alfortville;Mairie d'Alfortville — Direction prévention sécurité (police municipale);non reçu"), csv)
    }

    func testACorrectionSinceTheLastIssueIsMarkedRevised() throws {
        let f = try fixture()
        let writer = try BulletinWriter(context: f.context, directory: f.directory.appendingPathComponent("bulletins"))
        let first = try MonthlyBulletin.build(month: .month(2026, 10), context: f.context)
        XCTAssertEqual(first.revisedCount, 0)
        try writer.write(first)

        // Créteil resends October 2026 with one more intervention in Mont-Mesly.
        try f.load("pm_94028_2026-10_corrige.csv", partner: "mairie-creteil", feed: "police-municipale",
                   [ReportsFixture.pmHeader]
                   + ReportsFixture.policeMunicipale(5, year: 2026, month: 10, address: "3 rue Albert Doyen")
                   + ReportsFixture.policeMunicipale(80, year: 2026, month: 10, address: "Place Salvador Allende"))
        let last = try writer.lastFigures(kind: "monthly", period: "2026-10", scope: "territoire")
        let second = try MonthlyBulletin.build(month: .month(2026, 10), context: f.context, lastFigures: last)
        let creteil = try XCTUnwrap(second.areas.first { $0.scope == "94028" })
        XCTAssertEqual(creteil.total.current, "85")
        XCTAssertTrue(creteil.total.revised)
        XCTAssertTrue(try XCTUnwrap(creteil.categories.first { $0.category == "Dépôts sauvages" }).revised)
        // Alfortville's figures did not change.
        XCTAssertFalse(try XCTUnwrap(second.areas.first { $0.scope == "94002" }).total.revised)
        let html = try String(contentsOf: try writer.write(second)[0], encoding: .utf8)
        XCTAssertTrue(html.contains("révisé"))
    }
}

/// Periods not over and sources not received: compared like for like, never flagged for what is missing.
final class LikeForLikeTests: XCTestCase {
    static func pm(_ days: [Int], year: Int, month: Int, perDay: Int) -> [[String]] {
        [ReportsFixture.pmHeader] + days.flatMap { day in
            (0..<perDay).map { _ in [String(format: "%02d/%02d/%04d", day, month, year), "10:00", "Place Salvador Allende", "Dépôt sauvage"] }
        }
    }

    func testAMonthToDateIsComparedWithTheSameDaysAYearEarlier() throws {
        let today = try XCTUnwrap(CivilDate(year: 2026, month: 12, day: 2))
        let f = try ReportsFixture(today: today)
        // December 2026 so far: 3 a day on the 1st and 2nd. December 2025: 2 a day, every day.
        try f.load("pm_94028_2026-12.csv", partner: "mairie-creteil", feed: "police-municipale", Self.pm([1, 2], year: 2026, month: 12, perDay: 3))
        try f.load("pm_94028_2025-12.csv", partner: "mairie-creteil", feed: "police-municipale", Self.pm(Array(1...31), year: 2025, month: 12, perDay: 2))
        let current = 2 * 3, sameDays = 2 * 2, wholeMonth = 31 * 2

        let monthly = try MonthlyBulletin.build(month: .month(2026, 12), context: f.context)
        XCTAssertTrue(monthly.provisional.hasPrefix("période en cours : chiffres provisoires au 2 décembre"), monthly.provisional)
        XCTAssertTrue(monthly.provisional.contains("mêmes jours de décembre 2025 (du 1er au 2)"), monthly.provisional)
        let creteil = try XCTUnwrap(monthly.areas.first { $0.scope == "94028" })
        XCTAssertEqual([creteil.total.current, creteil.total.previousYear], [String(current), String(sameDays)])
        let palais = try XCTUnwrap(creteil.places.first { $0.name == "Palais" })
        XCTAssertEqual([palais.current, palais.previousYear], [String(current), String(sameDays)])
        XCTAssertNotEqual(palais.previousYear, String(wholeMonth))
        // 6 against 4: every split of 10 but 5–5 is no more likely, p = (1024 − 252) / 1024: nothing
        // flagged, and no missing day is read as a fall.
        XCTAssertEqual(ComparisonTests.exactP(current, sameDays), 772.0 / 1024, accuracy: 1e-12)
        for area in monthly.areas {
            for row in area.categories + [area.total] {
                XCTAssertEqual(row.flag, "", "\(area.name) \(row.category): \(row.change)")
                XCTAssertEqual(row.yearToDateFlag, "", "\(area.name) \(row.category): \(row.yearToDateChange)")
            }
            for place in area.places { XCTAssertEqual(place.flag, "", "\(area.name) \(place.name)") }
            for source in area.sources { XCTAssertEqual(source.flag, "", "\(area.name) \(source.source)") }
        }
        // The état 4001 of December is not due yet: « attendu », never 0 nor a fall.
        for row in monthly.etat4001 {
            XCTAssertEqual(row.current, "attendu", row.commune)
            XCTAssertEqual(row.flag, "", row.commune)
        }
        // The notice opens the HTML.
        let html = try String(contentsOf: try BulletinWriter(context: f.context, directory: f.directory.appendingPathComponent("out")).write(monthly)[0],
                              encoding: .utf8)
        let notice = try XCTUnwrap(html.range(of: "période en cours : chiffres provisoires au 2 décembre"))
        XCTAssertLessThan(notice.lowerBound, try XCTUnwrap(html.range(of: "<section")).lowerBound)

        // A month entirely in the future is refused, as a usage error.
        XCTAssertThrowsError(try MonthlyBulletin.build(month: .month(2027, 1), context: f.context)) { error in
            XCTAssertEqual((error as? VigieError)?.kind, .usage)
            XCTAssertTrue("\(error)".contains("n'a pas commencé"), "\(error)")
        }
        XCTAssertThrowsError(try SemesterBulletin.build(semester: .semester(2027, 1), context: f.context)) {
            XCTAssertEqual(($0 as? VigieError)?.kind, .usage)
        }
        XCTAssertThrowsError(try Diagnostic.build(area: .commune("94028"), category: nil, from: .month(2027, 1), to: .month(2027, 3), context: f.context)) {
            XCTAssertEqual(($0 as? VigieError)?.kind, .usage)
        }
        // A diagnostic reaching into the running month is provisional, and compares 1–2 December too.
        let diagnostic = try Diagnostic.build(area: .commune("94028"), category: nil, from: .month(2026, 12), to: .month(2026, 12), context: f.context)
        XCTAssertTrue(diagnostic.provisional.hasPrefix("période en cours : chiffres provisoires au 2 décembre"), diagnostic.provisional)
        XCTAssertEqual([diagnostic.total.current, diagnostic.total.previous, diagnostic.total.flag], [String(current), String(sameDays), ""])
        // November is over, but its monthly files are due on the 10th or the 15th of December: still
        // provisional, for the files expected, not for the days.
        let november = try MonthlyBulletin.build(month: .month(2026, 11), context: f.context)
        XCTAssertFalse(november.provisional.contains("période en cours"))
        XCTAssertTrue(november.provisional.contains("fichiers encore attendus"), november.provisional)
    }

    func testASourceNotReceivedIsLeftOutOfBothSides() throws {
        // October 2025: Créteil's police municipale 40, RATP 30 in Créteil. October 2026: police
        // municipale 50; RATP's file (due 15 November) not received on 23 November.
        let f = try ReportsFixture()
        try f.load("pm_94028_2025-10.csv", partner: "mairie-creteil", feed: "police-municipale",
                   [ReportsFixture.pmHeader] + ReportsFixture.policeMunicipale(40, year: 2025, month: 10, address: "Place Salvador Allende"))
        try f.load("pm_94028_2026-10.csv", partner: "mairie-creteil", feed: "police-municipale",
                   [ReportsFixture.pmHeader] + ReportsFixture.policeMunicipale(50, year: 2026, month: 10, address: "Place Salvador Allende"))
        let ratpHeader = ["Date", "Heure", "Ligne", "Arrêt / station", "Commune", "Nature de l'atteinte", "Cible", "Suite donnée"]
        try f.load("ratp_2025-10.csv", partner: "ratp", feed: "incidents-transport",
                   [ratpHeader] + (0..<30).map { i in [String(format: "%02d/10/2025", 1 + i % 28), "18:10", "8", "Créteil Préfecture", "Créteil", "Caillassage", "équipement", "aucune"] })

        let monthly = try MonthlyBulletin.build(month: .month(2026, 10), context: f.context)
        let creteil = try XCTUnwrap(monthly.areas.first { $0.scope == "94028" })
        // Like for like: 50 against 40 (the police municipale's own change), not 50 against 70.
        let pm = try XCTUnwrap(creteil.sources.first { $0.source.contains("Créteil") && $0.source.contains("police municipale") })
        XCTAssertEqual([pm.current, pm.previousYear, pm.change], ["50", "40", "+10 (+25 %)"])
        XCTAssertEqual([creteil.total.current, creteil.total.previousYear, creteil.total.change], ["50", "40", pm.change])
        XCTAssertEqual(creteil.total.flag, pm.flag)
        XCTAssertTrue(creteil.total.note.contains("RATP") && creteil.total.note.contains("non reçu"), creteil.total.note)
        XCTAssertFalse(try XCTUnwrap(creteil.total.note.components(separatedBy: "cumul sans").first).contains("police municipale"),
                       creteil.total.note)
        // The territory's row of Créteil says the same, and names the missing source.
        let territory = try XCTUnwrap(monthly.areas.first { $0.scope == "territoire" })
        let row = try XCTUnwrap(territory.places.first { $0.name == "Créteil" })
        XCTAssertEqual([row.current, row.previousYear], ["50", "40"])
        XCTAssertEqual(row.change, pm.change)
        XCTAssertTrue(row.note.contains("RATP"), row.note)
        // RATP's own row: « non reçu », never 0 nor a fall.
        let ratp = try XCTUnwrap(creteil.sources.first { $0.source.hasPrefix("RATP") })
        XCTAssertEqual([ratp.current, ratp.previousYear, ratp.change, ratp.flag], ["non reçu", "30", "non reçu", ""])

        // The same rule in the diagnostic and the semester study (running on 23 November).
        let diagnostic = try Diagnostic.build(area: .commune("94028"), category: nil, from: .month(2026, 10), to: .month(2026, 10), context: f.context)
        XCTAssertEqual([diagnostic.total.current, diagnostic.total.previous, diagnostic.total.change], ["50", "40", pm.change])
        XCTAssertTrue(diagnostic.comparedWithout.contains("RATP"), diagnostic.comparedWithout)
        let semester = try SemesterBulletin.build(semester: .semester(2026, 2), context: f.context)
        XCTAssertTrue(semester.provisional.hasPrefix("période en cours : chiffres provisoires au 23 novembre"), semester.provisional)
        // RATP's 30 at Créteil Préfecture in October 2025 have no counterpart received in 2026: left out of both sides.
        let prefecture = try XCTUnwrap(semester.quartiers.first { $0.quartier == "Préfecture" })
        XCTAssertEqual([prefecture.current, prefecture.previous], [0, 0])
        XCTAssertEqual(prefecture.flag, "")
        let palais = try XCTUnwrap(semester.quartiers.first { $0.quartier == "Palais" })
        XCTAssertEqual([palais.current, palais.previous], [50, 40])
        XCTAssertTrue(semester.comparedWithout.contains("RATP"), semester.comparedWithout)
    }
}

/// One decimal with a decimal comma, computed here without the code under test.
enum SVGFrench {
    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10),\(tenths % 10)"
    }
}
