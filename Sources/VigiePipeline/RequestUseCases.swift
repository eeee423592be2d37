import Foundation
import VigieCore
import VigieReports

/// `vigie request new`: records a request (the requester and the area named as people name them)
/// and mails each owner of its data a consent request.
public struct RequestNew: UseCase {
    public var requester: String
    public var purpose: String
    public var data: [String]
    public var from: Period
    public var to: Period
    /// A commune, secteur or quartier as typed (code, id, name or alias); nil: the whole territory.
    public var area: String?
    public var by: String
    public var outgoing: Outgoing

    public init(requester: String, purpose: String, data: [String], from: Period, to: Period, area: String?, by: String, outgoing: Outgoing) {
        self.requester = requester
        self.purpose = purpose
        self.data = data
        self.from = from
        self.to = to
        self.area = area
        self.by = by
        self.outgoing = outgoing
    }

    public struct Result: UseCaseResult {
        public var request: DataRequest
        public var requesterName: String
        public var owners: [String]
        public var messages: [RequestMessage]

        public var text: String {
            (["Demande \(request.id) de \(requesterName) enregistrée. Accord attendu de : \(owners.joined(separator: ", ")).",
              "Demandes d'accord :"] + messages.map { "  " + $0.line }).joined(separator: "\n")
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let requests = DataRequests(observatory)
        let who = try requests.requester(requester)
        let place = try area.map { try observatory.config.territory.place($0) }
        // Everything the mails need is checked before the request is recorded.
        let post = try RequestPost(observatory, outgoing: outgoing)
        for name in data { _ = try post.owner(try requests.resolve(name.trimmingCharacters(in: .whitespaces)).partner) }
        let time = Date()
        let request = try requests.create(requester: who, purpose: purpose, data: data, from: from, to: to, area: place, by: by, at: time)
        let messages: [RequestMessage]
        do {
            messages = try RequestAsk.ask(request, owners: request.owners, post: post, at: time)
        } catch let error as VigieError {
            throw RequestAsk.notAllAsked(request.id, error)
        }
        return Result(request: request, requesterName: requests.name(of: who), owners: request.owners.map(requests.partnerName), messages: messages)
    }
}

/// `vigie request ask`: mails the consent request again to each owner who has not answered yet
/// (after a transport failure, or as a reminder).
public struct RequestAsk: UseCase {
    public var id: String
    public var outgoing: Outgoing

    public init(id: String, outgoing: Outgoing) {
        self.id = id
        self.outgoing = outgoing
    }

    public struct Result: UseCaseResult {
        public var id: String
        public var messages: [RequestMessage]
        public var text: String {
            messages.isEmpty ? "\(id) : tous les propriétaires ont répondu, aucune demande d'accord à envoyer."
                : (["Demandes d'accord de \(id) :"] + messages.map { "  " + $0.line }).joined(separator: "\n")
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let post = try RequestPost(observatory, outgoing: outgoing)
        let request = try observatory.store.request(id)
        if let done = request.fulfilledAt {
            throw VigieError(.usage, "la demande \(id) a déjà été satisfaite le \(done) : plus d'accord à demander")
        }
        let pending = try observatory.store.answers(request: id).filter { $0.decision == .pending }.map(\.owner)
        do {
            return Result(id: id, messages: try Self.ask(request, owners: pending, post: post, at: Date()))
        } catch let error as VigieError {
            throw Self.notAllAsked(id, error)
        }
    }

    /// Mails the consent request to each of `owners`; stops at the first transport failure (logged).
    static func ask(_ request: DataRequest, owners: [String], post: RequestPost, at time: Date) throws -> [RequestMessage] {
        var messages: [RequestMessage] = []
        for owner in owners {
            let (message, name) = try post.consentMessage(request, owner: owner, at: time)
            messages.append(try post.deliver(message, request: request.id, verb: .consentAsked, what: "demande d'accord", recipient: name,
                                             name: "\(request.id)_accord_\(owner)", at: time))
        }
        return messages
    }

    /// A transport failure once the request is recorded: what to do next.
    static func notAllAsked(_ id: String, _ error: VigieError) -> VigieError {
        VigieError(error.kind, "la demande \(id) est enregistrée, mais toutes les demandes d'accord ne sont pas parties : \(error.message)",
                   hint: "Le journal (vigie request show \(id)) dit lesquelles sont parties. Corrigez la cause, puis : vigie request ask \(id) --send")
    }
}

/// `vigie request consent`: records an owner's answer (accord, with its reservation, or refusal).
public struct RequestConsent: UseCase {
    public var id: String
    public var owner: String
    public var grant: Bool
    public var reason: String?
    public var reservation: String?
    public var rules: [String]

    public init(id: String, owner: String, grant: Bool, reason: String?, reservation: String?, rules: [String]) {
        self.id = id
        self.owner = owner
        self.grant = grant
        self.reason = reason
        self.reservation = reservation
        self.rules = rules
    }

    public struct Result: UseCaseResult {
        public var id: String
        public var owner: String
        public var granted: Bool
        public var text: String { "\(id) : \(granted ? "accord" : "refus") de \(owner) enregistré." }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let requests = DataRequests(observatory)
        let ownerID = try requests.answer(id, owner: owner, grant: grant, reason: reason, reservation: reservation, rules: rules)
        return Result(id: id, owner: requests.partnerName(ownerID), granted: grant)
    }
}

/// `vigie request list`: every request, its requester by name and its state.
public struct RequestList: UseCase {
    public init() {}

    public struct Item: Codable, Sendable {
        public var id: String
        public var requester: String
        public var purpose: String
        public var state: String
        /// When it was recorded, and when its package was written (Paris time, ISO 8601).
        public var createdAt: String
        public var fulfilledAt: String?
    }

    public struct Result: UseCaseResult {
        public var requests: [Item]
        public var text: String {
            requests.isEmpty ? "Aucune demande." : requests.map { "\($0.id)  \($0.requester) — \($0.purpose) — \($0.state)" }.joined(separator: "\n")
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let requests = DataRequests(observatory)
        return Result(requests: try observatory.store.requests().map { r in
            Item(id: r.id, requester: requests.name(of: r.requester), purpose: r.purpose,
                 state: requests.state(r, answers: try observatory.store.answers(request: r.id)),
                 createdAt: r.createdAt, fulfilledAt: r.fulfilledAt)
        })
    }
}

/// `vigie request show`: a request, its answers and its audit trail.
public struct RequestShow: UseCase {
    public var id: String

    public init(id: String) { self.id = id }

    public struct Result: UseCaseResult {
        public var id: String
        public var text: String
    }

    public func run(_ observatory: Observatory) throws -> Result {
        Result(id: id, text: try DataRequests(observatory).describe(id))
    }
}

/// `vigie request fulfil`: writes the package of a request all owners answered, then mails it
/// (requester, consenting owners' copies, refusing owners' notices).
public struct RequestFulfil: UseCase {
    public var id: String
    public var out: String
    public var outgoing: Outgoing

    public init(id: String, out: String, outgoing: Outgoing) {
        self.id = id
        self.out = out
        self.outgoing = outgoing
    }

    public struct Result: UseCaseResult {
        public var id: String
        public var folder: String
        public var files: [String]
        public var messages: [RequestMessage]

        public var text: String {
            (["Paquet de la demande \(id) : \(folder)"] + files.map { "  \($0)" } + ["Messages :"] + messages.map { "  " + $0.line })
                .joined(separator: "\n")
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        // The sender, the templates and every address, checked before anything is written.
        let post = try RequestPost(observatory, outgoing: outgoing)
        let request = try observatory.store.request(id)
        try post.checkAddresses(request)
        let package = try RequestPackage(observatory)
        let written = try package.fulfil(id, out: URL(fileURLWithPath: out))
        let messages: [RequestMessage]
        do {
            messages = try package.deliver(written, outgoing: outgoing)
        } catch let error as VigieError {
            throw VigieError(error.kind, "le paquet de \(id) est écrit dans \(written.folder.path), mais tous les messages ne sont pas partis : \(error.message)",
                             hint: "Le journal (vigie request show \(id)) dit lesquels sont partis. Corrigez la cause, puis relancez "
                                + "vigie request fulfil \(id) --send : le paquet est réécrit et tous ses messages repartent.")
        }
        return Result(id: id, folder: written.folder.path, files: written.files.map(\.lastPathComponent), messages: messages)
    }
}

/// `vigie audit`: the request events between two days, as text or CSV (French headers and verbs).
public struct AuditExport: UseCase {
    public enum Format: String, Codable, Sendable { case csv, text }
    public var from: CivilDate?
    public var to: CivilDate?
    public var format: Format

    public init(from: CivilDate?, to: CivilDate?, format: Format) {
        self.from = from
        self.to = to
        self.format = format
    }

    public struct Line: Codable, Sendable {
        public var at: String
        public var request: String
        public var event: String
        public var actor: String
        public var detail: String
    }

    public struct Result: UseCaseResult {
        public var format: Format
        public var events: [Line]
        public var csv: String
        public var text: String {
            switch format {
            case .csv: csv
            case .text: events.isEmpty ? "Aucun événement." : events.map { "\($0.at)  \($0.request)  \($0.event)  \($0.actor) — \($0.detail)" }.joined(separator: "\n")
            }
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let events = try observatory.store.auditEvents(from: from, to: to)
        return Result(format: format, events: events.map { Line(at: $0.at, request: $0.requestID, event: AuditVerb.french($0.event), actor: $0.actor, detail: $0.detail) },
                      csv: try DataRequests(observatory).auditCSV(from: from, to: to))
    }
}
