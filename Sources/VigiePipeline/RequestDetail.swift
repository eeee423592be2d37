import Foundation
import VigieCore

extension DataRequests {
    /// Where the web application writes request packages, one folder per request: `demandes/`
    /// beside the store, as `vigie request fulfil` does by default when run beside vigie.sqlite, and `vigie demo`.
    public var packages: URL {
        URL(fileURLWithPath: observatory.store.path).deletingLastPathComponent().appendingPathComponent("demandes")
    }

    /// The files of a request's package folder: regular files only (no folder, no link, nothing hidden), by name.
    func packageFiles(_ id: String) -> [(name: String, url: URL, bytes: Int)] {
        let folder = packages.appendingPathComponent(id, isDirectory: true)
        let keys: [URLResourceKey] = [.isRegularFileKey, .isSymbolicLinkKey, .fileSizeKey]
        guard let urls = try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: keys, options: [.skipsHiddenFiles])
        else { return [] }
        return urls.compactMap { url in
            guard let values = try? url.resourceValues(forKeys: Set(keys)), values.isRegularFile == true, values.isSymbolicLink != true
            else { return nil }
            return (url.lastPathComponent, url, values.fileSize ?? 0)
        }.sorted { $0.name < $1.name }
    }
}

/// The « Demandes » page of one request: the request by names, each owner's answer, its audit
/// log in French and the files of its package; `detail` is nil when no request has this id.
public struct RequestDetail: UseCase {
    public var id: String

    public init(id: String) { self.id = id }

    public struct Answer: Codable, Sendable {
        public var owner: String
        public var ownerName: String
        public var decision: OwnerAnswer.Decision
        public var reason: String?
        public var reservation: String?
        public var rules: [String]
        public var answeredAt: String?
    }

    public struct Event: Codable, Sendable {
        public var at: String
        /// In French (« demande d'accord », « accord », « paquet écrit »…).
        public var event: String
        public var actor: String
        public var detail: String
    }

    public struct File: Codable, Sendable {
        public var name: String
        public var bytes: Int
    }

    public struct Detail: Codable, Sendable {
        public var id: String
        public var requester: String
        public var purpose: String
        /// Each feed asked for: its id and its owner's name.
        public var feeds: [Feed]
        public var period: String
        public var area: String
        public var grouping: String
        public var state: String
        public var createdAt: String
        public var fulfilledAt: String?
        public var answers: [Answer]
        public var events: [Event]
        /// The package's folder, and its files once written.
        public var folder: String
        public var files: [File]

        public struct Feed: Codable, Sendable {
            public var feed: String
            public var ownerName: String
        }

        /// Every owner has answered and the package is not written yet.
        public var ready: Bool { fulfilledAt == nil && answers.allSatisfy { $0.decision != .pending } }
    }

    public struct Result: UseCaseResult {
        public var detail: Detail?
        public var text: String { detail.map { "Demande \($0.id) — \($0.requester) — \($0.state)" } ?? "Demande inconnue." }
        public var exitStatus: ExitStatus { detail == nil ? .usage : .ok }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let store = observatory.store, requests = DataRequests(observatory)
        guard let request = try store.requests().first(where: { $0.id == id }) else { return Result(detail: nil) }
        let answers = try store.answers(request: id)
        let period = request.from == request.to ? request.from.frenchName : "\(request.from.frenchName) à \(request.to.frenchName)"
        let detail = Detail(
            id: request.id, requester: requests.name(of: request.requester), purpose: request.purpose,
            feeds: request.feeds.map { Detail.Feed(feed: $0.feed, ownerName: requests.partnerName($0.partner)) },
            period: period, area: RequestExtract.label(request.area, territory: observatory.config.territory),
            grouping: RequestPost.grouping(request), state: requests.state(request, answers: answers),
            createdAt: request.createdAt, fulfilledAt: request.fulfilledAt,
            answers: answers.map {
                Answer(owner: $0.owner, ownerName: requests.partnerName($0.owner), decision: $0.decision, reason: $0.reason,
                       reservation: $0.reservation, rules: $0.rules.map(\.description), answeredAt: $0.answeredAt)
            },
            events: try store.auditEvents(request: id).map { Event(at: $0.at, event: AuditVerb.french($0.event), actor: $0.actor, detail: $0.detail) },
            folder: requests.packages.appendingPathComponent(id).path,
            files: requests.packageFiles(id).map { File(name: $0.name, bytes: $0.bytes) })
        return Result(detail: detail)
    }
}

/// One file of a request's package, read for download: nil unless `name` is exactly one of the
/// regular files of that request's package folder (a path, a link or an unknown name is nil).
public struct RequestPackageFile: UseCase {
    public var id: String
    public var name: String

    public init(id: String, name: String) {
        self.id = id
        self.name = name
    }

    public struct Result: UseCaseResult {
        public var name: String
        public var data: Data?
        public var text: String { data == nil ? "Fichier introuvable : \(name)." : "\(name) (\(data?.count ?? 0) octets)" }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let requests = DataRequests(observatory)
        guard try observatory.store.requests().contains(where: { $0.id == id }),
              let file = requests.packageFiles(id).first(where: { $0.name == name }) else { return Result(name: name, data: nil) }
        return Result(name: name, data: try Data(contentsOf: file.url))
    }
}

/// What the « nouvelle demande » form offers: the requesters (partners, and each commune's
/// mairie), every feed of the configuration by owner, and the places the area field suggests.
public struct RequestChoices: UseCase {
    public init() {}

    public struct Choice: Codable, Sendable {
        /// What `RequestNew` resolves: a partner's id, a commune's INSEE code, a feed's `partner/feed`.
        public var value: String
        public var label: String
    }

    public struct Owner: Codable, Sendable {
        public var name: String
        public var feeds: [Choice]
    }

    public struct Result: UseCaseResult {
        public var partners: [Choice]
        public var mairies: [Choice]
        public var owners: [Owner]
        /// Communes, secteurs and quartiers by name (each name once).
        public var places: [String]
        /// The reservation rules an owner may set (`seuil:N` aside) and what each means.
        public var rules: [Choice]
        /// The observatory's threshold: a `seuil:N` must be above it.
        public var minCell: Int
        public var text: String {
            "Demandeurs : \((partners + mairies).map(\.label).joined(separator: ", "))\nFlux : "
                + owners.flatMap(\.feeds).map(\.value).joined(separator: ", ")
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let config = observatory.config
        var places: [String] = []
        for c in config.territory.communes {
            let names = [c.name] + c.sectors.flatMap { [$0.name] + $0.quartiers.map(\.name) }
            for name in names where !places.contains(name) {
                places.append(name)
            }
        }
        return Result(
            partners: config.partners.map { Choice(value: $0.id, label: $0.name) },
            mairies: config.territory.communes.map { Choice(value: $0.insee, label: DataRequests.mairieName($0.name)) },
            owners: config.partners.filter { !$0.feeds.isEmpty }.map { p in
                Owner(name: p.name, feeds: p.feeds.map { Choice(value: "\(p.id)/\($0.id)", label: $0.id) })
            },
            places: places,
            rules: RequestPost.ruleMeanings(minCell: config.settings.minCell).filter { $0.rule != "seuil:N" }
                .map { Choice(value: $0.rule, label: $0.meaning) },
            minCell: config.settings.minCell)
    }
}

/// The Demandes page: the requests recorded and the lists of the « nouvelle demande » form.
public struct RequestsOverview: UseCase, Hashable {
    public init() {}

    public struct Result: UseCaseResult {
        public var list: RequestList.Result
        public var choices: RequestChoices.Result
        public var text: String { list.text }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        Result(list: try RequestList().run(observatory), choices: try RequestChoices().run(observatory))
    }
}
