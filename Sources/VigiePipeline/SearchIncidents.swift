import Foundation
import VigieConfig
import VigieCore
import VigieStore

/// The « Recherche » page: current incidents (faits marquants, police municipale, transport,
/// doléances…) by place, nature, category and dates, latest first, one page of them at a time,
/// each with the file and row it came from.
public struct SearchIncidents: UseCase, Hashable {
    public var place: PlaceRef?
    /// Contained in the partner's nature, case ignored (ASCII letters).
    public var nature: String?
    /// A category id of the nomenclature, or "" for « non classé »; nil for all.
    public var category: String?
    public var from: CivilDate?
    public var to: CivilDate?
    /// From 1.
    public var page: Int
    public var pageSize: Int

    public static let defaultPageSize = 100
    /// Longest nature searched for (characters).
    public static let maxNatureLength = 100

    public init(place: PlaceRef? = nil, nature: String? = nil, category: String? = nil, from: CivilDate? = nil,
                to: CivilDate? = nil, page: Int = 1, pageSize: Int = SearchIncidents.defaultPageSize) {
        self.place = place
        self.nature = nature
        self.category = category
        self.from = from
        self.to = to
        self.page = page
        self.pageSize = pageSize
    }

    public func run(_ observatory: Observatory) throws -> SearchResult {
        let config = observatory.config
        guard page >= 1, page <= 100_000, (1...1000).contains(pageSize) else {
            throw VigieError(.usage, "numéro de page incorrect : \(page)")
        }
        if let nature, nature.count > Self.maxNatureLength {
            throw VigieError(.usage, "nature trop longue : \(Self.maxNatureLength) caractères au plus")
        }
        if let category, !category.isEmpty, config.nomenclature.category(id: category) == nil {
            throw VigieError(.usage, "catégorie inconnue « \(category.shown(limit: 40)) »",
                             hint: "Choisissez une catégorie de Config/nomenclature.yaml.")
        }
        if let from, let to, to < from {
            throw VigieError(.usage, "la date de fin (\(to.french)) précède la date de début (\(from.french))")
        }
        var filter = IncidentSearchFilter(natureContains: nature?.trimmingCharacters(in: .whitespaces), category: category, from: from, to: to)
        switch place {
        case .commune(let insee)?: filter.commune = insee
        case .secteur(let id)?:
            filter.sector = (id, config.territory.sector(id: id)?.sector.quartiers.map(\.id) ?? [])
        case .quartier(let id)?: filter.quartier = id
        case nil: break
        }
        let found = try observatory.store.searchIncidents(filter, limit: pageSize, offset: (page - 1) * pageSize)
        let hits = found.hits.map { h in
            SearchResult.Hit(
                date: h.date, time: h.timeMinutes.map { String(format: "%02dh%02d", $0 / 60, $0 % 60) },
                commune: config.territory.commune(insee: h.commune)?.name ?? h.commune,
                quartier: h.quartier.flatMap { config.territory.quartier(id: $0)?.quartier.name } ?? h.quartier,
                place: h.placeText, nature: h.nature,
                category: h.category.flatMap { $0.isEmpty ? nil : (config.nomenclature.category(id: $0)?.label ?? $0) },
                description: h.description, weapon: h.weapon ?? false,
                submission: h.submissionID, file: h.fileName,
                partner: config.partners.first { $0.id == h.partner }?.name ?? h.partner, feed: h.feed,
                receivedAt: h.receivedAt, sheet: h.sheet, row: h.sourceRow)
        }
        return SearchResult(total: found.total, page: page, pageSize: pageSize, hits: hits)
    }

    /// A date as people type it: `23/11/2026` (a four-digit year) or `2026-11-23`; nil otherwise.
    public static func date(_ text: String) -> CivilDate? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let iso = CivilDate(iso: t) { return iso }
        let parts = t.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count), parts[2].count == 4,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]) else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }
}

/// One page of a search: how many incidents match in all, and those of the page.
public struct SearchResult: UseCaseResult {
    /// An incident in the territory's words, with the file (submission) and row it came from.
    public struct Hit: Sendable, Codable, Equatable {
        public var date: CivilDate
        public var time: String?
        public var commune: String
        public var quartier: String?
        public var place: String?
        public var nature: String
        public var category: String?
        /// nil when the store no longer keeps it (retention) or the partner gave none.
        public var description: String?
        public var weapon: Bool
        public var submission: Int64
        public var file: String
        public var partner: String
        public var feed: String
        public var receivedAt: String
        public var sheet: String?
        public var row: Int
    }

    public var total: Int
    public var page: Int
    public var pageSize: Int
    public var hits: [Hit]

    public var pageCount: Int { max(1, (total + pageSize - 1) / pageSize) }

    public var text: String {
        var lines = ["\(total) fait(s) trouvé(s) ; page \(page) sur \(pageCount)"]
        for h in hits {
            lines.append([h.date.french, h.commune, h.quartier ?? "non localisé", h.nature, h.category ?? "non classé",
                          "\(h.file) ligne \(h.row)"].joined(separator: " ; "))
        }
        return lines.joined(separator: "\n")
    }
}
