import Crypto
import Foundation
import GRDB
import VigieCore
import VigieFixtures
import VigieIngest
@testable import VigieStore
import XCTest

/// The monthly aggregate a load writes (`AggregateTally`) and the daily one (a view since v15) are
/// the GROUP BY of its incidents, whether the tally is written once or in many runs merged into
/// the table; totals over any range of days are those counted on the incidents.
final class AggregateTallyTests: XCTestCase {
    /// 4,000 seeded incidents over three years, three communes (one also in capitals), blank and unknown places, mapped
    /// and unmapped natures: the tables equal the GROUP BY of the incident rows, computed here in
    /// SQL from the incidents the load stored.
    func testLoadedAggregatesAreTheGroupByOfTheIncidents() throws {
        let config = try Fixture.config()
        let store = try Fixture.store()
        let feed = try config.feed(partner: "police-nationale", feed: "faits-marquants")
        var random = SeededRandom(seed: 21)
        // « Incendie de véhicule » twice: é composed (NFC) and e + combining accent (NFD). Swift's ==
        // says they are equal, SQLite's GROUP BY that they are two natures: the tally sides with the store.
        let natures = ["Rixe", "Cambriolage", "Incendie de v\u{E9}hicule", "Incendie de ve\u{301}hicule", "Vol avec violence",
                       "Nature inconnue du flux", "Rodéo urbain"]
        let communes = ["Créteil", "Alfortville", "Limeil-Brévannes", "CRETEIL"]
        let places = ["", "19 Rue des Écoles", "3 Rue Véron", "12 Rue Paul Vaillant-Couturier", "Lieu inconnu"]
        var rows = [["Date des faits", "Heure", "Commune", "Lieu", "Nature", "Résumé", "Arme", "N° de procédure"]]
        for i in 0..<4_000 {
            let date = CivilDate(dayNumber: 19_700 + random.below(1_080))
            rows.append([date.french, "12:00", communes[random.below(communes.count)], places[random.below(places.count)],
                         natures[random.below(natures.count)], "", "non", "P\(i)"])
        }
        let adapter = FeedAdapters.adapter(for: feed, context: Fixture.context(config), fileName: "fm_2026-W47.csv", period: nil,
                                           hmacKey: SymmetricKey(data: Data("une clé de test de trente-deux octets".utf8)))
        _ = try store.load(ReceivedFile(name: "fm_2026-W47.csv", sha256: "a", size: 1), feed: feed) { try adapter.read(MemoryTable(rows), into: $0) }
        XCTAssertEqual(try Int.fetchOne(store, sql: "SELECT COUNT(*) FROM incident"), 4_000)

        let (daily, expectedDaily, monthly, expectedMonthly) = try DatabaseQueue(path: store.path).read { db in
            (try String.fetchAll(db, sql: "SELECT submission_id || '|' || day || '|' || commune || '|' || sector || '|' || quartier || '|' || category || '|' || nature || '|' || n FROM incident_daily ORDER BY 1"),
             try String.fetchAll(db, sql: """
                SELECT submission_id || '|' || day || '|' || commune || '|' || COALESCE(sector, '') || '|' || COALESCE(quartier, '') || '|'
                       || COALESCE(category, '') || '|' || nature || '|' || COUNT(*)
                FROM incident GROUP BY submission_id, day, commune, sector, quartier, category, nature ORDER BY 1
                """),
             try String.fetchAll(db, sql: "SELECT submission_id || '|' || date(day * 86400, 'unixepoch') || '|' || commune || '|' || sector || '|' || quartier || '|' || category || '|' || nature || '|' || n FROM incident_monthly ORDER BY 1"),
             try String.fetchAll(db, sql: """
                SELECT submission_id || '|' || substr(date, 1, 7) || '-01|' || commune || '|' || COALESCE(sector, '') || '|' || COALESCE(quartier, '') || '|'
                       || COALESCE(category, '') || '|' || nature || '|' || COUNT(*)
                FROM incident GROUP BY submission_id, substr(date, 1, 7), commune, sector, quartier, category, nature ORDER BY 1
                """))
        }
        XCTAssertGreaterThan(expectedDaily.count, 2_000, "most incidents have a day, place and nature of their own")
        XCTAssertEqual(daily, expectedDaily)
        XCTAssertEqual(monthly, expectedMonthly)
        XCTAssertTrue(expectedDaily.contains { $0.contains("||Nature inconnue du flux|") }, "« non classé » is kept as ''")
        XCTAssertTrue(expectedMonthly.contains { $0.contains("|Incendie de ve\u{301}hicule|") }
                      && expectedMonthly.contains { $0.contains("|Incendie de v\u{E9}hicule|") }, "both spellings stored as written")
    }

    /// Long texts, all different, are handed out once their bytes reach the bound, whatever the
    /// number of keys: every incident counted once, in one of the runs.
    func testTextsHeldAreBoundedInBytes() {
        var tally = AggregateTally(limit: 1_000, textBytes: 10_000)
        let date = CivilDate(year: 2026, month: 11, day: 23)!
        var runs: [AggregateTally.Rows] = []
        for i in 0..<50 {
            let nature = String(repeating: "x", count: 1_000) + " \(i)"
            tally.add(AggregateTally.Input(IncidentFact(
                date: date, time: nil, place: ResolvedPlace(commune: "94028", sector: nil, quartier: nil, level: .commune),
                placeText: nil, nature: nature, category: nil, description: nil, weapon: nil, target: nil, followUp: nil,
                line: nil, channel: nil, reference: nil, extra: [:], source: SourceRef(sheet: nil, row: i + 2, column: "A"))))
            runs += tally.take(final: false)
            XCTAssertLessThan(runs.isEmpty ? 0 : runs.map(\.names.bytes.count).max()!, 10_000 + 1_010, "a run holds at most one text past the bound")
        }
        runs += tally.take(final: true)
        // 50 texts of about 1,003 bytes (plus the commune and the '' of the blanks): a run every 9 or 10 natures.
        XCTAssertGreaterThanOrEqual(runs.count, 5)
        XCTAssertEqual(runs.flatMap(\.monthly).map(\.n).reduce(0, +), 50)
    }

    /// A tally written in runs of at most 7 keys merges each run into the rows already there:
    /// the tables hold the counts made here independently, not the last run's.
    func testRunsAreAddedToTheRowsAlreadyWritten() throws {
        let store = try Fixture.store()
        var random = SeededRandom(seed: 4)
        var expectedDaily: [String: Int] = [:], expectedMonthly: [String: Int] = [:]
        try DatabaseQueue(path: store.path).write { db in
            try db.execute(sql: """
                INSERT INTO submission (id, partner, feed, file_name, sha256, size, received_at, status, rows_read, rows_loaded, rows_rejected, values_loaded)
                VALUES (1, 'p', 'f', 'f.csv', 'x', 1, '2026-11-23T00:00:00Z', 'loaded', 0, 0, 0, 0)
                """)
            let sink = try StoreSink(db: db, submissionID: 1, tallyLimit: 7)
            for _ in 0..<500 {
                let date = CivilDate(dayNumber: 20_600 + random.below(90))
                let commune = ["94028", "94002"][random.below(2)]
                let quartier: String? = random.below(3) == 0 ? nil : "q\(random.below(3))"
                let nature = ["Rixe", "Vol"][random.below(2)]
                let category: String? = nature == "Rixe" ? "violences-personnes" : nil
                try sink.add(IncidentFact(date: date, time: nil, place: ResolvedPlace(commune: commune, sector: nil, quartier: quartier, level: .quartier),
                                           placeText: nil, nature: nature, category: category, description: nil, weapon: nil, target: nil,
                                           followUp: nil, line: nil, channel: nil, reference: nil, extra: [:],
                                           source: SourceRef(sheet: nil, row: 1, column: "A")))
                let rest = "|\(commune)||\(quartier ?? "")|\(category ?? "")|\(nature)"
                expectedDaily["\(date.dayNumber)" + rest, default: 0] += 1
                expectedMonthly["\(CivilDate(year: date.year, month: date.month, day: 1)!.dayNumber)" + rest, default: 0] += 1
            }
            try sink.finish()
        }
        func table(_ name: String) throws -> [String: Int] {
            let rows = try DatabaseQueue(path: store.path).read { db in
                try Row.fetchAll(db, sql: "SELECT day || '|' || commune || '|' || sector || '|' || quartier || '|' || category || '|' || nature AS k, n FROM \(name)")
            }
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["k"] as String, $0["n"] as Int) })
        }
        XCTAssertGreaterThan(expectedDaily.count, 7 * 20, "many runs of 7 keys")
        XCTAssertEqual(try table("incident_daily"), expectedDaily)
        XCTAssertEqual(try table("incident_monthly"), expectedMonthly)
    }
}

extension AggregateTallyTests {
    /// Migration v14 keys the aggregates by day first: a store of v13 keeps every row and count,
    /// and the by-day indexes that duplicated the tables are gone.
    func testV14KeepsTheRowsOfAnOlderStore() throws {
        let (queue, folder) = try Self.olderStore(upTo: "v13: elected officials' asks for a diagnostic")
        defer { try? FileManager.default.removeItem(at: folder) }
        let rows = [(20_700, "94028", "q1", "vols", "Vol", 3), (20_701, "94028", "", "", "Inconnu", 1), (20_700, "94002", "", "vols", "Vol", 2)]
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO submission (id, partner, feed, file_name, sha256, size, received_at, status, rows_read, rows_loaded, rows_rejected, values_loaded)
                VALUES (1, 'p', 'f', 'f.csv', 'x', 1, '2026-11-23T00:00:00Z', 'loaded', 0, 0, 0, 0)
                """)
            for r in rows {
                for table in ["incident_daily", "incident_monthly"] {
                    try db.execute(sql: "INSERT INTO \(table) (submission_id, day, commune, quartier, category, nature, n) VALUES (1, ?, ?, ?, ?, ?, ?)",
                                   arguments: [r.0, r.1, r.2, r.3, r.4, r.5])
                }
            }
        }
        try Schema.migrator.migrate(queue, upTo: "v14: aggregates keyed by day first")
        try queue.read { db in
            for table in ["incident_daily", "incident_monthly"] {
                XCTAssertEqual(try String.fetchAll(db, sql: "SELECT day || ' ' || commune || ' ' || quartier || ' ' || category || ' ' || nature || ' ' || n FROM \(table) ORDER BY 1"),
                               rows.map { "\($0.0) \($0.1) \($0.2) \($0.3) \($0.4) \($0.5)" }.sorted())
                XCTAssertEqual(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", arguments: [table]), [])
            }
        }
    }
}

extension AggregateTallyTests {
    /// Migration v15 reads the days from the incidents: the view gives the rows the table held.
    func testV15DailyViewGivesTheRowsTheTableHeld() throws {
        let (queue, folder) = try Self.olderStore(upTo: "v14: aggregates keyed by day first")
        defer { try? FileManager.default.removeItem(at: folder) }
        var random = SeededRandom(seed: 15)
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO submission (id, partner, feed, file_name, sha256, size, received_at, status, rows_read, rows_loaded, rows_rejected, values_loaded)
                VALUES (1, 'p', 'f', 'f.csv', 'x', 1, '2026-11-23T00:00:00Z', 'loaded', 0, 0, 0, 0)
                """)
            for row in 0..<300 {
                let day = 20_700 + random.below(20)
                let sector: String? = random.below(2) == 0 ? nil : "s1"
                let quartier: String? = random.below(3) == 0 ? nil : "q\(random.below(2))"
                let category: String? = random.below(4) == 0 ? nil : "vols"
                try db.execute(sql: """
                    INSERT INTO incident (submission_id, date, day, commune, sector, quartier, place_level, nature, category, source_row)
                    VALUES (1, date(? * 86400, 'unixepoch'), ?, '94028', ?, ?, 'quartier', ?, ?, ?)
                    """, arguments: [day, day, sector, quartier, ["Vol", "Rixe"][random.below(2)], category, row + 2])
            }
            // What a v14 load wrote: the GROUP BY of the incidents, absent texts as ''.
            try db.execute(sql: """
                INSERT INTO incident_daily (day, submission_id, commune, sector, quartier, category, nature, n)
                SELECT day, submission_id, commune, COALESCE(sector, ''), COALESCE(quartier, ''), COALESCE(category, ''), nature, COUNT(*)
                FROM incident GROUP BY 1, 2, 3, 4, 5, 6, 7
                """)
        }
        let dump = "SELECT day || ' ' || commune || ' ' || sector || ' ' || quartier || ' ' || category || ' ' || nature || ' ' || n FROM incident_daily ORDER BY 1"
        let before = try queue.read { db in try String.fetchAll(db, sql: dump) }
        try Schema.migrator.migrate(queue)
        XCTAssertGreaterThan(before.count, 50)
        XCTAssertEqual(try queue.read { db in try String.fetchAll(db, sql: dump) }, before)
        XCTAssertEqual(try queue.read { db in try String.fetchOne(db, sql: "SELECT type FROM sqlite_master WHERE name = 'incident_daily'") }, "view")
    }

    /// Totals over days, weeks, whole and partial months, open ranges: what the incidents
    /// counted here give, whichever of the monthly aggregate and the incidents the store reads.
    func testTotalsOverAnyRangeAreTheIncidentsCounted() throws {
        let config = try Fixture.config()
        let store = try Fixture.store()
        let feed = try config.feed(partner: "police-nationale", feed: "faits-marquants")
        var random = SeededRandom(seed: 8)
        var rows = [["Date des faits", "Heure", "Commune", "Lieu", "Nature", "Résumé", "Arme", "N° de procédure"]]
        var dated: [(date: CivilDate, commune: String, nature: String)] = []
        for i in 0..<3_000 {
            let date = CivilDate(dayNumber: 20_300 + random.below(200))
            let commune = ["Créteil", "Alfortville"][random.below(2)]
            let nature = ["Rixe", "Cambriolage", "Nature inconnue du flux"][random.below(3)]
            rows.append([date.french, "12:00", commune, "", nature, "", "non", "P\(i)"])
            dated.append((date, commune == "Créteil" ? "94028" : "94002", nature))
        }
        let adapter = FeedAdapters.adapter(for: feed, context: Fixture.context(config), fileName: "fm.csv", period: nil,
                                           hmacKey: SymmetricKey(data: Data("une clé de test de trente-deux octets".utf8)))
        _ = try store.load(ReceivedFile(name: "fm.csv", sha256: "b", size: 1), feed: feed) { try adapter.read(MemoryTable(rows), into: $0) }

        let days = dated.map(\.date.dayNumber)
        let ranges: [(CivilDate?, CivilDate?)] = [
            (CivilDate(year: 2025, month: 8, day: 17), CivilDate(year: 2025, month: 11, day: 3)),   // partial, whole months, partial
            (CivilDate(year: 2025, month: 9, day: 1), CivilDate(year: 2025, month: 10, day: 31)),   // whole months
            (CivilDate(year: 2025, month: 9, day: 3), CivilDate(year: 2025, month: 9, day: 20)),    // inside one month
            (nil, CivilDate(year: 2025, month: 10, day: 12)), (CivilDate(year: 2025, month: 10, day: 12), nil), (nil, nil),
        ]
        XCTAssertTrue(days.contains { $0 < CivilDate(year: 2025, month: 8, day: 17)!.dayNumber }, "the incidents cover the ranges' edges")
        for (from, to) in ranges {
            let inside = dated.filter { incident in (from.map { incident.date >= $0 } ?? true) && (to.map { incident.date <= $0 } ?? true) }
            for step in [PeriodStep.month, .week] {
                var expected: [[String]: Int] = [:]
                for incident in inside { expected[[step.label(incident.date), incident.commune], default: 0] += 1 }
                let totals = try store.incidentTotals(by: [.period, .commune], step: step, from: from, to: to)
                XCTAssertEqual(Dictionary(uniqueKeysWithValues: totals.map { ($0.keys, $0.total) }), expected, "\(step) \(String(describing: from))…\(String(describing: to))")
            }
            var byNature: [[String]: Int] = [:]
            for incident in inside { byNature[[incident.commune, incident.nature], default: 0] += 1 }
            let totals = try store.incidentTotals(by: [.commune, .nature], from: from, to: to)
            XCTAssertEqual(Dictionary(uniqueKeysWithValues: totals.map { ($0.keys, $0.total) }), byNature)
        }
    }
}

extension AggregateTallyTests {
    /// A store in a temporary folder (removed by the caller), migrated up to `migration` only.
    static func olderStore(upTo migration: String) throws -> (DatabaseQueue, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-older-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("old.sqlite").path)
        try Schema.migrator.migrate(queue, upTo: migration)
        return (queue, folder)
    }
}

private extension SeededRandom {
    /// A number in 0..<n.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
