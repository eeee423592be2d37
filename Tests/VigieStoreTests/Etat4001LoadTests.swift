import Foundation
import VigieConfig
import VigieCore
import VigieIngest
import VigieStore
import XCTest

/// The état 4001 adapter and the store together, on tables written in the test.
final class Etat4001LoadTests: XCTestCase {
    var config: Configuration!
    var store: Store!

    override func setUpWithError() throws {
        config = try Fixture.config()
        store = try Fixture.store()
    }

    func feed(_ partner: String = "police-nationale", _ id: String = "etat4001", maxRejected: Int?? = nil) throws -> Feed {
        var feed = try config.feed(partner: partner, feed: id)
        if let maxRejected { feed.maxRejectedRows = maxRejected }
        return feed
    }

    @discardableResult
    func load(_ table: MemoryTable, name: String = "etat4001.csv", sha: String? = nil, feed: Feed? = nil,
              period: Period? = nil) throws -> LoadOutcome {
        let feed = try feed ?? self.feed()
        let adapter = FeedAdapters.adapter(for: feed, context: Fixture.context(config), fileName: name, period: period)
        let file = ReceivedFile(name: name, sha256: sha ?? UUID().uuidString, size: 1)
        return try store.load(file, feed: feed) { sink in try adapter.read(table, into: sink) }
    }

    func totals(_ by: [CountGrouping], feed: String? = nil) throws -> [String: Int] {
        Dictionary(uniqueKeysWithValues: try store.countTotals(by: by, feed: feed).map { ($0.keys.joined(separator: "|"), $0.total) })
    }

    func report(_ outcome: LoadOutcome, file: StaticString = #filePath, line: UInt = #line) -> LoadReport? {
        guard case .loaded(let report) = outcome else { XCTFail("not loaded: \(outcome)", file: file, line: line); return nil }
        return report
    }

    // MARK: - Local monthly layout

    func testLocalMonthlyLoadsEveryValueOfEveryCommuneWithItsSourceRow() throws {
        let value = { (index: Int, column: Int) in (index * 7 + column * 13) % 23 }
        let rows = Fixture.localMonthly(value: value)
        let r = try XCTUnwrap(report(try load(MemoryTable(rows))))
        XCTAssertEqual(r.periods, [.month(2026, 10)])
        XCTAssertEqual(r.submission.rowsRead, 107)
        XCTAssertEqual(r.submission.rowsRejected, 0)
        XCTAssertEqual(r.submission.valuesLoaded, 107 * 3)

        // Expected sums straight from the rows written above (columns C, D, E).
        let expected = ["94002": 2, "94028": 3, "94044": 4].mapValues { col in rows.dropFirst(3).reduce(0) { $0 + (Int($1[col]) ?? 0) } }
        let byCommune = try totals([.commune])
        XCTAssertEqual(byCommune, expected)

        // Provenance: index 7 for Créteil is row 3 + 7 = 10, column D.
        let sources = try store.countSources(period: .month(2026, 10), unit: "94028", code: "4001-07")
        XCTAssertEqual(sources.count, 1)
        XCTAssertEqual(sources.first?.row, 10)
        XCTAssertEqual(sources.first?.column, "D")
        XCTAssertEqual(sources.first?.value, Int(rows[9][3]))
        XCTAssertEqual(sources.first?.fileName, "etat4001.csv")
    }

    func testCategoriesComeFromTheNomenclature() throws {
        let rows = Fixture.localMonthly { index, _ in index == 62 || index == 63 ? 5 : 0 }
        try load(MemoryTable(rows))
        let byCategory = try totals([.category])
        XCTAssertEqual(byCategory["incendies"], 2 * 3 * 5)
        XCTAssertEqual(byCategory.values.reduce(0, +), 30)
    }

    func testTheSameBytesTwiceChangeNothing() throws {
        let table = MemoryTable(Fixture.localMonthly { i, c in i + c })
        _ = try XCTUnwrap(report(try load(table, sha: "abc")))
        let before = try totals([.period, .unit, .code])
        let second = try load(table, name: "renamed copy.csv", sha: "abc")
        guard case .alreadyLoaded(let earlier) = second else { return XCTFail("\(second)") }
        XCTAssertEqual(earlier.fileName, "etat4001.csv")
        XCTAssertEqual(try totals([.period, .unit, .code]), before)
        XCTAssertEqual(try store.submissions().count, 1)
    }

    func testACorrectedFileForTheSamePeriodReplacesTheFirstAndBothStayInTheLedger() throws {
        let first = Fixture.localMonthly { i, c in i % 5 + c }
        let corrected = Fixture.localMonthly { i, c in i % 3 + 2 * c }
        let r1 = try XCTUnwrap(report(try load(MemoryTable(first), name: "etat4001_2026-10.csv")))
        let r2 = try XCTUnwrap(report(try load(MemoryTable(corrected), name: "etat4001_2026-10 corrigé.csv")))
        XCTAssertEqual(r2.superseded.map(\.id), [r1.submission.id])

        let expected = corrected.dropFirst(3).reduce(0) { $0 + (Int($1[3]) ?? 0) }
        XCTAssertEqual(try totals([.commune])["94028"], expected)
        let ledger = try store.submissions()
        XCTAssertEqual(ledger.count, 2)
        XCTAssertEqual(ledger.first { $0.id == r1.submission.id }?.status, .superseded)
        XCTAssertEqual(ledger.first { $0.id == r2.submission.id }?.status, .loaded)
        // The first file's rows are kept, marked as no longer counting.
        let sources = try store.countSources(period: .month(2026, 10), unit: "94028", code: "4001-01")
        XCTAssertEqual(sources.map(\.current), [false, true])
    }

    func testAnotherMonthDoesNotSupersede() throws {
        try load(MemoryTable(Fixture.localMonthly(title: "État 4001 — septembre 2026") { _, _ in 1 }))
        try load(MemoryTable(Fixture.localMonthly(title: "État 4001 — octobre 2026") { _, _ in 2 }))
        XCTAssertEqual(try totals([.period]), ["2026-09": 103 * 3, "2026-10": 103 * 3 * 2])
        XCTAssertTrue(try store.submissions().allSatisfy { $0.status == .loaded })
    }

    func testAFailureHalfwayLeavesTheStoreAsItWas() throws {
        try load(MemoryTable(Fixture.localMonthly(title: "État 4001 — septembre 2026") { i, _ in i }))
        let before = try totals([.period, .unit, .code])
        let ledgerBefore = try store.submissions()

        let feed = try feed()
        let adapter = FeedAdapters.adapter(for: feed, context: Fixture.context(config), fileName: "etat4001.csv", period: nil)
        let table = MemoryTable(Fixture.localMonthly { _, _ in 9 })
        XCTAssertThrowsError(try store.load(ReceivedFile(name: "etat4001.csv", sha256: "x", size: 1), feed: feed) { sink in
            try adapter.read(table, into: FailingSink(sink, failAfter: 150))
        }) { XCTAssertTrue($0 is FailingSink.InjectedFailure, "\($0)") }

        XCTAssertEqual(try totals([.period, .unit, .code]), before)
        XCTAssertEqual(try store.submissions(), ledgerBefore)
    }

    // MARK: - Rejects and refusals

    func testBadValuesAreRejectedWithRowColumnAndReasonAndTheRestLoads() throws {
        var rows = Fixture.localMonthly { _, _ in 2 }
        rows[3 + 7 - 1][3] = "12,5"      // index 7, Créteil (D), not whole
        rows[3 + 8 - 1][2] = "-3"        // index 8, Alfortville (C), negative
        rows[3 + 9 - 1][4] = "n.c."      // index 9, Limeil (E), not a number
        rows.append(["108", "index inexistant", "1", "1", "1", "3"])
        for i in [7, 8, 9] { rows[3 + i - 1][5] = "" } // no Total check on the edited rows
        let r = try XCTUnwrap(report(try load(MemoryTable(rows), feed: try feed(maxRejected: .some(nil)))))
        XCTAssertEqual(r.submission.rowsRead, 108)
        XCTAssertEqual(r.submission.rowsRejected, 4)
        let byPlace = Dictionary(uniqueKeysWithValues: r.rejects.map { ("\($0.sourceRow ?? 0)\($0.sourceColumn ?? "")", $0) })
        XCTAssertEqual(byPlace["10D"]?.value, "12,5")
        XCTAssertTrue(byPlace["10D"]?.reason.contains("non entier") == true)
        XCTAssertTrue(byPlace["11C"]?.reason.contains("négatif") == true)
        XCTAssertTrue(byPlace["12E"]?.reason.contains("pas un nombre") == true)
        XCTAssertTrue(byPlace["111A"]?.reason.contains("index 108 hors de 1 à 107") == true)
        // 103 used index × 3 communes × 2, less the three rejected values.
        XCTAssertEqual(try totals([.period])["2026-10"], 103 * 3 * 2 - 3 * 2)
    }

    func testMoreRejectedRowsThanTheFeedToleratesRefusesTheFileAndKeepsTheReason() throws {
        var rows = Fixture.localMonthly { _, _ in 1 }
        rows[3][2] = "x"
        let outcome = try load(MemoryTable(rows), name: "etat4001_2026-10.csv", feed: try feed(maxRejected: .some(0)))
        guard case .refused(let refused, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(error.description.contains("ligne 4, colonne C"), error.description)
        XCTAssertEqual(refused.status, .refused)
        XCTAssertEqual(try store.submissions().map(\.status), [.refused])
        XCTAssertEqual(try store.countTotals(by: []), [])
    }

    func testAFileWithoutHeaderIsRefusedWithAMessage() throws {
        let outcome = try load(MemoryTable([["Alfortville", "Créteil"], ["1", "2"]]))
        guard case .refused(_, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(error.description.contains("aucune ligne d'en-tête « Index »"), error.description)
        XCTAssertEqual(try store.countTotals(by: []), [])
    }

    func testAnUnknownCommuneColumnRefusesTheFileAndNamesTheColumn() throws {
        let rows = Fixture.localMonthly(communes: ["Alfortville", "Sucy-en-Brie"]) { _, _ in 1 }
        let outcome = try load(MemoryTable(rows))
        guard case .refused(_, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(error.location?.row, 3)
        XCTAssertEqual(error.location?.column, "D")
        XCTAssertTrue(error.description.contains("« Sucy-en-Brie » n'est ni une commune ni un service"), error.description)
    }

    func testAMonthThatContradictsTheCommandLineRefusesTheFile() throws {
        let outcome = try load(MemoryTable(Fixture.localMonthly { _, _ in 1 }), period: .month(2026, 9))
        guard case .refused(_, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(error.description.contains("le titre indique 2026-10 mais --period dit 2026-09"), error.description)
    }

    func testTheMonthComesFromTheFileNameOrTheCommandLineWhenTheTitleIsSilent() throws {
        let rows = Fixture.localMonthly(title: "État 4001 Plaine Centrale") { _, _ in 1 }
        XCTAssertEqual(report(try load(MemoryTable(rows), name: "4001_2026-03.csv"))?.periods, [.month(2026, 3)])
        XCTAssertEqual(report(try load(MemoryTable(rows), name: "etat.csv", period: .month(2026, 4)))?.periods, [.month(2026, 4)])
        guard case .refused(_, let error) = try load(MemoryTable(rows), name: "etat.csv") else { return XCTFail() }
        XCTAssertTrue(error.description.contains("période introuvable"), error.description)
    }

    func testATotalThatDoesNotAddUpIsReported() throws {
        var rows = Fixture.localMonthly { _, _ in 1 }
        rows[3 + 5 - 1][5] = "99" // Total column of index 5
        rows.append(["Total", "", "103", "103", "100", ""]) // 103 used index × 1 in each column
        let r = try XCTUnwrap(report(try load(MemoryTable(rows), feed: try feed(maxRejected: .some(nil)))))
        let reasons = r.rejects.map { "\($0.sourceRow ?? 0)\($0.sourceColumn ?? ""): \($0.reason)" }
        XCTAssertEqual(reasons.count, 2, "\(reasons)")
        XCTAssertTrue(reasons.contains { $0.hasPrefix("8F:") && $0.contains("(99)") && $0.contains("(3)") }, "\(reasons)")
        XCTAssertTrue(reasons.contains { $0.hasPrefix("111E:") && $0.contains("100") && $0.contains("103") }, "\(reasons)")
        // The values themselves are all loaded: a wrong total is the partner's arithmetic, not data.
        XCTAssertEqual(try totals([.period])["2026-10"], 103 * 3)
    }

    // MARK: - Public layouts

    func testServicesWorkbookSheetsAreYearlyAndKeepUnknownServicesAsTheirOwnUnits() throws {
        func pn(_ year: Int) -> [[String]] {
            var rows = [["Année \(year) - services de police", "Départements", "94", "94", "75"],
                        ["", "Périmètres", "DCSP", "DCSP", "PP"],
                        ["Code index", "Libellé index \\ CSP", "DTSP94 CRETEIL", "DTSP94 BOISSY ST LEGER", "PARIS 1ER"]]
            for i in 1...107 {
                let used = ![96, 97, 99, 100].contains(i)
                rows.append([String(i), "l\(i)"] + [i % 4, i % 3, i % 2].map { String(used ? $0 : 0) })
            }
            return rows
        }
        var gn = [["Année 2020 - compagnies de gendarmerie", "Départements", "77"],
                  ["Code index", "Libellé index \\ CGD", "CGD MEAUX", ""]]
        for i in 1...107 { gn.append([String(i), "l\(i)", [96, 97, 99, 100].contains(i) ? "" : "1", ""]) }
        let table = MemoryTable(sheets: [("Présentation", []), ("Services PN 2019", pn(2019)), ("Services PN 2020", pn(2020)), ("Services GN 2020", gn)])
        let r = try XCTUnwrap(report(try load(table, name: "services.xlsx", feed: try feed("ssmsi", "etat4001-services"))))
        XCTAssertEqual(r.periods, [.year(2019), .year(2020)])
        let sums = try totals([.unit, .period])
        let used = (1...107).filter { ![96, 97, 99, 100].contains($0) }
        XCTAssertEqual(sums["DTSP94 CRETEIL|2020"], used.reduce(0) { $0 + $1 % 4 })
        XCTAssertEqual(sums["DTSP94 BOISSY ST LEGER|2019"], used.reduce(0) { $0 + $1 % 3 })
        XCTAssertEqual(sums["PARIS 1ER|2020"], used.reduce(0) { $0 + $1 % 2 })
        XCTAssertEqual(sums["CGD MEAUX|2020"], 103)
        XCTAssertEqual(r.rejects, [])
        // Only the service that is exactly one commune carries it.
        XCTAssertEqual(try totals([.commune, .period])["94028|2020"], used.reduce(0) { $0 + $1 % 4 })
    }

    func testTimeSeriesColumnsAreMonthsForTheSheetsUnit() throws {
        var rows = [["Index", "Libellé index", "_2026_10", "_2026_09", "2026_08"]]
        for i in 1...107 { rows.append([String(i), "l\(i)", "1 000", "2", String(i % 5)]) }
        let table = MemoryTable(sheets: [("94", rows)])
        let r = try XCTUnwrap(report(try load(table, name: "tableaux-4001-ts.xlsx", feed: try feed("ssmsi", "etat4001-ts"))))
        XCTAssertEqual(r.periods, [.month(2026, 8), .month(2026, 9), .month(2026, 10)])
        let sums = try totals([.unit, .period])
        XCTAssertEqual(sums["94|2026-10"], 103 * 1000)
        XCTAssertEqual(sums["94|2026-09"], 103 * 2)
        XCTAssertEqual(sums["94|2026-08"], (1...107).filter { ![96, 97, 99, 100].contains($0) }.reduce(0) { $0 + $1 % 5 })
    }

    func testADuplicatedIndexRowIsRejectedWithTheRowItRepeats() throws {
        var rows = Fixture.localMonthly { _, _ in 1 }
        rows.append(["7", "encore l'index 7", "5", "5", "5", "15"])
        let r = try XCTUnwrap(report(try load(MemoryTable(rows), feed: try feed(maxRejected: .some(nil)))))
        // Index 7 is row 10 and row 111: each of its three values is rejected on both rows, neither 1 nor 5 is kept.
        XCTAssertEqual(r.rejects.count, 6)
        XCTAssertEqual(Set(r.rejects.map { $0.sourceRow ?? 0 }), [10, 111])
        XCTAssertTrue(r.rejects.contains { $0.sourceRow == 111 && $0.sourceColumn == "C" && $0.reason.contains("« 4001-07 » est déjà donné ligne 10, colonne C (1)") })
        XCTAssertEqual(r.submission.rowsRejected, 2)
        XCTAssertEqual(try totals([.period])["2026-10"], 103 * 3 - 3)
    }
}
