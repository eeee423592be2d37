import GRDB
import VigieCore

/// The free-text descriptions of one feed dated before a cutoff: how many, and their first and last day.
public struct DescriptionsBefore: Sendable, Equatable, Codable {
    public var partner: String
    public var feed: String
    public var count: Int
    public var first: CivilDate
    public var last: CivilDate
}

extension Store {
    /// Erases the free-text descriptions of incidents dated before `cutoff` (DESIGN §11): the
    /// incidents and every aggregate stay. Returns, per feed, what was erased (with `dryRun`:
    /// what would be, and nothing changes). Counted and erased in one transaction.
    public func purgeDescriptions(before cutoff: CivilDate, dryRun: Bool = false) throws -> [DescriptionsBefore] {
        func purge(_ db: Database) throws -> [DescriptionsBefore] {
            let found = try Row.fetchAll(db, sql: """
                SELECT s.partner, s.feed, COUNT(*) AS n, MIN(i.day) AS first, MAX(i.day) AS last
                FROM incident i JOIN submission s ON s.id = i.submission_id
                WHERE i.day < ? AND i.description IS NOT NULL
                GROUP BY s.partner, s.feed
                ORDER BY s.partner, s.feed
                """, arguments: [cutoff.dayNumber]).map {
                DescriptionsBefore(partner: $0["partner"], feed: $0["feed"], count: $0["n"],
                                   first: CivilDate(dayNumber: $0["first"]), last: CivilDate(dayNumber: $0["last"]))
            }
            if !dryRun {
                try db.execute(sql: "UPDATE incident SET description = NULL WHERE day < ? AND description IS NOT NULL",
                               arguments: [cutoff.dayNumber])
            }
            return found
        }
        return dryRun ? try read(purge) : try write(purge)
    }
}
