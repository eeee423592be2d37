import Foundation
import GRDB
import VigieCore

/// Data requests, the owners' answers and the audit log. Every change to a request writes its
/// audit event in the same transaction: there is no request step without its trace.
extension Store {
    /// Records a new request numbered in the year of `time`, with one pending answer per owner;
    /// `requesterName` is how the audit log names who asks (« Mairie de Créteil »).
    public func createRequest(_ draft: DataRequest, requesterName: String, at time: Date = Date()) throws -> DataRequest {
        try write { db in
            var request = draft
            let stamp = Timestamp.paris(time)
            let year = Int(stamp.prefix(4)) ?? 1970
            let number = (try Int.fetchOne(db, sql: "SELECT MAX(number) FROM data_request WHERE year = ?", arguments: [year]) ?? 0) + 1
            request.id = String(format: "DR-%d-%03d", year, number)
            request.createdAt = stamp
            try db.execute(sql: """
                INSERT INTO data_request (id, year, number, requester, purpose, feeds, from_period, to_period, area, by_level, columns, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [request.id, year, number, request.requester.description, request.purpose,
                                 request.feeds.map(\.description).joined(separator: ","), request.from.description,
                                 request.to.description, request.area?.description, request.by.rawValue,
                                 request.columns.rawValue, stamp])
            for owner in request.owners {
                try db.execute(sql: "INSERT INTO request_answer (request_id, owner, decision) VALUES (?, ?, 'pending')",
                               arguments: [request.id, owner])
            }
            try Self.audit(db, at: stamp, request: request.id, event: AuditVerb.created.rawValue, actor: requesterName,
                           detail: "\(request.purpose) — \(request.feeds.map(\.description).joined(separator: ", ")), \(request.from)…\(request.to)")
            return request
        }
    }

    /// Records an owner's answer (it may change its mind until the request is fulfilled); the audit names it `ownerName`.
    public func answer(request id: String, _ answer: OwnerAnswer, ownerName: String, at time: Date = Date()) throws {
        try write { db in
            guard let request = try Self.request(db, id) else { throw Self.unknown(id) }
            guard request.fulfilledAt == nil else {
                throw VigieError(.usage, "la demande \(id) a déjà été satisfaite le \(request.fulfilledAt ?? "") : les réponses ne changent plus",
                                 hint: "Créez une nouvelle demande.")
            }
            guard request.owners.contains(answer.owner) else {
                throw VigieError(.usage, "« \(answer.owner) » n'est propriétaire d'aucun flux de la demande \(id)",
                                 hint: "Propriétaires : \(request.owners.joined(separator: ", ")).")
            }
            let stamp = Timestamp.paris(time)
            try db.execute(sql: """
                UPDATE request_answer SET decision = ?, reason = ?, reservation = ?, rules = ?, answered_at = ?
                WHERE request_id = ? AND owner = ?
                """, arguments: [answer.decision.rawValue, answer.reason, answer.reservation,
                                 answer.rules.map(\.description).joined(separator: ","), stamp, id, answer.owner])
            let event = (answer.decision == .refused ? AuditVerb.refused : .granted).rawValue
            try Self.audit(db, at: stamp, request: id, event: event, actor: ownerName,
                           detail: answer.decision == .refused ? "motif : \(answer.reason ?? "")" : "accord")
            if answer.decision == .granted, answer.reservation != nil || !answer.rules.isEmpty {
                try Self.audit(db, at: stamp, request: id, event: AuditVerb.reservation.rawValue, actor: ownerName,
                               detail: "\(answer.reservation ?? "") [\(answer.rules.map(\.description).joined(separator: ", "))]")
            }
        }
    }

    /// Marks the request fulfilled (its package written in `package`).
    public func recordFulfilment(request id: String, package: String, at time: Date = Date()) throws {
        try write { db in
            let stamp = Timestamp.paris(time)
            try db.execute(sql: "UPDATE data_request SET fulfilled_at = ? WHERE id = ?", arguments: [stamp, id])
            try Self.audit(db, at: stamp, request: id, event: AuditVerb.fulfilled.rawValue, actor: "observatoire", detail: package)
        }
    }

    /// Appends one event to a request's audit log (a message and what became of it).
    public func recordAudit(request id: String, _ verb: AuditVerb, actor: String, detail: String, at time: Date = Date()) throws {
        try write { db in
            guard try Self.request(db, id) != nil else { throw Self.unknown(id) }
            try Self.audit(db, at: Timestamp.paris(time), request: id, event: verb.rawValue, actor: actor, detail: detail)
        }
    }

    public func request(_ id: String) throws -> DataRequest {
        try read { db in
            guard let request = try Self.request(db, id) else { throw Self.unknown(id) }
            return request
        }
    }

    public func requests() throws -> [DataRequest] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT id FROM data_request ORDER BY year, number").compactMap { try Self.request(db, $0) }
        }
    }

    /// The owners' answers, in the order of the request's feeds.
    public func answers(request id: String) throws -> [OwnerAnswer] {
        try read { db in
            guard let request = try Self.request(db, id) else { throw Self.unknown(id) }
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM request_answer WHERE request_id = ?", arguments: [id])
            let answers = rows.map { row in
                OwnerAnswer(owner: row["owner"], decision: OwnerAnswer.Decision(rawValue: row["decision"]) ?? .pending,
                            reason: row["reason"], reservation: row["reservation"],
                            rules: (row["rules"] as String).split(separator: ",").compactMap { ReserveRule(String($0)) },
                            answeredAt: row["answered_at"])
            }
            return request.owners.compactMap { owner in answers.first { $0.owner == owner } }
        }
    }

    /// Audit events of one request, or of all requests from one day to another (both included, local dates).
    public func auditEvents(request id: String? = nil, from: CivilDate? = nil, to: CivilDate? = nil) throws -> [AuditEvent] {
        try read { db in
            // `at` is ISO 8601 local time: text order is time order, and a day is a prefix.
            try Row.fetchAll(db, sql: """
                SELECT * FROM audit
                WHERE (?1 IS NULL OR request_id = ?1) AND (?2 IS NULL OR at >= ?2) AND (?3 IS NULL OR at < ?3)
                ORDER BY id
                """, arguments: [id, from?.description, to?.adding(days: 1).description]).map {
                AuditEvent(id: $0["id"], at: $0["at"], requestID: $0["request_id"], event: $0["event"], actor: $0["actor"], detail: $0["detail"])
            }
        }
    }

    static func audit(_ db: Database, at stamp: String, request: String, event: String, actor: String, detail: String) throws {
        try db.execute(sql: "INSERT INTO audit (at, request_id, event, actor, detail) VALUES (?, ?, ?, ?, ?)",
                       arguments: [stamp, request, event, actor, detail])
    }

    static func request(_ db: Database, _ id: String) throws -> DataRequest? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM data_request WHERE id = ?", arguments: [id]) else { return nil }
        let feeds = (row["feeds"] as String).split(separator: ",").compactMap { ref -> FeedRef? in
            let parts = ref.split(separator: "/", maxSplits: 1).map(String.init)
            return parts.count == 2 ? FeedRef(partner: parts[0], feed: parts[1]) : nil
        }
        guard let from = Period(row["from_period"]), let to = Period(row["to_period"]) else { return nil }
        return DataRequest(id: row["id"], requester: Requester(stored: row["requester"]), purpose: row["purpose"], feeds: feeds, from: from, to: to,
                           area: (row["area"] as String?).flatMap(AreaFilter.init), by: AreaLevel(rawValue: row["by_level"]) ?? .commune,
                           columns: RequestColumns(rawValue: row["columns"]) ?? .category, createdAt: row["created_at"],
                           fulfilledAt: row["fulfilled_at"])
    }

    static func unknown(_ id: String) -> VigieError {
        VigieError(.usage, "aucune demande « \(id) »", hint: "vigie request list donne les demandes enregistrées.")
    }
}
