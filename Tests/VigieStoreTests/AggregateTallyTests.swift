import Crypto
import Foundation
import GRDB
import VigieCore
import VigieFixtures
import VigieIngest
@testable import VigieStore
import XCTest

/// The daily and monthly aggregates a load writes (`AggregateTally`) are the GROUP BY of its
/// incidents, whether the tally is written once or in many runs merged into the tables.
final class AggregateTallyTests: XCTestCase {
    /// 4,000 seeded incidents over three years, three communes (one also in capitals), blank and unknown places, mapped
    /// and unmapped natures: the tables equal the GROUP BY of the incident rows, computed here in
    /// SQL from the incidents the load stored.
    func testLoadedAggregatesAreTheGroupByOfTheIncidents() throws {
        let config = try Fixture.config()
        let store = try Fixture.store()
        let feed = try config.feed(partner: "police-nationale", feed: "faits-marquants")
        var random = SeededRandom(seed: 21)
        let natures = ["Rixe", "Cambriolage", "Incendie de véhicule", "Vol avec violence", "Nature inconnue du flux", "Rodéo urbain"]
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
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-v14-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("old.sqlite").path)
        try Schema.migrator.migrate(queue, upTo: "v13: elected officials' asks for a diagnostic")
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
        try Schema.migrator.migrate(queue)
        try queue.read { db in
            for table in ["incident_daily", "incident_monthly"] {
                XCTAssertEqual(try String.fetchAll(db, sql: "SELECT day || ' ' || commune || ' ' || quartier || ' ' || category || ' ' || nature || ' ' || n FROM \(table) ORDER BY 1"),
                               rows.map { "\($0.0) \($0.1) \($0.2) \($0.3) \($0.4) \($0.5)" }.sorted())
                XCTAssertEqual(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", arguments: [table]), [])
            }
        }
    }
}

private extension SeededRandom {
    /// A number in 0..<n.
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
