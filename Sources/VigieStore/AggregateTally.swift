import VigieCore

/// The daily and monthly aggregates of one load, counted as its incidents arrive and handed out,
/// in key order, as rows to add to `incident_daily` and `incident_monthly` whenever `limit` keys
/// are held, and at the end: no GROUP BY reading back the rows just written, and memory bounded
/// whatever the file. The rows are those the GROUP BY of the incidents gave (places and
/// categories absent are ''). Pure: the reading thread counts, the store's thread writes.
struct AggregateTally {
    /// A row's key, its texts numbered in `Names` (a file has few distinct places and natures).
    struct Key: Hashable, Comparable, Sendable {
        var day: Int32
        var commune: Int32, sector: Int32, quartier: Int32, category: Int32, nature: Int32

        static func < (a: Key, b: Key) -> Bool {
            (a.day, a.commune, a.sector, a.quartier, a.category, a.nature) < (b.day, b.commune, b.sector, b.quartier, b.category, b.nature)
        }
    }

    /// Rows to add to both tables, each in its table's key order, with the texts their keys
    /// number: compact (a tally handed out whole is about a megabyte).
    struct Rows: Sendable {
        var names: Names
        var daily: [(key: Key, n: Int)]
        var monthly: [(key: Key, n: Int)]
    }

    /// Texts numbered in order, their UTF-8 in one buffer.
    struct Names: Sendable {
        private(set) var bytes: [UInt8] = []
        private(set) var spans: [(offset: Int, length: Int)] = []
        var count: Int { spans.count }

        mutating func append(_ text: String) {
            var text = text
            let offset = bytes.count
            text.withUTF8 { bytes.append(contentsOf: $0) }
            spans.append((offset, bytes.count - offset))
        }
    }

    /// The statement the rows are written with: `?` in the order `StoreSink.write` binds them.
    static func upsert(_ table: String) -> String {
        """
        INSERT INTO \(table) (day, submission_id, commune, sector, quartier, category, nature, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (day, submission_id, commune, sector, quartier, category, nature) DO UPDATE SET n = n + excluded.n
        """
    }

    /// Keys held (per table) or texts numbered before the tallies are handed out and emptied:
    /// 32,768 by default.
    let limit: Int

    private var daily: [Key: Int] = [:]
    private var monthly: [Key: Int] = [:]
    private var names = Names()
    private var numbers: [String: Int32] = [:]
    private var ready: [Rows] = []

    init(limit: Int = 1 << 15) {
        self.limit = limit
    }

    /// Counts one incident in its day's and its month's rows.
    mutating func add(_ incident: IncidentFact) {
        var key = Key(day: Int32(incident.date.dayNumber), commune: number(incident.place.commune), sector: number(incident.place.sector ?? ""),
                      quartier: number(incident.place.quartier ?? ""), category: number(incident.category ?? ""), nature: number(incident.nature))
        daily[key, default: 0] += 1
        key.day = Int32(CivilDate(year: incident.date.year, month: incident.date.month, day: 1)?.dayNumber ?? incident.date.dayNumber)
        monthly[key, default: 0] += 1
        // Each table is handed out when its own tally is full (a month's rows gather many days'),
        // both when the texts numbered are.
        if names.count >= limit { handOutAll() }
        if daily.count >= limit { ready.append(Rows(names: names, daily: Self.sorted(&daily), monthly: [])) }
        if monthly.count >= limit { ready.append(Rows(names: names, daily: [], monthly: Self.sorted(&monthly))) }
    }

    /// The rows handed out since the last take; `final`: with everything held, the tally emptied.
    mutating func take(final: Bool) -> [Rows] {
        if final { handOutAll() }
        defer { ready = [] }
        return ready
    }

    /// Hands out both tallies and numbers texts afresh (rows handed out keep their names).
    private mutating func handOutAll() {
        if !daily.isEmpty || !monthly.isEmpty { ready.append(Rows(names: names, daily: Self.sorted(&daily), monthly: Self.sorted(&monthly))) }
        names = Names()
        numbers.removeAll(keepingCapacity: true)
    }

    private static func sorted(_ tally: inout [Key: Int]) -> [(key: Key, n: Int)] {
        defer { tally.removeAll(keepingCapacity: true) }
        return tally.sorted { $0.key < $1.key }.map { (key: $0.key, n: $0.value) }
    }

    private mutating func number(_ text: String) -> Int32 {
        if let n = numbers[text] { return n }
        let n = Int32(names.count)
        names.append(text)
        numbers[text] = n
        return n
    }
}
