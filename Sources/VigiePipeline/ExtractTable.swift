import Foundation
import VigieConfig
import VigieCore
import VigieReports
import VigieStore

/// A grouping of an extract (`--by`): its French name, the English one kept for scripts, and its
/// machine key in JSON.
public enum ExtractGroup: String, Sendable, CaseIterable, Codable {
    case periode, commune, secteur, quartier, categorie, nature, partenaire, flux, service, index

    /// The names accepted by `--by`: French first, then the English name of earlier versions.
    public var names: [String] {
        switch self {
        case .periode: return ["periode", "période", "period"]
        case .commune: return ["commune"]
        case .secteur: return ["secteur", "sector"]
        case .quartier: return ["quartier"]
        case .categorie: return ["categorie", "catégorie", "category"]
        case .nature: return ["nature"]
        case .partenaire: return ["partenaire", "partner"]
        case .flux: return ["flux", "feed"]
        case .service: return ["service", "unit"]
        case .index: return ["index", "code"]
        }
    }

    /// The key of the value in `--format json` (unchanged since the first version).
    public var machineKey: String { names.last ?? rawValue }

    /// The comma-separated `--by` list, in order; an unknown name is a French usage error.
    public static func parse(_ list: String) throws -> [ExtractGroup] {
        try list.split(separator: ",").map { raw in
            let name = raw.trimmingCharacters(in: .whitespaces).lowercased()
            guard let group = allCases.first(where: { $0.names.contains(name) }) else {
                throw VigieError(.usage, "--by « \(String(raw).shown(limit: 40)) » inconnu : choisissez parmi "
                                 + allCases.map(\.rawValue).joined(separator: ", "))
            }
            return group
        }
    }

    var countGrouping: CountGrouping? {
        switch self {
        case .periode: return .period
        case .commune: return .commune
        case .quartier: return .quartier
        case .categorie: return .category
        case .partenaire: return .partner
        case .flux: return .feed
        case .service: return .unit
        case .index: return .code
        case .secteur, .nature: return nil
        }
    }

    var incidentGrouping: IncidentGrouping? {
        switch self {
        case .periode: return .period
        case .commune: return .commune
        case .secteur: return .sector
        case .quartier: return .quartier
        case .categorie: return .category
        case .nature: return .nature
        case .partenaire: return .partner
        case .flux: return .feed
        case .service, .index: return nil
        }
    }

    /// The French headers of its columns in the CSV: the code, then its name when it has one.
    var headers: [String] {
        switch self {
        case .periode: return ["période"]
        case .commune: return ["code INSEE", "commune"]
        case .secteur: return ["code secteur", "secteur"]
        case .quartier: return ["code quartier", "quartier"]
        case .categorie: return ["code catégorie", "catégorie"]
        case .nature: return ["nature"]
        case .partenaire: return ["code partenaire", "partenaire"]
        case .flux: return ["flux"]
        case .service: return ["service"]
        case .index: return ["index", "libellé de l'index"]
        }
    }

    /// The cells of `code` under `headers`: the code, then its name from the configuration.
    func cells(_ code: String, _ config: Configuration) -> [String] {
        switch self {
        case .periode, .nature, .flux, .service: return [code]
        case .commune: return [code, config.territory.commune(insee: code)?.name ?? ""]
        case .secteur: return [code, code.isEmpty ? "non localisé" : config.territory.sector(id: code)?.sector.name ?? ""]
        case .quartier: return [code, code.isEmpty ? "non localisé" : config.territory.quartier(id: code)?.quartier.name ?? ""]
        case .categorie: return [code, code.isEmpty ? "non classé" : config.nomenclature.category(id: code)?.label ?? ""]
        case .partenaire: return [code, config.partners.first { $0.id == code }?.name ?? ""]
        case .index: return [code, Int(code).flatMap { config.nomenclature.index4001[$0]?.label } ?? ""]
        }
    }
}

/// The length of the periods of `--by periode` in an incidents extract (`--step`).
public enum ExtractStep: String, Sendable, CaseIterable, Codable {
    case jour, semaine, mois, semestre, annee, anneeScolaire = "annee-scolaire"

    /// French names (with or without accents), then the English names of earlier versions.
    public var names: [String] {
        switch self {
        case .jour: return ["jour", "day"]
        case .semaine: return ["semaine", "week"]
        case .mois: return ["mois", "month"]
        case .semestre: return ["semestre", "semester"]
        case .annee: return ["annee", "année", "year"]
        case .anneeScolaire: return ["annee-scolaire", "année-scolaire", "school-year"]
        }
    }

    public static func parse(_ text: String) throws -> ExtractStep {
        let name = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let step = allCases.first(where: { $0.names.contains(name) }) else {
            throw VigieError(.usage, "--step « \(text.shown(limit: 40)) » inconnu : choisissez parmi "
                             + allCases.map(\.rawValue).joined(separator: ", "))
        }
        return step
    }

    var periodStep: PeriodStep {
        switch self {
        case .jour: return .day
        case .semaine: return .week
        case .mois: return .month
        case .semestre: return .semester
        case .annee: return .year
        case .anneeScolaire: return .schoolYear
        }
    }
}

/// What both extracts keep: one partner or feed, a range of periods.
public struct ExtractFilter: Sendable, Hashable {
    public var partner: String?
    public var feed: String?
    public var from: Period?
    public var to: Period?

    public init(partner: String? = nil, feed: String? = nil, from: Period? = nil, to: Period? = nil) {
        self.partner = partner
        self.feed = feed
        self.from = from
        self.to = to
    }

    /// A partner or feed the configuration does not know is a usage error, not an empty extract.
    func check(_ config: Configuration) throws {
        if let partner, !config.partners.contains(where: { $0.id == partner }) {
            throw VigieError(.usage, "--partner « \(partner.shown(limit: 40)) » inconnu : choisissez parmi "
                             + config.partners.map(\.id).joined(separator: ", "))
        }
        if let feed, !config.partners.contains(where: { $0.feeds.contains { $0.id == feed } }) {
            throw VigieError(.usage, "--feed « \(feed.shown(limit: 40)) » inconnu : choisissez parmi "
                             + Set(config.partners.flatMap { $0.feeds.map(\.id) }).sorted().joined(separator: ", "))
        }
    }
}

/// `vigie extract counts`: sums of the current counts, grouped as asked.
public struct ExtractCounts: UseCase {
    public var groups: [ExtractGroup]
    public var filter: ExtractFilter

    public init(groups: [ExtractGroup], filter: ExtractFilter) {
        self.groups = groups
        self.filter = filter
    }

    public func run(_ observatory: Observatory) throws -> ExtractResult {
        try filter.check(observatory.config)
        let groupings = try groups.map { group -> CountGrouping in
            guard let g = group.countGrouping else {
                throw VigieError(.usage, "--by « \(group.rawValue) » ne s'applique qu'à `vigie extract incidents`.")
            }
            return g
        }
        let totals = try observatory.store.countTotals(by: groupings, partner: filter.partner, feed: filter.feed,
                                                       from: filter.from, to: filter.to)
        return ExtractResult(groups: groups, rows: totals.map { ExtractResult.Row(keys: $0.keys, count: $0.total) },
                             config: observatory.config)
    }
}

/// `vigie extract incidents`: numbers of current incidents, grouped as asked; incidents dated
/// from the first day of `from` to the last day of `to`.
public struct ExtractIncidents: UseCase, Hashable {
    public var groups: [ExtractGroup]
    public var step: ExtractStep
    public var filter: ExtractFilter

    public init(groups: [ExtractGroup], step: ExtractStep = .mois, filter: ExtractFilter) {
        self.groups = groups
        self.step = step
        self.filter = filter
    }

    public func run(_ observatory: Observatory) throws -> ExtractResult {
        try filter.check(observatory.config)
        let groupings = try groups.map { group -> IncidentGrouping in
            guard let g = group.incidentGrouping else {
                throw VigieError(.usage, "--by « \(group.rawValue) » ne s'applique qu'à `vigie extract counts`.")
            }
            return g
        }
        let totals = try observatory.store.incidentTotals(by: groupings, step: step.periodStep, partner: filter.partner,
                                                          feed: filter.feed, from: filter.from?.start, to: filter.to?.end)
        return ExtractResult(groups: groups, rows: totals.map { ExtractResult.Row(keys: $0.keys, count: $0.total) },
                             config: observatory.config)
    }
}

/// An extract: `text` is the CSV French Excel opens (see `CSVTable`), names beside codes; the JSON
/// is an array of objects, one per row: codes under the machine keys (`period`, `commune`…), `count`.
public struct ExtractResult: UseCaseResult {
    public struct Row: Sendable, Codable, Equatable {
        public var keys: [String]
        public var count: Int
    }

    public var groups: [ExtractGroup]
    public var rows: [Row]
    /// The CSV cells (codes and names), computed when the configuration is at hand.
    public var table: CSVTable

    init(groups: [ExtractGroup], rows: [Row], config: Configuration) {
        self.groups = groups
        self.rows = rows
        table = CSVTable(
            name: "extrait", header: groups.flatMap(\.headers) + ["nombre"],
            rows: rows.map { row in zip(groups, row.keys).flatMap { $0.cells($1, config) } + [String(row.count)] })
    }

    /// The CSV, without its last "\n" (the terminal adds it back).
    public var text: String { String(String.UnicodeScalarView(table.text.unicodeScalars.dropLast())) }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.unkeyedContainer()
        for row in rows {
            var object: [String: JSONCell] = ["count": .int(row.count)]
            for (group, key) in zip(groups, row.keys) { object[group.machineKey] = .string(key) }
            try container.encode(object)
        }
    }

    /// Read back from its JSON: codes and numbers, columns in `ExtractGroup` order (names left empty).
    public init(from decoder: Decoder) throws {
        let objects = try [[String: JSONCell]](from: decoder)
        let groups = ExtractGroup.allCases.filter { group in objects.first?[group.machineKey] != nil }
        let rows = objects.map { object in
            Row(keys: groups.map { if case .string(let code)? = object[$0.machineKey] { return code } else { return "" } },
                count: { if case .int(let n)? = object["count"] { return n } else { return 0 } }())
        }
        self.groups = groups
        self.rows = rows
        table = CSVTable(name: "extrait", header: groups.flatMap(\.headers) + ["nombre"], rows: rows.map { row in
            zip(groups, row.keys).flatMap { group, code in [code] + Array(repeating: "", count: group.headers.count - 1) } + [String(row.count)]
        })
    }
}

/// A JSON value of an extract row: a code or a number.
enum JSONCell: Codable, Sendable {
    case string(String)
    case int(Int)

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        }
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let i = try? c.decode(Int.self) { self = .int(i) } else { self = .string(try c.decode(String.self)) }
    }
}
