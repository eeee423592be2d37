import GRDB
import VigieCore

/// The daily and monthly aggregates of one load, counted as its incidents arrive and added to
/// `incident_daily` and `incident_monthly` in key order whenever `limit` keys are held, and at
/// the end: no GROUP BY reading back the rows just written, and memory bounded whatever the file.
/// The rows are those the GROUP BY of the incidents gave (places and categories absent are '').
struct AggregateTally {
    /// A row's key, its texts numbered in `names` (a file has few distinct places and natures).
    struct Key: Hashable, Comparable {
        var day: Int32
        var commune: Int32, sector: Int32, quartier: Int32, category: Int32, nature: Int32

        static func < (a: Key, b: Key) -> Bool {
            (a.day, a.commune, a.sector, a.quartier, a.category, a.nature) < (b.day, b.commune, b.sector, b.quartier, b.category, b.nature)
        }
    }

    /// Keys held (per table) or texts numbered before the tallies are written and emptied:
    /// 32,768 by default: a few MB.
    let limit: Int

    private var daily: [Key: Int] = [:]
    private var monthly: [Key: Int] = [:]
    private var names: [String] = []
    private var numbers: [String: Int32] = [:]
    private let upsertDaily: BoundInsert
    private let upsertMonthly: BoundInsert
    private let submissionID: Int64

    init(db: Database, submissionID: Int64, limit: Int = 1 << 15) throws {
        self.submissionID = submissionID
        self.limit = limit
        func upsert(_ table: String) throws -> BoundInsert {
            try BoundInsert(db, sql: """
                INSERT INTO \(table) (day, submission_id, commune, sector, quartier, category, nature, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (day, submission_id, commune, sector, quartier, category, nature) DO UPDATE SET n = n + excluded.n
                """)
        }
        upsertDaily = try upsert("incident_daily")
        upsertMonthly = try upsert("incident_monthly")
    }

    /// Counts one incident in its day's and its month's rows.
    mutating func add(_ incident: IncidentFact) throws {
        var key = Key(day: Int32(incident.date.dayNumber), commune: number(incident.place.commune), sector: number(incident.place.sector ?? ""),
                      quartier: number(incident.place.quartier ?? ""), category: number(incident.category ?? ""), nature: number(incident.nature))
        daily[key, default: 0] += 1
        key.day = Int32(CivilDate(year: incident.date.year, month: incident.date.month, day: 1)?.dayNumber ?? incident.date.dayNumber)
        monthly[key, default: 0] += 1
        // Each table is written when its own tally is full (a month's rows gather many days'),
        // both when the texts numbered are.
        if names.count >= limit { try flush() }
        if daily.count >= limit { try write(&daily, upsertDaily) }
        if monthly.count >= limit { try write(&monthly, upsertMonthly) }
    }

    /// Adds what is held to the tables, in key order, and empties the tally.
    mutating func flush() throws {
        try write(&daily, upsertDaily)
        try write(&monthly, upsertMonthly)
        names.removeAll(keepingCapacity: true)
        numbers.removeAll(keepingCapacity: true)
    }

    private func write(_ tally: inout [Key: Int], _ upsert: BoundInsert) throws {
        for (key, n) in tally.sorted(by: { $0.key < $1.key }) {
            try upsert.run { v in
                v.add(Int(key.day)); v.add(submissionID); v.add(names[Int(key.commune)]); v.add(names[Int(key.sector)])
                v.add(names[Int(key.quartier)]); v.add(names[Int(key.category)]); v.add(names[Int(key.nature)]); v.add(n)
            }
        }
        tally.removeAll(keepingCapacity: true)
    }

    private mutating func number(_ text: String) -> Int32 {
        if let n = numbers[text] { return n }
        let n = Int32(names.count)
        names.append(text)
        numbers[text] = n
        return n
    }
}
