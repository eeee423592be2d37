import Foundation
import GRDB
import VigieCore

/// One current incident (its file not superseded), as the weekly bulletin lists it, with the
/// file and row it came from.
public struct IncidentRecord: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var date: CivilDate
    public var timeMinutes: Int?
    public var commune: String
    public var sector: String?
    public var quartier: String?
    public var placeText: String?
    public var nature: String
    public var category: String?
    public var description: String?
    public var weapon: Bool?
    public var partner: String
    public var feed: String
    public var fileName: String
    public var sourceRow: Int

    public init(row: Row) throws {
        id = row["id"]
        date = CivilDate(dayNumber: row["day"])
        timeMinutes = row["time_minutes"]
        commune = row["commune"]
        sector = row["sector"]
        quartier = row["quartier"]
        placeText = row["place_text"]
        nature = row["nature"]
        category = row["category"]
        description = row["description"]
        weapon = row["weapon"]
        partner = row["partner"]
        feed = row["feed"]
        fileName = row["file_name"]
        sourceRow = row["source_row"]
    }
}

/// A comment of the coordinator, attached to a bulletin (kind, period, commune or the territory).
public struct BulletinComment: Sendable, Equatable, Codable {
    public var id: Int64
    public var bulletin: String
    public var period: String
    public var commune: String?
    public var text: String
    public var createdAt: String
}

/// A bulletin written: kind, period, scope, content hash, and the figures it printed.
public struct BulletinIssue: Sendable, Equatable {
    public var kind: String
    public var period: String
    public var scope: String
    public var fileName: String
    public var contentSHA256: String
    public var figures: [String: Int]
    public var issuedAt: String

    public init(kind: String, period: String, scope: String, fileName: String, contentSHA256: String,
                figures: [String: Int], issuedAt: String) {
        self.kind = kind
        self.period = period
        self.scope = scope
        self.fileName = fileName
        self.contentSHA256 = contentSHA256
        self.figures = figures
        self.issuedAt = issuedAt
    }
}

extension Store {
    /// Current incidents dated `from`…`to`, of the given feeds (all when empty) and commune
    /// (all when nil), by date, time and row.
    public func incidents(from: CivilDate, to: CivilDate, feeds: Set<String> = [], commune: String? = nil) throws -> [IncidentRecord] {
        let feedList = feeds.sorted()
        let feedFilter = feedList.isEmpty ? "" : "AND s.feed IN (\(feedList.map { _ in "?" }.joined(separator: ", ")))"
        let sql = """
            SELECT i.id, i.day, i.time_minutes, i.commune, i.sector, i.quartier, i.place_text, i.nature, i.category,
                   i.description, i.weapon, s.partner, s.feed, s.file_name, i.source_row
            FROM incident i
            JOIN submission s ON s.id = i.submission_id
            WHERE i.day BETWEEN ? AND ?
              AND EXISTS (SELECT 1 FROM submission_period sp WHERE sp.submission_id = i.submission_id AND sp.superseded_by IS NULL)
              AND (? IS NULL OR i.commune = ?)
              \(feedFilter)
            ORDER BY i.day, i.time_minutes, i.id
            """
        var arguments: StatementArguments = [from.dayNumber, to.dayNumber, commune, commune]
        arguments += StatementArguments(feedList)
        return try read { db in try IncidentRecord.fetchAll(db, sql: sql, arguments: arguments) }
    }

    // MARK: Comments

    @discardableResult
    public func addComment(bulletin: String, period: String, commune: String?, text: String, at time: Date = Date()) throws -> Int64 {
        try write { db in
            try db.execute(sql: "INSERT INTO comment (bulletin, period, commune, text, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [bulletin, period, commune, text, Timestamp.utc(time)])
            return db.lastInsertedRowID
        }
    }

    /// Comments of one bulletin: for a commune, its own and the territory's (commune NULL).
    public func comments(bulletin: String? = nil, period: String? = nil, commune: String? = nil) throws -> [BulletinComment] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, bulletin, period, commune, text, created_at FROM comment
                WHERE (?1 IS NULL OR bulletin = ?1) AND (?2 IS NULL OR period = ?2) AND (?3 IS NULL OR commune IS NULL OR commune = ?3)
                ORDER BY id
                """, arguments: [bulletin, period, commune]).map {
                BulletinComment(id: $0["id"], bulletin: $0["bulletin"], period: $0["period"], commune: $0["commune"],
                                text: $0["text"], createdAt: $0["created_at"])
            }
        }
    }

    /// Removes a comment; false when there is none with that number.
    public func removeComment(id: Int64) throws -> Bool {
        try write { db in
            try db.execute(sql: "DELETE FROM comment WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    // MARK: Bulletins issued

    public func recordIssue(_ issue: BulletinIssue) throws {
        let figures = String(decoding: try JSONEncoder.sorted.encode(issue.figures), as: UTF8.self)
        try write { db in
            try db.execute(sql: """
                INSERT INTO bulletin_issue (kind, period, scope, file_name, content_sha256, figures, issued_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [issue.kind, issue.period, issue.scope, issue.fileName, issue.contentSHA256, figures, issue.issuedAt])
        }
    }

    /// The last issue of a bulletin (kind, period, scope), if it was ever written.
    public func lastIssue(kind: String, period: String, scope: String) throws -> BulletinIssue? {
        try read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT * FROM bulletin_issue WHERE kind = ? AND period = ? AND scope = ? ORDER BY id DESC LIMIT 1
                """, arguments: [kind, period, scope]) else { return nil }
            let figures = (try? JSONDecoder().decode([String: Int].self, from: Data((row["figures"] as String).utf8))) ?? [:]
            return BulletinIssue(kind: row["kind"], period: row["period"], scope: row["scope"], fileName: row["file_name"],
                                 contentSHA256: row["content_sha256"], figures: figures, issuedAt: row["issued_at"])
        }
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}

/// A column of the incident table a bulletin may break incidents down by. The SQL is fixed here.
public enum IncidentField: String, Sendable, CaseIterable {
    case commune, sector, quartier, category, nature, line, target, followUp, channel, place

    var column: String {
        switch self {
        case .followUp: return "COALESCE(i.follow_up, '')"
        case .place: return "COALESCE(i.place_text, '')"
        default: return "COALESCE(i.\(rawValue), '')"
        }
    }
}

extension Store {
    /// Numbers of current incidents of one feed kind's files (`feeds`: "partner/feed" keys; all
    /// when empty) dated `from`…`to`, broken down by `fields`, largest first.
    public func incidentBreakdown(by fields: [IncidentField], feeds: Set<String> = [], commune: String? = nil,
                                  from: CivilDate, to: CivilDate) throws -> [CountTotal] {
        let columns = fields.map(\.column)
        let feedList = feeds.sorted()
        let feedFilter = feedList.isEmpty ? "" : "AND (s.partner || '/' || s.feed) IN (\(feedList.map { _ in "?" }.joined(separator: ", ")))"
        let sql = """
            SELECT \((columns + ["COUNT(*)"]).joined(separator: ", "))
            FROM incident i
            JOIN submission s ON s.id = i.submission_id
            WHERE i.day BETWEEN ? AND ?
              AND EXISTS (SELECT 1 FROM submission_period sp WHERE sp.submission_id = i.submission_id AND sp.superseded_by IS NULL)
              AND (? IS NULL OR i.commune = ?)
              \(feedFilter)
            GROUP BY \(columns.isEmpty ? "NULL" : columns.joined(separator: ", "))
            ORDER BY COUNT(*) DESC, \(columns.isEmpty ? "NULL" : columns.joined(separator: ", "))
            """
        var arguments: StatementArguments = [from.dayNumber, to.dayNumber, commune, commune]
        arguments += StatementArguments(feedList)
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                CountTotal(keys: (0..<fields.count).map { (row[$0] as String?) ?? "" }, total: row[fields.count])
            }
        }
    }
}
