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
        XCTAssertEqual([mesly.current, mesly.previousYear], [4, 1])
        XCTAssertNotEqual(mesly.flag, "significatif")
        XCTAssertFalse(mesly.change.contains("%"), "no percentage on a base of 1: \(mesly.change)")
        XCTAssertEqual(mesly.change, "+3")

        let palais = try XCTUnwrap(creteil.places.first { $0.name == "Palais" })
        XCTAssertEqual([palais.current, palais.previousYear], [80, 40])
        XCTAssertLessThan(ComparisonTests.exactP(80, 40), 0.01)
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
        XCTAssertEqual(creteil.categories.first { $0.category == "Dépôts sauvages" }?.yearToDate, "91")
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

/// One decimal with a decimal comma, computed here without the code under test.
enum SVGFrench {
    static func oneDecimal(_ value: Double) -> String {
        let tenths = Int((value * 10).rounded())
        return "\(tenths / 10),\(tenths % 10)"
    }
}
