import Foundation
import VigieConfig
import VigieCore
import VigiePipeline
import VigieReports
import GRDB
import VigieStore
import XCTest

/// The whole of SampleData/, loaded as `vigie demo` loads it: every file is taken, the planted
/// errors are reported where they are, the late partner and the unknown nature are named, and a
/// second load changes no extract.
final class SampleDataLoadTests: XCTestCase {
    func testSampleDataLoadsWholeAndASecondLoadChangesNoExtract() throws {
        setenv("VIGIE_HMAC_KEY", "cle-de-test-suffisamment-longue", 1)
        let sampleData = Fixture.repo.appendingPathComponent("SampleData")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-sample-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let observatory = try Observatory(configDirectory: Fixture.repo.appendingPathComponent("Config"),
                                          databasePath: folder.appendingPathComponent("vigie.sqlite").path,
                                          today: CivilDate(dayNumber: 20_780)) // 2026-11-23

        // Every file under <partner>/<feed>/ is read, counted here independently of the loader.
        let files = try FileManager.default.subpathsOfDirectory(atPath: sampleData.path)
            .filter { $0.split(separator: "/").count == 3 && !$0.split(separator: "/").last!.hasPrefix(".") }
        let first = try Demo.run(observatory, sampleData: sampleData) { _ in }
        XCTAssertEqual(first.count, files.count)
        XCTAssertEqual(first.filter { $0.status == .loaded }.count, files.count, first.filter { $0.status != .loaded }.map(\.text).joined())

        // The planted errors: each reject names its row, its column and why.
        let rejects = first.flatMap { report in report.rejects.map { (report.file, $0) } }
        XCTAssertFalse(rejects.isEmpty)
        for (file, reject) in rejects {
            XCTAssertNotNil(reject.row, file)
            XCTAssertNotNil(reject.column, file)
            XCTAssertFalse(reject.reason.isEmpty, file)
        }
        XCTAssertTrue(rejects.contains { $0.0 == "pm_94028_2025-06.csv" && $0.1.value == "2025-06-31" && $0.1.column == "A" })
        XCTAssertTrue(rejects.contains { $0.0 == "ch_incidents_2025-03.csv" && $0.1.value == "-2" })

        // OGIF sent nothing for October 2026: late, with its contact from partners.yaml.
        let ogifFiles = try FileManager.default.contentsOfDirectory(atPath: sampleData.appendingPathComponent("ogif/incidents-residences").path)
        XCTAssertFalse(ogifFiles.contains { $0.contains("2026-10") })
        let status = try LedgerStatus(config: observatory.config, store: observatory.store, today: observatory.context.today)
        let ogif = try XCTUnwrap(status.completeness.lateFeeds.first { $0.partner == "ogif" })
        XCTAssertEqual(ogif.late.map(\.period), ["2026-10"])
        XCTAssertEqual(ogif.contact?.email, observatory.config.partners.first { $0.id == "ogif" }?.contact?.email)
        XCTAssertTrue(status.completeness.text.contains(ogif.contact?.email ?? "?"))
        XCTAssertEqual(status.completeness.lateFeeds.count, 1, status.completeness.text)
        XCTAssertEqual(status.unclassifiedNatures.map(\.nature), ["Squat de cave"])

        // The corrected Créteil Habitat file of September 2026 replaced the first one.
        let correction = try XCTUnwrap(first.first { $0.file == "ch_incidents_2026-09_corrige.csv" })
        XCTAssertEqual(correction.superseded.map(\.file), ["ch_incidents_2026-09.csv"])

        // The demo's bulletins, on the sample period.
        let written = try Demo.writeBulletins(observatory, out: folder.appendingPathComponent("bulletins"))
        let names = Set(written.map(\.lastPathComponent))
        for name in ["weekly_2026-W47_94002.html", "weekly_2026-W47_94028.html", "weekly_2026-W47_94044.html",
                     "monthly_2026-10.html", "semester_2026-S1.html", "diagnostic_2026-01_2026-10_cre-mont-mesly_incendies.html"] {
            XCTAssertTrue(names.contains(name), "\(name) not in \(names.sorted())")
        }
        for url in written { XCTAssertTrue(FileManager.default.fileExists(atPath: url.path), url.path) }
        let html = try written.filter { $0.pathExtension == "html" }.map { try String(contentsOf: $0, encoding: .utf8) }
        XCTAssertFalse(html.contains { $0.contains("src=\"http") || $0.contains("href=\"http") || $0.contains("url(http") }, "no external resource")
        // Every vehicle fire in Créteil in the sample week 47 is in Créteil's weekly (arson is serious),
        // and the knife attack in Alfortville is in Alfortville's, for its weapon.
        let week47 = try String(contentsOf: sampleData.appendingPathComponent("police-nationale/faits-marquants/faits-marquants_2026-W47.csv"),
                                encoding: .windowsCP1252)
        let fires = week47.components(separatedBy: .newlines).filter { $0.contains(";Créteil;") && $0.contains("Incendie de véhicule") }.count
        XCTAssertGreaterThan(fires, 0)
        let context = BulletinContext(config: observatory.config, store: observatory.store, today: observatory.context.today)
        let creteil = try WeeklyBulletin.build(week: .isoWeek(2026, 47), commune: "94028", context: context)
        XCTAssertEqual(creteil.entries.filter { $0.nature == "Incendie de véhicule" }.count, fires)
        XCTAssertTrue(creteil.entries.contains { $0.nature == "Incendie de véhicule" && $0.reasons.contains { $0.contains("dans le quartier Mont-Mesly") } })
        let alfortville = try WeeklyBulletin.build(week: .isoWeek(2026, 47), commune: "94002", context: context)
        XCTAssertTrue(alfortville.entries.contains { $0.nature == "Agression à l'arme blanche" && $0.reasons.contains("Fait grave : arme utilisée.") })
        // OGIF's missing October is « non reçu » in the monthly, never 0.
        let monthly = try MonthlyBulletin.build(month: .month(2026, 10), context: context)
        XCTAssertTrue(monthly.notReceived.contains { $0.hasPrefix("OGIF") }, "\(monthly.notReceived)")
        let ogifRow = monthly.areas.first { $0.scope == "94002" }?.sources.first { $0.source.hasPrefix("OGIF") }
        XCTAssertEqual(ogifRow?.current, "non reçu")

        // Whole months are read from the monthly aggregate: they equal the daily figures summed
        // by month here, and every current incident is in it once.
        let groups: [IncidentGrouping] = [.period, .feed, .commune, .quartier, .category]
        var summed: [[String]: Int] = [:]
        for row in try observatory.store.incidentTotals(by: groups, step: .day) {
            summed[[String(row.keys[0].prefix(7))] + row.keys.dropFirst(), default: 0] += row.total
        }
        let byMonth = try observatory.store.incidentTotals(by: groups, step: .month)
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: byMonth.map { ($0.keys, $0.total) }), summed)
        let (inMonths, incidents) = try observatory.store.read { db in
            (try Int.fetchOne(db, sql: "SELECT SUM(n) FROM incident_monthly") ?? 0, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM incident") ?? 0)
        }
        XCTAssertEqual(inMonths, incidents)
        // A range that is not whole months is read by day, and still agrees.
        let october = try observatory.store.incidentTotals(by: [], from: CivilDate(dayNumber: 20_727), to: CivilDate(dayNumber: 20_757)) // 2026-10-01…31
        let octoberButFirst = try observatory.store.incidentTotals(by: [], from: CivilDate(dayNumber: 20_728), to: CivilDate(dayNumber: 20_757))
        let firstOctober = try observatory.store.incidentTotals(by: [], step: .day, from: CivilDate(dayNumber: 20_727), to: CivilDate(dayNumber: 20_727))
        XCTAssertEqual(october.first?.total, summed.filter { $0.key[0] == "2026-10" }.values.reduce(0, +))
        XCTAssertEqual(october.first?.total, (octoberButFirst.first?.total ?? 0) + (firstOctober.first?.total ?? 0))

        func extracts() throws -> [[CountTotal]] {
            try [
                observatory.store.countTotals(by: [.partner, .feed, .period, .unit, .code]),
                observatory.store.countTotals(by: [.commune, .quartier, .category, .period]),
                observatory.store.incidentTotals(by: [.feed, .period, .commune, .quartier, .category, .nature], step: .day),
                observatory.store.incidentTotals(by: [.partner, .period], step: .week),
                observatory.store.incidentTotals(by: [.partner, .period, .quartier], step: .month),
            ]
        }
        let before = try extracts()
        XCTAssertGreaterThan(before[2].count, 1000)
        let second = try Demo.run(observatory, sampleData: sampleData) { _ in }
        XCTAssertEqual(second.filter { $0.status == .alreadyLoaded }.count, files.count)
        XCTAssertEqual(try extracts(), before)
    }
}
