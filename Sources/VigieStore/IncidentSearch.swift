import GRDB
import VigieCore

/// What a search of incidents keeps: a place (one column, or a secteur with its quartiers), a
/// nature (contained, case-insensitive for ASCII), a category ("" for « non classé »), a range of days.
public struct IncidentSearchFilter: Sendable, Equatable {
    public var commune: String?
    /// A secteur: matches its id in `sector` or one of its `quartiers`.
    public var sector: (id: String, quartiers: [String])?
    public var quartier: String?
    public var natureContains: String?
    public var category: String?
    public var from: CivilDate?
    public var to: CivilDate?

    public init(commune: String? = nil, sector: (id: String, quartiers: [String])? = nil, quartier: String? = nil,
                natureContains: String? = nil, category: String? = nil, from: CivilDate? = nil, to: CivilDate? = nil) {
        self.commune = commune
        self.sector = sector
        self.quartier = quartier
        self.natureContains = natureContains
        self.category = category
        self.from = from
        self.to = to
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.commune == b.commune && a.sector?.id == b.sector?.id && a.sector?.quartiers == b.sector?.quartiers
            && a.quartier == b.quartier && a.natureContains == b.natureContains && a.category == b.category
            && a.from == b.from && a.to == b.to
    }
}

/// One incident found by a search, with the file and row it came from.
public struct IncidentHit: Sendable, Equatable, Codable, FetchableRecord {
    public var id: Int64
    public var date: CivilDate
    public var timeMinutes: Int?
    public var commune: String
    public var quartier: String?
    public var placeText: String?
    public var nature: String
    public var category: String?
    /// nil once erased by retention (or never given).
    public var description: String?
    public var weapon: Bool?
    public var submissionID: Int64
    public var partner: String
    public var feed: String
    public var fileName: String
    public var receivedAt: String
    public var sheet: String?
    public var sourceRow: Int

    public init(row: Row) throws {
        id = row["id"]
        date = CivilDate(dayNumber: row["day"])
        timeMinutes = row["time_minutes"]
        commune = row["commune"]
        quartier = row["quartier"]
        placeText = row["place_text"]
        nature = row["nature"]
        category = row["category"]
        description = row["description"]
        weapon = row["weapon"]
        submissionID = row["submission_id"]
        partner = row["partner"]
        feed = row["feed"]
        fileName = row["file_name"]
        receivedAt = row["received_at"]
        sheet = row["sheet"]
        sourceRow = row["source_row"]
    }
}

extension Store {
    /// Current incidents (files not superseded) matching `filter`, latest first (day, time, row),
    /// `limit` of them from `offset`, and how many match in all.
    public func searchIncidents(_ filter: IncidentSearchFilter, limit: Int, offset: Int) throws -> (total: Int, hits: [IncidentHit]) {
        var conditions = ["EXISTS (SELECT 1 FROM submission_period sp WHERE sp.submission_id = i.submission_id AND sp.superseded_by IS NULL)"]
        var arguments = StatementArguments()
        if let commune = filter.commune {
            conditions.append("i.commune = ?")
            arguments += [commune]
        }
        if let sector = filter.sector {
            let marks = sector.quartiers.map { _ in "?" }.joined(separator: ", ")
            conditions.append(sector.quartiers.isEmpty ? "i.sector = ?" : "(i.sector = ? OR i.quartier IN (\(marks)))")
            arguments += [sector.id]
            arguments += StatementArguments(sector.quartiers)
        }
        if let quartier = filter.quartier {
            conditions.append("i.quartier = ?")
            arguments += [quartier]
        }
        if let nature = filter.natureContains, !nature.isEmpty {
            let escaped = nature.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            conditions.append("i.nature LIKE ? ESCAPE '\\'")
            arguments += ["%" + escaped + "%"]
        }
        if let category = filter.category {
            conditions.append(category.isEmpty ? "i.category IS NULL OR i.category = ''" : "i.category = ?")
            if !category.isEmpty { arguments += [category] }
        }
        if let from = filter.from {
            conditions.append("i.day >= ?")
            arguments += [from.dayNumber]
        }
        if let to = filter.to {
            conditions.append("i.day <= ?")
            arguments += [to.dayNumber]
        }
        let whereClause = conditions.map { "(\($0))" }.joined(separator: " AND ")
        let from = "FROM incident i JOIN submission s ON s.id = i.submission_id WHERE \(whereClause)"
        let select = """
            SELECT i.id, i.day, i.time_minutes, i.commune, i.quartier, i.place_text, i.nature, i.category, i.description,
                   i.weapon, i.submission_id, s.partner, s.feed, s.file_name, s.received_at, i.sheet, i.source_row
            \(from)
            ORDER BY i.day DESC, COALESCE(i.time_minutes, -1) DESC, i.id DESC
            LIMIT ? OFFSET ?
            """
        var pageArguments = arguments
        pageArguments += [max(limit, 0), max(offset, 0)]
        return try read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(from)", arguments: arguments) ?? 0
            return (total, try IncidentHit.fetchAll(db, sql: select, arguments: pageArguments))
        }
    }
}
