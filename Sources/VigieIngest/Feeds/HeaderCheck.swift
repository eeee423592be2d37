import VigieCore

/// The header row a file seems to have, beside the columns its feed expects in partners.yaml, and for
/// each expected column missing, the closest header found: what `vigie ingest --dry-run` shows so that
/// the coordinator can fix `columns` or ask the partner for the right file.
public struct HeaderCheck: Codable, Sendable, Equatable {
    /// One column the feed expects.
    public struct Column: Codable, Sendable, Equatable {
        /// Our field (`date`, `nature`…), or `index` for an état 4001.
        public var field: String
        /// The partner's header, as partners.yaml names it.
        public var expected: String
        /// Its column letter when the header row has it.
        public var found: String?
        /// When it is missing: the header found that is written most like it.
        public var closest: String?
    }

    public var sheet: String?
    /// The row taken for the header (the one that names most expected columns); nil when no row names any.
    public var row: Int?
    /// That row's headers as « A : Date », shown safely and cut.
    public var headers: [String]
    public var columns: [Column]

    /// Rows looked at for the header, as the adapters do.
    static let searchedRows = 30

    /// Reads the first rows of the first sheet read and finds the header row.
    public static func probe(_ reader: TableReader, feed: Feed) throws -> HeaderCheck {
        let expected: [(field: String, header: String)] = feed.kind == .etat4001
            ? [("index", "Index")]
            : feed.columns.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        let wanted = Set(expected.map { $0.header.matchKey })
        let sheet = try reader.sheetNames().first ?? nil
        var best: (score: Int, row: SourceRow)?
        var seen = 0
        do {
            try reader.forEachRow(inSheet: sheet) { row in
                seen += 1
                if seen > searchedRows { throw StopReading() }
                let score = Set(row.cells.map { $0.text.matchKey }).intersection(wanted).count
                if best == nil || score > best?.score ?? 0 { best = (score, row) }
            }
        } catch is StopReading {}
        guard let (score, row) = best else { return HeaderCheck(sheet: sheet, row: nil, headers: [], columns: []) }
        let headers = row.cells.enumerated().filter { !$0.element.isBlank }.map { (column: $0.offset, text: $0.element.text) }
        let columns = expected.map { field, header -> Column in
            if let found = headers.first(where: { $0.text.matchKey == header.matchKey }) {
                return Column(field: field, expected: header, found: columnLetters(found.column), closest: nil)
            }
            let key = header.matchKey
            let nearest = headers.map { ($0.text, editDistance(key, $0.text.matchKey)) }.min { $0.1 < $1.1 }
            let close = nearest.flatMap { $0.1 <= max(2, key.count / 3) ? $0.0.shown(limit: 60) : nil }
            return Column(field: field, expected: header, found: nil, closest: close)
        }
        return HeaderCheck(sheet: sheet, row: score > 0 ? row.number : nil,
                           headers: headers.map { "\(columnLetters($0.column)) : \($0.text.shown(limit: 60))" }, columns: columns)
    }

    /// The report's lines, in French.
    public var lines: [String] {
        var out: [String] = []
        guard let row else {
            out.append("en-tête : aucune des \(Self.searchedRows) premières lignes ne nomme une colonne attendue"
                       + (headers.isEmpty ? "" : " ; première ligne : " + headers.joined(separator: " | ")))
            return out + columns.map { "  colonne attendue « \($0.expected) » (\($0.field)) : absente" }
        }
        out.append("en-tête trouvé \(sheet.map { "feuille « \($0.shown()) », " } ?? "")ligne \(row) : " + headers.joined(separator: " | "))
        for column in columns {
            if let found = column.found {
                out.append("  « \(column.expected) » (\(column.field)) : colonne \(found)")
            } else {
                out.append("  « \(column.expected) » (\(column.field)) : absente"
                           + (column.closest.map { " — la plus proche : « \($0) » ; corrigez « columns » dans partners.yaml si c'est elle" } ?? ""))
            }
        }
        return out
    }
}

private struct StopReading: Error {}
