import GRDB
import VigieCore

extension Store {
    /// Erases the free-text descriptions of incidents dated before `cutoff` (DESIGN §11): the
    /// incidents and every aggregate stay. Returns how many descriptions were erased.
    public func purgeDescriptions(before cutoff: CivilDate) throws -> Int {
        try write { db in
            try db.execute(sql: "UPDATE incident SET description = NULL WHERE day < ? AND description IS NOT NULL",
                           arguments: [cutoff.dayNumber])
            return db.changesCount
        }
    }
}
