import VigieCore

/// For a file whose header row is not found: the row that has the most of the required columns,
/// so the refusal says which ones it has and which it lacks (not all of them as if none were there).
struct NearestHeader {
    /// The required columns' names, as partners.yaml writes them.
    let required: [String]
    private var best: (row: Int, sheet: String?, present: [String])?

    init(required: [String]) { self.required = required }

    /// Looks at a row scanned before any header was found.
    mutating func look(at row: SourceRow) {
        guard !required.isEmpty else { return }
        let names = Set(row.cells.filter { !$0.isBlank }.map { $0.text.matchKey })
        let present = required.filter { names.contains($0.matchKey) }
        if !present.isEmpty, present.count > (best?.present.count ?? 0) { best = (row.number, row.sheet, present) }
    }

    /// The refusal: the nearest row with what it has and lacks, or every required column.
    func error(file: String, sheet: String?, hint: String) -> VigieError {
        let quoted = { (names: [String]) in names.map { "« \($0) »" }.joined(separator: ", ") }
        guard let best else {
            return VigieError(.input, "ligne d'en-tête introuvable : les colonnes \(quoted(required)) n'apparaissent pas",
                              at: SourceLocation(file: file, sheet: sheet), hint: hint)
        }
        let missing = required.filter { !best.present.contains($0) }
        return VigieError(.input, "ligne d'en-tête introuvable : la ligne \(best.row) a \(quoted(best.present)) mais pas \(quoted(missing))",
                          at: SourceLocation(file: file, sheet: best.sheet, row: best.row), hint: hint)
    }
}
