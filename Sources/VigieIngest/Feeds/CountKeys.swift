import VigieCore

/// The counts one file has given so far, by what they count (period × unit × nature): the same key
/// given twice (a pasted row, a copy of a sheet) is never summed and neither value is chosen. Under
/// `duplicates: reject` both values are rejected, each naming the other's row, and the first one,
/// already handed to the sink, is withdrawn; under `duplicates: refuse` the file is refused.
/// Keys and places are kept as small integers: the public services workbook gives a million values.
struct CountKeys {
    private struct Key: Hashable {
        var period: Int32
        var unit: Int32
        var code: Int32
    }
    /// Where a key was first given: indexes into `sheets` and `columns`, and the row.
    private struct Place {
        var sheet: Int32
        var row: Int32
        var column: Int32
    }
    private var seen: [Key: Place] = [:]
    private var withdrawn: Set<Key> = []
    private var periods = Interned<Period>()
    private var units = Interned<String>()
    private var codes = Interned<String>()
    private var sheets = Interned<String?>()
    private var columns = Interned<String>()
    /// The rows (sheet, row) that lost a value to a duplicate, so that each is counted once as rejected.
    private(set) var rejectedRows: Set<RowKey> = []
    let policy: DuplicatePolicy
    let fileName: String

    init(policy: DuplicatePolicy, fileName: String) {
        self.policy = policy
        self.fileName = fileName
    }

    /// Hands `fact` to the sink, unless its key came before: then rejects it (and withdraws and
    /// rejects the earlier one), or throws under `refuse`. `code` is what identifies the nature (its
    /// match key for a partner's label), `shown` the cell as the partner wrote it. Returns false when
    /// `fact` was rejected.
    mutating func add(_ fact: CountFact, code: String, shown: String, unitName: String, into sink: BatchSink) throws -> Bool {
        let key = Key(period: periods.index(fact.period), unit: units.index(fact.unit.id), code: codes.index(code))
        let place = Place(sheet: sheets.index(fact.source.sheet), row: Int32(clamping: fact.source.row), column: columns.index(fact.source.column))
        guard let first = seen[key] else {
            seen[key] = place
            try sink.add(fact)
            return true
        }
        let earlier = SourceRef(sheet: sheets[first.sheet], row: Int(first.row), column: columns[first.column])
        let what = "\(fact.period) × \(unitName.shown()) × « \(fact.code.shown()) »"
        if policy == .refuse {
            throw VigieError(.input, "\(what) est donné deux fois : \(Self.place(earlier)) et \(Self.place(fact.source)) (\(shown.shown()))",
                             at: SourceLocation(file: fileName, sheet: fact.source.sheet, row: fact.source.row, column: fact.source.column),
                             hint: "Le flux interdit les doublons (duplicates: refuse) : faites corriger le fichier pour qu'il ne donne chaque nombre qu'une fois.")
        }
        var earlierValue = ""
        if withdrawn.insert(key).inserted {
            earlierValue = try sink.withdraw(count: earlier).map { " (\($0))" } ?? ""
            try sink.reject(RejectFact(sheet: earlier.sheet, row: earlier.row, column: earlier.column, value: earlierValue.isEmpty ? nil : String(earlierValue.dropFirst(2).dropLast()),
                                       reason: "\(what) est redonné \(Self.place(fact.source)) (\(shown.shown())) : aucune des deux valeurs n'est chargée, elles ne sont pas additionnées ; gardez-en une seule et renvoyez le fichier"))
            rejectedRows.insert(RowKey(sheet: earlier.sheet, row: earlier.row))
        }
        try sink.reject(RejectFact(sheet: fact.source.sheet, row: fact.source.row, column: fact.source.column, value: shown,
                                   reason: "\(what) est déjà donné \(Self.place(earlier))\(earlierValue) : aucune des deux valeurs n'est chargée, elles ne sont pas additionnées ; gardez-en une seule et renvoyez le fichier"))
        rejectedRows.insert(RowKey(sheet: fact.source.sheet, row: fact.source.row))
        return false
    }

    private static func place(_ source: SourceRef) -> String {
        (source.sheet.map { "feuille « \($0.shown()) », " } ?? "") + "ligne \(source.row), colonne \(source.column)"
    }
}

/// Values numbered in the order they are first met, to key a large table by small integers.
private struct Interned<Value: Hashable> {
    private var numbers: [Value: Int32] = [:]
    private var values: [Value] = []
    private var last: (value: Value, number: Int32)?

    mutating func index(_ value: Value) -> Int32 {
        if let last, last.value == value { return last.number }
        let number: Int32
        if let known = numbers[value] {
            number = known
        } else {
            number = Int32(values.count)
            numbers[value] = number
            values.append(value)
        }
        last = (value, number)
        return number
    }

    subscript(number: Int32) -> Value { values[Int(number)] }
}

/// A row of a file: its sheet (XLSX) and number.
struct RowKey: Hashable {
    var sheet: String?
    var row: Int
}
