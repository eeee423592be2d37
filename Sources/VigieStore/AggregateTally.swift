import VigieCore

/// The monthly aggregate of one load, counted as its incidents arrive and handed out, in key
/// order, as rows to add to `incident_monthly` whenever `limit` keys or `textBytes` of texts are
/// held, and at the end: no GROUP BY reading back the rows just written, and memory bounded
/// whatever the file. The rows are those the GROUP BY of the incidents gives (places and
/// categories absent are '').
/// Pure; run by the store's thread, from what the reading thread handed over (`Input`). (Days are
/// counted on the incidents themselves: `incident_daily` is a view.)
struct AggregateTally {
    /// A row's key, its texts numbered in `Names` (a file has few distinct places and natures).
    struct Key: Hashable, Comparable, Sendable {
        var day: Int32
        var commune: Int32, sector: Int32, quartier: Int32, category: Int32, nature: Int32

        static func < (a: Key, b: Key) -> Bool {
            (a.day, a.commune, a.sector, a.quartier, a.category, a.nature) < (b.day, b.commune, b.sector, b.quartier, b.category, b.nature)
        }
    }

    /// Rows to add, in key order, with the texts their keys number: compact (a tally handed out
    /// whole is a few megabytes).
    struct Rows: Sendable {
        var names: Names
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
    static let upsert = """
        INSERT INTO incident_monthly (day, submission_id, commune, sector, quartier, category, nature, n) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (day, submission_id, commune, sector, quartier, category, nature) DO UPDATE SET n = n + excluded.n
        """

    /// Keys held or texts numbered before the tally is handed out and emptied.
    let limit: Int
    /// 131,072 keys, a few MB: the bench's million rows over ten years make 48,213 monthly rows,
    /// written once. With 32,768 the tally was handed out 18 times, 579,009 upserts into rows
    /// already written, in bursts that held up the store's thread (a load of 9.4 s instead of 11.6 s).
    static let defaultLimit = 1 << 17
    /// Bytes of texts numbered before the tally is handed out: a file of long, all different
    /// natures (a cell may hold a megabyte) does not hold more than this.
    let textBytes: Int

    private var monthly: [Key: Int] = [:]
    private var names = Names()
    private var numbers: [UTF8Key: Int32] = [:]
    private var ready: [Rows] = []

    init(limit: Int = AggregateTally.defaultLimit, textBytes: Int = 8 << 20) {
        self.limit = limit
        self.textBytes = textBytes
    }

    /// What the tally counts of one incident: its date and the texts of its row's key.
    struct Input: Sendable {
        var date: CivilDate
        var commune: String, sector: String?, quartier: String?, category: String?, nature: String

        init(_ incident: IncidentFact) {
            date = incident.date
            commune = incident.place.commune; sector = incident.place.sector; quartier = incident.place.quartier
            category = incident.category; nature = incident.nature
        }
    }

    /// Counts one incident in its month's row.
    mutating func add(_ incident: Input) {
        let month = CivilDate(year: incident.date.year, month: incident.date.month, day: 1)?.dayNumber ?? incident.date.dayNumber
        let key = Key(day: Int32(month), commune: number(incident.commune), sector: number(incident.sector ?? ""),
                      quartier: number(incident.quartier ?? ""), category: number(incident.category ?? ""), nature: number(incident.nature))
        monthly[key, default: 0] += 1
        if names.count >= limit || monthly.count >= limit || names.bytes.count >= textBytes { handOutAll() }
    }

    /// The rows handed out since the last take; `final`: with everything held, the tally emptied.
    mutating func take(final: Bool) -> [Rows] {
        if final { handOutAll() }
        defer { ready = [] }
        return ready
    }

    /// Hands out the tally and numbers texts afresh.
    private mutating func handOutAll() {
        if !monthly.isEmpty { ready.append(Rows(names: names, monthly: monthly.sorted { $0.key < $1.key }.map { (key: $0.key, n: $0.value) })) }
        monthly.removeAll(keepingCapacity: true)
        names = Names()
        numbers.removeAll(keepingCapacity: true)
    }

    /// Texts are numbered by their bytes, as SQLite compares them: two spellings of a nature that
    /// only Unicode normalization makes equal are two rows, like their incidents' GROUP BY.
    private mutating func number(_ text: String) -> Int32 {
        let key = UTF8Key(text)
        if let n = numbers[key] { return n }
        let n = Int32(names.count)
        names.append(text)
        numbers[key] = n
        return n
    }
}
