import VigieCore

/// Reads aggregated numbers through the feed's column mapping, in two layouts:
/// - long: one row per number, with `unit`, `nature`, `value` (and `period`) columns;
/// - wide: one row per unit, one column per nature (every column not mapped to `unit` or
///   `period`, nor dropped, is a nature).
/// Units are communes, residences, schools, stops or lines of the configuration (`unit_kind`);
/// the period comes from a `period` column, else the command line, else the file name.
/// An unknown nature loads as « non classé » and is reported.
public struct CountsAdapter: FeedAdapter {
    let feed: Feed
    let context: IngestContext
    let fileName: String
    let explicitPeriod: Period?

    public init(feed: Feed, context: IngestContext, fileName: String, explicitPeriod: Period?) {
        self.feed = feed
        self.context = context
        self.fileName = fileName
        self.explicitPeriod = explicitPeriod
    }

    var layout: CountLayout { feed.layout ?? .long }

    public func read(_ reader: TableReader, into sink: BatchSink) throws -> AdapterSummary {
        var summary = AdapterSummary(rowsRead: 0, rowsRejected: 0,
                                     layout: layout == .long ? "données agrégées, une ligne par nombre" : "données agrégées, une colonne par nature")
        var categories: [String: String] = [:]
        for (label, category) in feed.natures { categories[label.matchKey] = category }
        let filePeriod = explicitPeriod ?? PeriodFinder.period(in: fileName, cadence: feed.cadence)
        var keys = CountKeys(policy: feed.duplicates, fileName: fileName)
        var rejectedRows: Set<RowKey> = []
        var found = false
        var nearest = NearestHeader(required: requiredFields.compactMap { feed.columns[$0] })
        for sheet in try reader.sheetNames() {
            var header: Header?
            try reader.forEachRow(inSheet: sheet) { row in
                guard let h = header else {
                    if let h = try Header(row, adapter: self) { header = h; found = true; summary.notes.append(contentsOf: h.notes) }
                    else if !found { nearest.look(at: row) }
                    return
                }
                summary.rowsRead += 1
                if try !readRow(row, header: h, filePeriod: filePeriod, categories: categories, keys: &keys, sink: sink, summary: &summary) {
                    rejectedRows.insert(RowKey(sheet: row.sheet, row: row.number))
                }
            }
        }
        guard found else {
            throw nearest.error(file: fileName, sheet: nil,
                                hint: "Vérifiez que le fichier est bien celui du flux « \(feed.id) », ou adaptez « columns » dans partners.yaml."
                                    + reader.delimiterHint)
        }
        summary.rowsRejected = rejectedRows.union(keys.duplicates.rejectedRows).count
        return summary
    }

    var requiredFields: [String] {
        var fields = layout == .long ? ["nature", "value"] : []
        if feed.unitKind != .territory && feed.commune == nil { fields.append("unit") }
        return fields.filter { feed.columns[$0] != nil } + (feed.columns["unit"] != nil && !fields.contains("unit") ? ["unit"] : [])
    }

    /// Where the mapped fields and (wide) the nature columns are.
    struct Header {
        var column: [String: Int] = [:]
        var natureColumns: [(label: String, column: Int)] = []
        var notes: [String] = []
        /// The columns the header names: a value past them is rejected.
        var width = 0

        init?(_ row: SourceRow, adapter: CountsAdapter) throws {
            var index: [String: Int] = [:]
            for (i, cell) in row.cells.enumerated() where !cell.isBlank { index[cell.text.matchKey] = index[cell.text.matchKey] ?? i }
            let required = adapter.requiredFields
            guard !required.isEmpty || adapter.layout == .wide else { return nil }
            guard required.allSatisfy({ adapter.feed.columns[$0].map { index[$0.matchKey] != nil } ?? false }) else { return nil }
            width = row.filledWidth
            for (field, name) in adapter.feed.columns {
                if let i = index[name.matchKey] { column[field] = i }
            }
            if adapter.layout == .wide {
                let mapped = Set(column.values)
                let dropped = Set(adapter.feed.drop.map(\.matchKey))
                for (i, cell) in row.cells.enumerated() where !cell.isBlank && !mapped.contains(i) && !dropped.contains(cell.text.matchKey) {
                    natureColumns.append((cell.text.trimmingSpaces, i))
                }
                guard !natureColumns.isEmpty else { return nil }
            }
        }
    }

    private func readRow(_ row: SourceRow, header: Header, filePeriod: Period?, categories: [String: String],
                         keys: inout CountKeys, sink: BatchSink, summary: inout AdapterSummary) throws -> Bool {
        func cell(_ field: String) -> Cell { header.column[field].map { row[$0] } ?? .empty }
        func letter(_ field: String) -> String? { header.column[field].map(columnLetters) }
        func reject(_ column: String?, _ value: String?, _ reason: String) throws {
            try sink.reject(RejectFact(sheet: row.sheet, row: row.number, column: column, value: value, reason: reason))
        }

        if let beyond = row.rejectBeyondHeader(width: header.width) {
            try sink.reject(beyond)
            return false
        }
        var period = filePeriod
        if header.column["period"] != nil {
            let c = cell("period")
            period = Self.period(of: c, cadence: feed.cadence) ?? (c.isBlank ? filePeriod : nil)
            if period == nil {
                try reject(letter("period"), c.text, "période illisible (ex. 10/2026, 2026-10, 2025-2026) : ligne non chargée")
                return false
            }
        }
        if let period, header.column["period"] != nil, let mismatch = feed.mismatch(period) {
            try reject(letter("period"), cell("period").text, mismatch + " : ligne non chargée")
            return false
        }
        guard let period else {
            throw VigieError(.input, "période introuvable : ni colonne de période, ni nom de fichier, ni --period",
                             at: SourceLocation(file: fileName, sheet: row.sheet, row: row.number),
                             hint: "Donnez-la avec --period, ou nommez le fichier avec la période (ex. _2026-10).")
        }
        guard let unit = try resolveUnit(cell("unit").text.trimmingSpaces, reject: { try reject(letter("unit"), cell("unit").text, $0) }) else {
            return false
        }

        let values: [(nature: String, cell: Cell, column: Int)]
        if layout == .long {
            let nature = cell("nature").text.trimmingSpaces
            guard !nature.isEmpty else {
                try reject(letter("nature"), nil, "nature manquante : ligne non chargée")
                return false
            }
            values = [(nature, cell("value"), header.column["value"] ?? 0)]
        } else {
            values = header.natureColumns.map { ($0.label, row[$0.column], $0.column) }
        }
        var rejected = false
        for (nature, valueCell, column) in values where !valueCell.isBlank {
            switch FrenchNumber.count(valueCell) {
            case .failure(let error):
                try reject(columnLetters(column), valueCell.text, "un nombre entier positif ou nul est attendu (\(error.message)) : valeur non chargée")
                rejected = true
            case .success(let value):
                let natureKey = nature.matchKey
                let category = categories[natureKey]
                let fact = CountFact(period: period, unit: unit, code: nature, category: category, value: value,
                                     source: SourceRef(sheet: row.sheet, row: row.number, column: columnLetters(column)))
                let unitText = cell("unit").text.trimmingSpaces
                if try keys.add(fact, code: natureKey, shown: valueCell.text, unitName: unitText.isEmpty ? unit.id : unitText, into: sink) {
                    if category == nil { summary.unmappedNatures[nature, default: 0] += 1 }
                } else {
                    rejected = true
                }
            }
        }
        return !rejected
    }

    /// The unit a row is for, per the feed's `unit_kind`; nil after rejecting the row when unknown.
    private func resolveUnit(_ text: String, reject: (String) throws -> Void) throws -> ReportingUnit? {
        let kind = feed.unitKind ?? .commune
        if kind == .territory { return ReportingUnit(id: "territoire", commune: nil) }
        if text.isEmpty, let commune = feed.commune, kind == .commune { return ReportingUnit(id: commune, commune: commune) }
        guard !text.isEmpty else { try reject("unité manquante : ligne non chargée"); return nil }
        switch kind {
        case .commune:
            if let insee = context.places.commune(named: text) { return ReportingUnit(id: insee, commune: insee) }
            try reject("commune hors du territoire : ligne non chargée")
        case .residence, .school, .stop, .line:
            let placeKind: NamedPlace.Kind = kind == .residence ? .residence : kind == .school ? .school : kind == .stop ? .stop : .line
            if let place = context.places.place(placeKind, named: text) {
                return ReportingUnit(id: place.id, commune: place.commune, quartier: place.quartier)
            }
            let unknown = ["residence": "résidence inconnue", "school": "établissement inconnu",
                           "stop": "arrêt inconnu", "line": "ligne inconnue"][kind.rawValue] ?? "lieu inconnu"
            try reject("\(unknown) : ligne non chargée — ajoutez-la à places.yaml si elle existe")
        case .territory:
            break
        }
        return nil
    }

    /// The period a cell names, in the feed's cadence: a date (→ its period), a month, a school year, a year.
    static func period(of cell: Cell, cadence: Cadence) -> Period? {
        if case .dateSerial = cell, let date = FrenchDate.parse(cell) { return Feed.periodOf(date, cadence: cadence) }
        let text = cell.text.trimmingSpaces
        if let p = Period(text) { return p }
        if let date = FrenchDate.parse(text) { return Feed.periodOf(date, cadence: cadence) }
        return PeriodFinder.schoolYear(in: text) ?? PeriodFinder.month(in: text) ?? PeriodFinder.week(in: text)
            ?? (cadence == .yearly ? PeriodFinder.year(in: text) : nil)
    }
}
