import VigieCore

/// The counts one file has given so far, by what they count (period × unit × nature): the same key
/// given twice (a pasted row, a copy of a sheet) is never summed and neither value is chosen. Under
/// `duplicates: reject` both values are rejected, each naming the other's row, and the first one,
/// already handed to the sink, is withdrawn; under `duplicates: refuse` the file is refused.
struct CountKeys {
    private struct Key: Hashable {
        var period: Period
        var unit: String
        var code: String
    }
    private var seen: [Key: (source: SourceRef, value: String)] = [:]
    private var withdrawn: Set<Key> = []
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
        let key = Key(period: fact.period, unit: fact.unit.id, code: code)
        guard let earlier = seen[key] else {
            seen[key] = (fact.source, shown)
            try sink.add(fact)
            return true
        }
        let what = "\(fact.period) × \(unitName.shown()) × « \(fact.code.shown()) »"
        if policy == .refuse {
            throw VigieError(.input, "\(what) est donné deux fois : \(Self.place(earlier.source)) (\(earlier.value.shown())) et \(Self.place(fact.source)) (\(shown.shown()))",
                             at: SourceLocation(file: fileName, sheet: fact.source.sheet, row: fact.source.row, column: fact.source.column),
                             hint: "Le flux interdit les doublons (duplicates: refuse) : faites corriger le fichier pour qu'il ne donne chaque nombre qu'une fois.")
        }
        if withdrawn.insert(key).inserted {
            try sink.withdraw(count: earlier.source)
            try sink.reject(RejectFact(sheet: earlier.source.sheet, row: earlier.source.row, column: earlier.source.column, value: earlier.value,
                                       reason: "\(what) est redonné \(Self.place(fact.source)) (\(shown.shown())) : aucune des deux valeurs n'est chargée, elles ne sont pas additionnées ; gardez-en une seule et renvoyez le fichier"))
            rejectedRows.insert(RowKey(sheet: earlier.source.sheet, row: earlier.source.row))
        }
        try sink.reject(RejectFact(sheet: fact.source.sheet, row: fact.source.row, column: fact.source.column, value: shown,
                                   reason: "\(what) est déjà donné \(Self.place(earlier.source)) (\(earlier.value.shown())) : aucune des deux valeurs n'est chargée, elles ne sont pas additionnées ; gardez-en une seule et renvoyez le fichier"))
        rejectedRows.insert(RowKey(sheet: fact.source.sheet, row: fact.source.row))
        return false
    }

    private static func place(_ source: SourceRef) -> String {
        (source.sheet.map { "feuille « \($0.shown()) », " } ?? "") + "ligne \(source.row), colonne \(source.column)"
    }
}

/// A row of a file: its sheet (XLSX) and number.
struct RowKey: Hashable {
    var sheet: String?
    var row: Int
}
