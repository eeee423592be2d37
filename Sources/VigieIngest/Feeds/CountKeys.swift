import VigieCore

/// What a file that gives the same count twice (same period × unit × nature: a pasted row, a copy of
/// a sheet) gets: never a sum, and neither value chosen. Under `duplicates: reject` both values are
/// rejected, each naming the other's place, and the first one, already handed to the sink, is
/// withdrawn; under `duplicates: refuse` the file is refused. Adapters find the earlier place.
struct Duplicates {
    let policy: DuplicatePolicy
    let fileName: String
    /// Earlier places already withdrawn: a third copy is rejected without withdrawing twice.
    private var withdrawn: Set<SourceRef> = []
    /// An earlier place that held nothing (a blank cell), and the place of the value given after it:
    /// that value is the first one, which a third copy repeats.
    private var replacements: [SourceRef: SourceRef] = [:]
    /// The rows (sheet, row) that lost a value to a duplicate, so that each is counted once as rejected.
    private(set) var rejectedRows: Set<RowKey> = []

    init(policy: DuplicatePolicy, fileName: String) {
        self.policy = policy
        self.fileName = fileName
    }

    /// Rejects `fact`, given before at `earlier`, and withdraws and rejects the earlier value; throws
    /// under `refuse`. Returns false, doing nothing, when nothing was stored at `earlier` (a blank or
    /// rejected cell): `fact` is then the only value given. `shown` is the cell as the partner wrote it.
    mutating func reject(_ fact: CountFact, shown: String, unitName: String, earlier given: SourceRef, into sink: BatchSink) throws -> Bool {
        let earlier = replacements[given] ?? given
        let what = "\(fact.period) × \(unitName.shown()) × « \(fact.code.shown()) »"
        var earlierValue = ""
        if !withdrawn.contains(earlier) {
            if policy == .refuse {
                throw VigieError(.input, "\(what) est donné deux fois : \(Self.place(earlier)) et \(Self.place(fact.source)) (\(shown.shown()))",
                                 at: SourceLocation(file: fileName, sheet: fact.source.sheet, row: fact.source.row, column: fact.source.column),
                                 hint: "Le flux interdit les doublons (duplicates: refuse) : faites corriger le fichier pour qu'il ne donne chaque nombre qu'une fois.")
            }
            guard let value = try sink.withdraw(count: earlier) else {
                replacements[given] = fact.source
                return false
            }
            withdrawn.insert(earlier)
            earlierValue = " (\(value))"
            try sink.reject(RejectFact(sheet: earlier.sheet, row: earlier.row, column: earlier.column, value: String(value),
                                       reason: "\(what) est redonné \(Self.place(fact.source)) (\(shown.shown())) : aucune des deux valeurs n'est chargée, elles ne sont pas additionnées ; gardez-en une seule et renvoyez le fichier"))
            rejectedRows.insert(RowKey(sheet: earlier.sheet, row: earlier.row))
        }
        try sink.reject(RejectFact(sheet: fact.source.sheet, row: fact.source.row, column: fact.source.column, value: shown,
                                   reason: "\(what) est déjà donné \(Self.place(earlier))\(earlierValue) : aucune des deux valeurs n'est chargée, elles ne sont pas additionnées ; gardez-en une seule et renvoyez le fichier"))
        rejectedRows.insert(RowKey(sheet: fact.source.sheet, row: fact.source.row))
        return true
    }

    private static func place(_ source: SourceRef) -> String {
        (source.sheet.map { "feuille « \($0.shown()) », " } ?? "") + "ligne \(source.row), colonne \(source.column)"
    }
}

/// The counts a counts file gave so far, by period, unit and nature (its match key), with where each
/// was: finds the earlier place of a value given twice for `Duplicates`.
struct CountKeys {
    private struct Key: Hashable {
        var period: Period
        var unit: String
        var code: String
    }
    private var seen: [Key: SourceRef] = [:]
    var duplicates: Duplicates

    init(policy: DuplicatePolicy, fileName: String) {
        duplicates = Duplicates(policy: policy, fileName: fileName)
    }

    /// Hands `fact` to the sink unless its key came before (then see `Duplicates`). `code` identifies the
    /// nature (its match key). Returns false when `fact` was rejected.
    mutating func add(_ fact: CountFact, code: String, shown: String, unitName: String, into sink: BatchSink) throws -> Bool {
        let key = Key(period: fact.period, unit: fact.unit.id, code: code)
        if let earlier = seen[key], try duplicates.reject(fact, shown: shown, unitName: unitName, earlier: earlier, into: sink) {
            return false
        }
        seen[key] = fact.source
        try sink.add(fact)
        return true
    }
}

/// A row of a file: its sheet (XLSX) and number.
struct RowKey: Hashable {
    var sheet: String?
    var row: Int
}
