import VigieCore

/// Reads état 4001 counts in the three layouts partners send (DESIGN §6), matching rows on the
/// index **number** only (labels vary and contain typos):
/// - local monthly state: `Index | libellé | <commune or service>…`, one month per file;
/// - public services workbook: sheets `Services PN YYYY` / `Services GN YYYY`, yearly;
/// - time series: `Index | libellé | _YYYY_MM…` (or `YYYY_MM`), one sheet per unit.
/// A "Total" row or column is not stored; it is checked against the sum of what is.
public struct Etat4001Adapter: FeedAdapter {
    let feed: Feed
    let territory: Territory
    let nomenclature: Nomenclature
    let fileName: String
    let explicitPeriod: Period?

    /// Rows scanned for the header before a sheet is judged to have none.
    static let headerSearchRows = 30

    public func read(_ reader: TableReader, into sink: BatchSink) throws -> AdapterSummary {
        var rowsRead = 0
        var rowsRejected = 0
        var layouts: [String] = []
        var sheetsWithoutHeader: [String] = []
        for sheet in try reader.sheetNames() {
            var state = SheetState(sheet: sheet)
            try reader.forEachRow(inSheet: sheet) { row in
                try consume(row, state: &state, sink: sink)
            }
            try finish(&state, sink: sink)
            if let layout = state.layout {
                rowsRead += state.rowsRead
                rowsRejected += state.rowsRejected
                if !layouts.contains(layout.description) { layouts.append(layout.description) }
            } else {
                sheetsWithoutHeader.append(sheet ?? fileName)
            }
        }
        guard !layouts.isEmpty else {
            throw VigieError(.input, "aucune ligne d'en-tête « Index » trouvée : ce n'est pas un état 4001 lisible",
                             at: SourceLocation(file: fileName),
                             hint: "La première colonne doit s'appeler « Index » (ou « Code index ») et donner les numéros d'index 1 à 107."
                                 + reader.delimiterHint)
        }
        var layout = layouts.joined(separator: " ; ")
        if !sheetsWithoutHeader.isEmpty, sheetsWithoutHeader != [fileName] {
            layout += " — feuilles sans tableau 4001, ignorées : " + sheetsWithoutHeader.map { "« \($0.shown()) »" }.joined(separator: ", ")
        }
        return AdapterSummary(rowsRead: rowsRead, rowsRejected: rowsRejected, layout: layout)
    }

    // MARK: - One sheet

    enum Layout: CustomStringConvertible {
        case localMonthly, servicesWorkbook, timeSeries

        var description: String {
            switch self {
            case .localMonthly: return "état 4001 mensuel (index × communes ou services)"
            case .servicesWorkbook: return "classeur public des services (une feuille par année et par force)"
            case .timeSeries: return "séries mensuelles (index × mois)"
            }
        }
    }

    /// What a value column holds: a unit for one period, a month for one unit, a total, or nothing.
    enum ColumnRole {
        case value(ReportingUnit, Period)
        case total
        case unnamed
    }

    struct SheetState {
        let sheet: String?
        var rowsBeforeHeader: [String] = []
        var layout: Layout?
        var columns: [ColumnRole] = []
        var headerNames: [String] = []
        var seenIndex: [Int: Int] = [:]
        var rowsRead = 0
        var rowsRejected = 0
        /// Sum of each value column over the data rows, to check a Total row.
        var columnSums: [Int] = []
        var totalRows: [SourceRow] = []

        init(sheet: String?) { self.sheet = sheet }
    }

    private func location(_ state: SheetState, row: Int? = nil, column: Int? = nil) -> SourceLocation {
        SourceLocation(file: fileName, sheet: state.sheet, row: row, column: column.map(columnLetters))
    }

    private func consume(_ row: SourceRow, state: inout SheetState, sink: BatchSink) throws {
        guard state.layout != nil else {
            if Etat4001Adapter.isHeader(row) {
                try readHeader(row, state: &state)
            } else if state.rowsBeforeHeader.count < Etat4001Adapter.headerSearchRows {
                state.rowsBeforeHeader.append(row.cells.prefix(2).map(\.text).joined(separator: " "))
            }
            return
        }
        let first = row[0]
        if case .text(let label) = first, label.matchKey.hasPrefix("total") {
            state.totalRows.append(row)
            return
        }
        state.rowsRead += 1
        var rejectedHere = false
        func reject(_ column: Int?, _ value: String?, _ reason: String) throws {
            rejectedHere = true
            try sink.reject(RejectFact(sheet: state.sheet, row: row.number, column: column.map(columnLetters),
                                       value: value, reason: reason))
        }
        defer { if rejectedHere { state.rowsRejected += 1 } }

        if let beyond = row.rejectBeyondHeader(width: state.columns.count + 2) {
            rejectedHere = true
            try sink.reject(beyond)
            return
        }
        guard let index = Etat4001Adapter.indexNumber(first) else {
            let hasValues = row.cells.dropFirst(2).contains { !$0.isBlank }
            try reject(0, first.text, first.isBlank
                ? (hasValues ? "numéro d'index manquant : ligne non chargée" : "ligne sans index ni valeur")
                : "numéro d'index illisible (un nombre de 1 à 107 est attendu) : ligne non chargée")
            return
        }
        guard let entry = nomenclature.index4001[index] else {
            try reject(0, first.text, "index \(index) hors de 1 à 107 : ligne non chargée")
            return
        }
        if let earlier = state.seenIndex[index] {
            try reject(0, first.text, "index \(index) déjà donné ligne \(earlier) : ligne non chargée")
            return
        }
        state.seenIndex[index] = row.number
        let code = Nomenclature.code4001(index)
        let category = nomenclature.categoryOf4001[index]

        var rowValues: [Int] = Array(repeating: 0, count: state.columns.count)
        for (i, role) in state.columns.enumerated() {
            let column = i + 2
            let cell = row[column]
            if cell.isBlank { continue }
            switch role {
            case .unnamed:
                try reject(column, cell.text, "valeur dans une colonne sans en-tête : non chargée")
            case .total:
                continue
            case .value(let unit, let period):
                switch FrenchNumber.count(cell) {
                case .failure(let error):
                    try reject(column, cell.text, "un nombre entier positif ou nul est attendu (\(error.message)) : valeur non chargée")
                case .success(let value):
                    if !entry.used && value > 0 {
                        try reject(column, cell.text, "l'index \(index) n'est pas utilisé dans l'état 4001 : valeur non chargée")
                        continue
                    }
                    rowValues[i] = value
                    state.columnSums[i] += value
                    try sink.add(CountFact(period: period, unit: unit, code: code, category: category, value: value,
                                           source: SourceRef(sheet: state.sheet, row: row.number, column: columnLetters(column))))
                }
            }
        }
        // A Total column must equal the sum of the row's values.
        for (i, role) in state.columns.enumerated() {
            guard case .total = role else { continue }
            let cell = row[i + 2]
            guard !cell.isBlank, case .success(let total) = FrenchNumber.count(cell) else { continue }
            let sum = rowValues.reduce(0, +)
            if total != sum {
                try reject(i + 2, cell.text, "le total de la ligne (\(total)) ne fait pas la somme des colonnes (\(sum)) : vérifiez le fichier")
            }
        }
    }

    private func finish(_ state: inout SheetState, sink: BatchSink) throws {
        // A Total row must equal the sum of each column.
        for row in state.totalRows {
            for (i, role) in state.columns.enumerated() {
                guard case .value = role else { continue }
                let cell = row[i + 2]
                guard !cell.isBlank, case .success(let total) = FrenchNumber.count(cell), total != state.columnSums[i] else { continue }
                try sink.reject(RejectFact(sheet: state.sheet, row: row.number, column: columnLetters(i + 2), value: cell.text,
                    reason: "la ligne Total donne \(total) mais les lignes d'index font \(state.columnSums[i]) : vérifiez le fichier"))
            }
        }
    }

    // MARK: - Header

    static func isHeader(_ row: SourceRow) -> Bool {
        let key = row[0].text.matchKey
        return ["index", "code index", "n index", "no index", "numero index", "index 4001", "numero d index"].contains(key)
    }

    static func indexNumber(_ cell: Cell) -> Int? {
        switch cell {
        case .number(let d): return d == d.rounded() && d >= 0 && d < 1_000_000 ? Int(d) : nil
        case .text(let s):
            let t = s.trimmingSpaces
            return t.allSatisfy({ $0.isASCII && $0.isNumber }) && !t.isEmpty && t.count < 7 ? Int(t) : nil
        default: return nil
        }
    }

    private func readHeader(_ row: SourceRow, state: inout SheetState) throws {
        let headers = row.cells.dropFirst(2).map { $0.text.trimmingSpaces }
        let named = headers.filter { !$0.isEmpty }
        guard !named.isEmpty else {
            throw VigieError(.input, "la ligne d'en-tête n'a aucune colonne de valeurs après le libellé",
                             at: location(state, row: row.number, column: 2))
        }
        let monthColumns = named.filter { PeriodFinder.monthColumn($0) != nil }.count
        var roles: [ColumnRole] = []
        if monthColumns > 0 && monthColumns == named.filter({ $0.matchKey != "total" }).count {
            state.layout = .timeSeries
            guard let unitName = state.sheet ?? feed.unit else {
                throw VigieError(.input, "séries mensuelles sans unité : le fichier ne dit pas pour quel territoire sont ces chiffres",
                                 at: location(state, row: row.number),
                                 hint: "Indiquez l'unité du flux (clé « unit ») dans partners.yaml.")
            }
            let unit = try resolveUnit(unitName, at: location(state, row: row.number))
            for (i, h) in headers.enumerated() {
                if h.isEmpty { roles.append(.unnamed) }
                else if h.matchKey == "total" { roles.append(.total) }
                else if let month = PeriodFinder.monthColumn(h) { roles.append(.value(unit, month)) }
                else { throw VigieError(.input, "colonne « \(h.shown()) » : un mois _AAAA_MM est attendu", at: location(state, row: row.number, column: i + 2)) }
            }
            try checkDuplicates(headers, row: row, state: state)
        } else {
            let isWorkbook = state.sheet.map { $0.matchKey.hasPrefix("services") } ?? false
            state.layout = isWorkbook ? .servicesWorkbook : .localMonthly
            let period = try sheetPeriod(state, headerRow: row.number)
            for (i, h) in headers.enumerated() {
                if h.isEmpty { roles.append(.unnamed) }
                else if h.matchKey == "total" { roles.append(.total) }
                else { roles.append(.value(try resolveUnit(h, at: location(state, row: row.number, column: i + 2)), period)) }
            }
            try checkDuplicates(headers, row: row, state: state)
        }
        state.columns = roles
        state.headerNames = headers
        state.columnSums = Array(repeating: 0, count: roles.count)
    }

    private func checkDuplicates(_ headers: [String], row: SourceRow, state: SheetState) throws {
        var seen: [String: Int] = [:]
        for (i, h) in headers.enumerated() where !h.isEmpty {
            let key = h.matchKey
            if let first = seen[key] {
                throw VigieError(.input, "la colonne « \(h.shown()) » apparaît deux fois (colonnes \(columnLetters(first + 2)) et \(columnLetters(i + 2)))",
                                 at: location(state, row: row.number, column: i + 2),
                                 hint: "Chaque commune ou service ne doit avoir qu'une colonne.")
            }
            seen[key] = i
        }
    }

    private func resolveUnit(_ name: String, at location: SourceLocation) throws -> ReportingUnit {
        if let unit = territory.unit(named: name) { return unit }
        switch feed.units {
        case .any:
            return ReportingUnit(id: name.trimmingSpaces, commune: nil)
        case .territory:
            let known = territory.communes.map(\.name) + territory.services.map(\.name)
            throw VigieError(.input, "« \(name.shown()) » n'est ni une commune ni un service du territoire",
                             at: location,
                             hint: "Unités connues : \(known.joined(separator: ", ")). Ajoutez un alias dans territory.yaml si c'est la même.")
        }
    }

    /// The one period of a sheet whose columns are units: from the command line, else from the
    /// sheet name, the title rows and the file name. A month named anywhere wins over a year; two
    /// places that name different months (or years), or that contradict --period, refuse the file.
    private func sheetPeriod(_ state: SheetState, headerRow: Int) throws -> Period {
        let title = state.rowsBeforeHeader.joined(separator: " ")
        let sources: [(name: String, text: String)] = [
            ("le nom de la feuille", state.sheet ?? ""), ("le titre", title), ("le nom du fichier", fileName),
        ]
        let months = sources.compactMap { s in PeriodFinder.month(in: s.text).map { (s.name, $0) } }
        let years = sources.dropLast().compactMap { s in PeriodFinder.year(in: s.text).map { (s.name, $0) } }
        let found = months.isEmpty ? years : months
        if let (source, period) = found.first(where: { $0.1 != (explicitPeriod ?? found[0].1) }) {
            let other = explicitPeriod.map { "--period dit \($0)" } ?? "\(found[0].0) indique \(found[0].1)"
            throw VigieError(.input, "\(source) indique \(period) mais \(other)",
                             at: location(state, row: headerRow),
                             hint: "Vérifiez que c'est le bon fichier et la bonne période (--period).")
        }
        if let explicit = explicitPeriod { return explicit }
        guard let (_, period) = found.first else {
            throw VigieError(.input, "période introuvable : ni le titre ni le nom du fichier ne donnent le mois",
                             at: location(state, row: headerRow),
                             hint: "Donnez-la avec --period 2026-10, ou nommez le fichier etat4001_2026-10.csv.")
        }
        return period
    }
}
