import Crypto
import Foundation
import GRDB
import VigieCore
import VigieIngest
import VigieStore
import XCTest

/// `Store.reclassify`: rows loaded « non classé » take a category, aggregates merged.
final class ReclassificationTests: XCTestCase {
    /// Three incidents of an unmapped nature on 3 October, one on 4 October; the daily and monthly
    /// aggregates already hold a row of the new category for 3 October (as an older mapping could
    /// have left): the reclassified rows are added to it, never left beside it.
    func testReclassifiedAggregatesAreAddedToARowOfTheSameGrouping() throws {
        let config = try Fixture.config()
        let store = try Fixture.store()
        let feed = try config.feed(partner: "ratp", feed: "incidents-transport")
        let rows = [["Date", "Heure", "Ligne", "Arrêt / station", "Commune", "Nature de l'atteinte", "Cible", "Suite donnée"]]
            + ["03/10/2026", "03/10/2026", "03/10/2026", "04/10/2026"].map { [$0, "18:10", "8", "", "Créteil", "Jet de projectile", "personne", "plainte"] }
        let adapter = FeedAdapters.adapter(for: feed, context: Fixture.context(config), fileName: "ratp_2026-10.csv", period: nil,
                                           hmacKey: SymmetricKey(data: Data("une clé de test de trente-deux octets".utf8)))
        _ = try store.load(ReceivedFile(name: "ratp_2026-10.csv", sha256: "a", size: 1), feed: feed) { try adapter.read(MemoryTable(rows), into: $0) }
        XCTAssertEqual(try Int.fetchOne(store, sql: "SELECT COUNT(*) FROM incident WHERE category IS NULL"), 4)

        try DatabaseQueue(path: store.path).write { db in
            try db.execute(sql: """
                INSERT INTO incident_monthly (submission_id, day, commune, sector, quartier, category, nature, n)
                SELECT submission_id, day, commune, sector, quartier, 'destructions-degradations', nature, 2 FROM incident_monthly;
                """)
        }
        let changes = try store.reclassify([feed]) { _, nature in nature == "Jet de projectile" ? "destructions-degradations" : nil }
        XCTAssertEqual(changes.map { "\($0.partner)/\($0.feed) \($0.nature) \($0.category) \($0.rows)" },
                       ["ratp/incidents-transport Jet de projectile destructions-degradations 4"])
        XCTAssertEqual(try String.fetchAll(store, sql: """
            SELECT date(day * 86400, 'unixepoch') || ' ' || category || ' ' || nature || ' ' || n FROM incident_daily ORDER BY day
            """), ["2026-10-03 destructions-degradations Jet de projectile 3", "2026-10-04 destructions-degradations Jet de projectile 1"],
            "the days are counted on the incidents (a view), reclassified with them")
        XCTAssertEqual(try String.fetchAll(store, sql: """
            SELECT date(day * 86400, 'unixepoch') || ' ' || category || ' ' || nature || ' ' || n FROM incident_monthly
            """), ["2026-10-01 destructions-degradations Jet de projectile 6"])
        XCTAssertEqual(try Int.fetchOne(store, sql: "SELECT COUNT(*) FROM incident WHERE category IS NULL"), 0)
        XCTAssertEqual(try store.reclassify([feed]) { _, _ in "destructions-degradations" }, [], "nothing left « non classé »")
    }
}
