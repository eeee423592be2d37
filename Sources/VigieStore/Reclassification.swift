import Foundation
import GRDB
import VigieCore

/// The rows of one nature of one feed that a reclassification gave a category.
public struct Reclassified: Codable, Sendable, Equatable {
    public var partner: String
    public var feed: String
    public var nature: String
    public var category: String
    /// Incidents or counted values changed, in current and superseded files alike.
    public var rows: Int
}

extension Store {
    /// Gives the rows of `feeds` loaded « non classé » the category `categoryOf(feed, nature)` now
    /// gives their nature, in every file of the feed (current or superseded), the monthly
    /// aggregate merged as a fresh load would group it (days are read from the incidents), and records each change in
    /// `reclassification`: all in one transaction. Returns what changed (nothing the second time).
    public func reclassify(_ feeds: [Feed], at time: Date = Date(), categoryOf: (Feed, String) -> String?) throws -> [Reclassified] {
        try write { db in
            var changes: [Reclassified] = []
            for feed in feeds {
                let natures = try String.fetchAll(db, sql: """
                    SELECT nature FROM incident
                    WHERE category IS NULL AND submission_id IN (SELECT id FROM submission WHERE partner = ? AND feed = ?)
                    UNION
                    SELECT code FROM count_value
                    WHERE category IS NULL AND submission_id IN (SELECT id FROM submission WHERE partner = ? AND feed = ?)
                    ORDER BY 1
                    """, arguments: [feed.partnerID, feed.id, feed.partnerID, feed.id])
                for nature in natures {
                    guard let category = categoryOf(feed, nature) else { continue }
                    let rows = try reclassify(db, partner: feed.partnerID, feed: feed.id, nature: nature, category: category)
                    try db.execute(sql: """
                        INSERT INTO reclassification (at, partner, feed, nature, category, rows_changed) VALUES (?, ?, ?, ?, ?, ?)
                        """, arguments: [Timestamp.utc(time), feed.partnerID, feed.id, nature, category, rows])
                    changes.append(Reclassified(partner: feed.partnerID, feed: feed.id, nature: nature, category: category, rows: rows))
                }
            }
            return changes
        }
    }

    /// Classifies one nature of one feed; returns the incidents and counted values changed. A
    /// monthly row moves to the category's row of the same month, place and nature, added to it
    /// when there is one already.
    private func reclassify(_ db: Database, partner: String, feed: String, nature: String, category: String) throws -> Int {
        let arguments: StatementArguments = [category, nature, partner, feed]
        try db.execute(sql: """
            UPDATE incident SET category = ?
            WHERE category IS NULL AND nature = ? AND submission_id IN (SELECT id FROM submission WHERE partner = ? AND feed = ?)
            """, arguments: arguments)
        var rows = db.changesCount
        try db.execute(sql: """
            UPDATE count_value SET category = ?
            WHERE category IS NULL AND code = ? AND submission_id IN (SELECT id FROM submission WHERE partner = ? AND feed = ?)
            """, arguments: arguments)
        rows += db.changesCount
        try db.execute(sql: """
            INSERT INTO incident_monthly (submission_id, day, commune, sector, quartier, category, nature, n)
            SELECT submission_id, day, commune, sector, quartier, ?, nature, n FROM incident_monthly
            WHERE category = '' AND nature = ? AND submission_id IN (SELECT id FROM submission WHERE partner = ? AND feed = ?)
            ON CONFLICT (day, submission_id, commune, sector, quartier, category, nature) DO UPDATE SET n = n + excluded.n;
            DELETE FROM incident_monthly
            WHERE category = '' AND nature = ? AND submission_id IN (SELECT id FROM submission WHERE partner = ? AND feed = ?);
            """, arguments: arguments + [nature, partner, feed])
        return rows
    }
}
