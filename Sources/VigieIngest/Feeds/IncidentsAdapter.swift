import Crypto
import Foundation
import VigieCore

/// Reads a list of incidents, one per row (faits marquants, transport incidents, police
/// municipale interventions, doléances), through the feed's column mapping. Each incident is
/// dated, placed (quartier, or commune alone), and given the category of its nature; an
/// unknown nature loads as « non classé » and is reported, never dropped.
public struct IncidentsAdapter: FeedAdapter {
    let feed: Feed
    let resolver: PlaceResolver
    let fileName: String
    let today: CivilDate
    let explicitPeriod: Period?
    /// Keyed with the observatory's HMAC key; nil when none is set.
    let pseudonym: Pseudonymizer?

    /// A field a feed may map to one of its columns; `name` is ours in partners.yaml.
    enum Field: Int, CaseIterable {
        case date, time, commune, area, place, address, lon, lat, nature, description, weapon, target, followUp, line, channel, reference

        var name: String { self == .followUp ? "follow_up" : String(describing: self) }
    }

    /// The fields a feed may map, our names.
    public static let fields: Set<String> = Set(Field.allCases.map(\.name))

    /// Dates before this are refused as implausible (an Excel 1900 date, a typo in the year).
    static let earliest = CivilDate(dayNumber: 10_957) // 2000-01-01

    public init(feed: Feed, resolver: PlaceResolver, fileName: String, today: CivilDate, explicitPeriod: Period?,
                hmacKey: SymmetricKey?) {
        self.feed = feed
        self.resolver = resolver
        self.fileName = fileName
        self.today = today
        self.explicitPeriod = explicitPeriod
        self.pseudonym = hmacKey.map(Pseudonymizer.init)
    }

    public func read(_ reader: TableReader, into sink: BatchSink) throws -> AdapterSummary {
        var summary = AdapterSummary(rowsRead: 0, rowsRejected: 0, layout: "liste de faits (une ligne par fait)")
        var natureCategory: [String: String] = [:]
        for (label, category) in feed.natures { natureCategory[label.matchKey] = category }
        if !feed.hmac.isEmpty && pseudonym == nil {
            throw VigieError(.config, "le flux « \(feed.id) » pseudonymise \(feed.hmac.joined(separator: ", ")) mais sa clé HMAC est introuvable",
                             hint: "Définissez la variable d'environnement ou le fichier nommé par « hmac_key » dans partners.yaml.")
        }
        var found = false
        var nearest = NearestHeader(required: (["date", "nature"] + (feed.commune == nil ? ["commune"] : [])).compactMap { feed.columns[$0] })
        var periods: [Period: Int] = [:]
        var places = PlaceCache()
        var names = NameCache()
        for sheet in try reader.sheetNames() {
            var header: Header?
            var scanned = 0
            try reader.forEachRow(inSheet: sheet) { row in
                guard let h = header else {
                    scanned += 1
                    if let h = try Header(row, feed: feed, file: fileName) { header = h; found = true; summary.notes.append(contentsOf: h.notes) }
                    else if !found { nearest.look(at: row) }
                    if header == nil && scanned > 30 && sheet == nil { throw missingHeader(sheet, nearest: nearest, reader: reader) }
                    return
                }
                summary.rowsRead += 1
                if let date = try readRow(row, header: h, categories: natureCategory, places: &places, communes: &names, sink: sink,
                                      summary: &summary) {
                    periods[feed.period(of: date), default: 0] += 1
                } else {
                    summary.rowsRejected += 1
                }
            }
        }
        guard found else { throw missingHeader(nil, nearest: nearest, reader: reader) }
        // The period the file covers: the command line, the file name, else the period most of its incidents fall in.
        let named = PeriodFinder.period(in: fileName, cadence: feed.cadence)
        let busiest = periods.max { ($0.value, $0.key) < ($1.value, $1.key) }?.key
        if let period = explicitPeriod ?? named ?? busiest {
            try sink.declare(period: period)
            let outside = periods.filter { $0.key != period }.values.reduce(0, +)
            if outside > 0 {
                summary.notes.append("\(outside) fait(s) daté(s) hors de la période \(period) du fichier (signalements tardifs) : chargés à leur date")
            }
        }
        return summary
    }

    private func missingHeader(_ sheet: String?, nearest: NearestHeader, reader: TableReader) -> VigieError {
        nearest.error(file: fileName, sheet: sheet,
                      hint: "Vérifiez que le fichier est bien celui du flux « \(feed.id) », ou adaptez « columns » dans partners.yaml."
                          + reader.delimiterHint)
    }

    /// Where each mapped field is in the file.
    struct Header {
        private var columns = [Int?](repeating: nil, count: Field.allCases.count)
        var kept: [(name: String, column: Int)] = []
        var notes: [String] = []
        /// The columns the header names: a value past them is rejected.
        var width = 0
        /// The date's column in letters, where each incident's source points.
        var dateLetter = "A"

        func column(_ field: Field) -> Int? { columns[field.rawValue] }

        /// nil when `row` is not the header (a title row, say); an error when it is but lacks a required column.
        init?(_ row: SourceRow, feed: Feed, file: String) throws {
            var index: [String: Int] = [:]
            for (i, cell) in row.cells.enumerated() where !cell.isBlank { index[cell.text.matchKey] = index[cell.text.matchKey] ?? i }
            let required = ["date", "nature"] + (feed.commune == nil ? ["commune"] : [])
            let present = required.filter { feed.columns[$0].map { index[$0.matchKey] != nil } ?? false }
            guard present.count == required.count else { return nil }
            width = row.filledWidth
            for (field, name) in feed.columns {
                if let i = index[name.matchKey] { if let f = Field.allCases.first(where: { $0.name == field }) { columns[f.rawValue] = i } }
                else { notes.append("colonne « \(name) » (\(field)) absente du fichier") }
            }
            dateLetter = column(.date).map(columnLetters) ?? "A"
            for name in feed.keep { if let i = index[name.matchKey] { kept.append((name, i)) } }
            let used = Set(columns.compactMap { $0 }).union(kept.map(\.column))
            let dropped = Set(feed.drop.map(\.matchKey))
            let ignored = row.cells.enumerated().filter { !$0.element.isBlank && !used.contains($0.offset) && !dropped.contains($0.element.text.matchKey) }
            if !ignored.isEmpty {
                notes.append("colonnes non retenues (ni lues ni stockées) : " + ignored.map { "« \($0.element.text.shown()) »" }.joined(separator: ", "))
            }
        }
    }

    /// Reads one data row; returns the incident's date, or nil when the row was rejected (not loaded).
    /// Each field's cell is looked up and trimmed once: a load reads a million rows.
    private func readRow(_ row: SourceRow, header: Header, categories: [String: String], places: inout PlaceCache,
                         communes: inout NameCache, sink: BatchSink, summary: inout AdapterSummary) throws -> CivilDate? {
        func cell(_ field: Field) -> Cell { header.column(field).map { row[$0] } ?? .empty }
        func text(_ field: Field) -> String? { let t = cell(field).text.trimmingSpaces; return t.isEmpty ? nil : t }
        func reject(_ field: Field, _ reason: String) throws {
            // A formula never computed is why a date or a nature cannot be read: say so, not « illisible ».
            let reason = if case .formulaWithoutValue = cell(field) { Cell.formulaWithoutValueReason + " — " + reason } else { reason }
            try sink.reject(RejectFact(sheet: row.sheet, row: row.number, column: header.column(field).map(columnLetters), value: text(field),
                                       reason: reason))
        }

        if let beyond = row.rejectBeyondHeader(width: header.width) {
            try sink.reject(beyond)
            return nil
        }
        let dateCell = cell(.date)
        guard let date = FrenchDate.parse(dateCell) else {
            try reject(.date, text(.date) == nil ? "date manquante : fait non chargé" : "date illisible ou inexistante (jj/mm/aaaa attendu) : fait non chargé")
            return nil
        }
        guard date >= Self.earliest, date <= today.adding(days: 1) else {
            try reject(.date, "date invraisemblable (\(date.french)) : fait non chargé")
            return nil
        }
        guard let communeText = feed.commune ?? text(.commune), let commune = communes.commune(named: communeText, resolver) else {
            try reject(.commune, text(.commune) == nil ? "commune manquante : fait non chargé" : "commune hors du territoire : fait non chargé")
            return nil
        }
        guard let nature = text(.nature) else {
            try reject(.nature, "nature manquante : fait non chargé")
            return nil
        }
        var time: Int?
        let timeCell = cell(.time)
        if !timeCell.isBlank {
            time = FrenchDate.parseTime(timeCell)
            if time == nil { try reject(.time, "heure illisible (hh:mm attendu) : fait chargé sans heure") }
        }
        let lon = text(.lon).flatMap(FrenchNumber.parse), lat = text(.lat).flatMap(FrenchNumber.parse)
        let area = text(.area), placeName = text(.place), address = text(.address)
        let place = places.resolved(commune: commune, area: area, placeName: placeName, address: address, noCoordinates: lon == nil && lat == nil) {
            resolver.resolve(commune: commune, area: area, placeName: placeName, address: address, lon: lon, lat: lat)
        }
        summary.placeLevels[place.level.rawValue, default: 0] += 1
        let category = communes.category(of: nature, categories)
        if category == nil { summary.unmappedNatures[nature, default: 0] += 1 }
        var reference = text(.reference)
        if feed.hmac.contains("reference"), let value = reference {
            if let pseudonym { reference = pseudonym(value) }
        }
        var extra: [String: String] = [:]
        for (name, column) in header.kept where !row[column].isBlank { extra[name] = row[column].text.trimmingSpaces }
        try sink.add(IncidentFact(
            date: date, time: time, place: place, placeText: address ?? placeName, nature: nature, category: category,
            description: text(.description), weapon: text(.weapon).map(Self.yesNo) ?? nil, target: text(.target),
            followUp: text(.followUp), line: text(.line), channel: text(.channel), reference: reference, extra: extra,
            source: SourceRef(sheet: row.sheet, row: row.number, column: header.dateLetter)))
        return date
    }

    /// « oui », « x », « 1 », a weapon's name → true; « non », « 0 », « aucune » → false.
    static func yesNo(_ text: String) -> Bool? {
        // As most files write it: no folding needed.
        switch text {
        case "non": return false
        case "oui": return true
        default: break
        }
        switch text.matchKey {
        case "non", "n", "0", "faux", "false", "no", "aucune", "aucun", "sans": return false
        case "": return nil
        default: return true
        }
    }
}

/// What a pure function of a text gave, kept per text (its bytes) for the rows of one file: a file
/// repeats a few names and addresses a million times. Bounded (emptied when full), so memory stays flat.
struct BoundedMemo<Value> {
    private var known: [UTF8Key: Value] = [:]
    static var limit: Int { 50_000 }

    mutating func value(for key: String, _ compute: () -> Value) -> Value {
        let key = UTF8Key(key)
        if let value = known[key] { return value }
        let value = compute()
        if known.count >= Self.limit { known.removeAll(keepingCapacity: true) }
        known[key] = value
        return value
    }
}

/// The communes and natures already matched in this file, as written: matching folds accents and case.
struct NameCache {
    private var communes = BoundedMemo<String?>()
    private var categories = BoundedMemo<String?>()

    mutating func commune(named text: String, _ resolver: PlaceResolver) -> String? {
        communes.value(for: text) { resolver.commune(named: text) }
    }

    /// The category of a nature as written; `categories` is keyed by `matchKey`.
    mutating func category(of nature: String, _ categories: [String: String]) -> String? {
        self.categories.value(for: nature) { categories[nature.matchKey] }
    }
}

/// The places already resolved in this file: the same address comes back on many rows, and
/// resolving is a pure function of the text.
struct PlaceCache {
    private var known = BoundedMemo<ResolvedPlace>()
    static var limit: Int { BoundedMemo<ResolvedPlace>.limit }

    mutating func resolved(commune: String, area: String?, placeName: String?, address: String?, noCoordinates: Bool,
                           _ resolve: () -> ResolvedPlace) -> ResolvedPlace {
        guard noCoordinates else { return resolve() }
        return known.value(for: [commune, area ?? "", placeName ?? "", address ?? ""].joined(separator: "\u{1F}"), resolve)
    }
}
