/// How finely a table of a data request is broken down by place, from the coarsest.
public enum AreaLevel: String, Sendable, CaseIterable, Comparable, Codable {
    case territoire, commune, secteur, quartier
    /// The units of a feed below the quartier: residences, schools, stops.
    case lieu

    public static func < (a: AreaLevel, b: AreaLevel) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// « par quartier », for manifests and analyses.
    public var french: String { self == .territoire ? "pour tout le territoire" : "par \(rawValue)" }
}

/// What the columns of a request's tables are.
public enum RequestColumns: String, Sendable, CaseIterable, Codable {
    /// The observatory's categories (nomenclature.yaml).
    case category
    /// The natures as the partner labels them (their own words: free text in the owner's sense).
    case nature
}

/// The part of the territory a request covers: all of it, or one commune, secteur or quartier.
public struct AreaFilter: Sendable, Equatable, Codable, CustomStringConvertible {
    public var level: AreaLevel
    public var code: String

    public init(level: AreaLevel, code: String) {
        self.level = level
        self.code = code
    }

    /// `commune:94028`, `secteur:cre-nord`, `quartier:cre-mont-mesly`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let level = AreaLevel(rawValue: parts[0]), [.commune, .secteur, .quartier].contains(level),
              !parts[1].isEmpty else { return nil }
        self.init(level: level, code: parts[1])
    }

    public var description: String { "\(level.rawValue):\(code)" }
}

/// A rule a data owner attaches to its consent; the extract applies it.
public enum ReserveRule: Sendable, Equatable, Codable, CustomStringConvertible {
    /// No detail below the commune.
    case pasSousCommune
    /// No detail below the secteur.
    case pasSousSecteur
    /// No detail by residence, school or stop.
    case pasDeLieu
    /// No free text: the partner's own nature labels are replaced by the observatory's categories.
    case pasDeTexteLibre
    /// A minimum cell count higher than the default.
    case seuil(Int)

    /// `pas-sous-commune`, `pas-sous-secteur`, `pas-de-lieu`, `pas-de-texte-libre`, `seuil:10`.
    public init?(_ text: String) {
        switch text {
        case "pas-sous-commune": self = .pasSousCommune
        case "pas-sous-secteur": self = .pasSousSecteur
        case "pas-de-lieu": self = .pasDeLieu
        case "pas-de-texte-libre": self = .pasDeTexteLibre
        default:
            guard text.hasPrefix("seuil:"), let n = Int(text.dropFirst(6)), n >= 2 else { return nil }
            self = .seuil(n)
        }
    }

    public static let written = ["pas-sous-commune", "pas-sous-secteur", "pas-de-lieu", "pas-de-texte-libre", "seuil:N"]

    public var description: String {
        switch self {
        case .pasSousCommune: "pas-sous-commune"
        case .pasSousSecteur: "pas-sous-secteur"
        case .pasDeLieu: "pas-de-lieu"
        case .pasDeTexteLibre: "pas-de-texte-libre"
        case .seuil(let n): "seuil:\(n)"
        }
    }

    /// The finest level this rule allows, if it limits the level.
    public var finestLevel: AreaLevel? {
        switch self {
        case .pasSousCommune: .commune
        case .pasSousSecteur: .secteur
        case .pasDeLieu: .quartier
        case .pasDeTexteLibre, .seuil: nil
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let rule = ReserveRule(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "règle inconnue \(text)"))
        }
        self = rule
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A feed named in a request: `partner/feed`.
public struct FeedRef: Sendable, Hashable, Codable, CustomStringConvertible {
    public var partner: String
    public var feed: String

    public init(partner: String, feed: String) {
        self.partner = partner
        self.feed = feed
    }

    public var description: String { "\(partner)/\(feed)" }
}

/// Who asks for data: a partner of partners.yaml, or the mairie of a commune of the territory;
/// requests recorded before requesters were typed keep their free text (`named`).
public enum Requester: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A partner, by its id in partners.yaml.
    case partner(String)
    /// The mairie of a commune, by its INSEE code (its address is the commune's `to` in recipients.yaml).
    case mairie(String)
    /// A requester recorded as free text by an earlier version.
    case named(String)

    /// Reads the stored form: `partner:ratp`, `mairie:94028`, anything else is free text.
    public init(stored text: String) {
        if text.hasPrefix("partner:"), text.count > 8 { self = .partner(String(text.dropFirst(8))) }
        else if text.hasPrefix("mairie:"), text.count > 7 { self = .mairie(String(text.dropFirst(7))) }
        else { self = .named(text) }
    }

    /// The stored form: `partner:ratp`, `mairie:94028`, or the free text.
    public var description: String {
        switch self {
        case .partner(let id): "partner:\(id)"
        case .mairie(let insee): "mairie:\(insee)"
        case .named(let text): text
        }
    }

    public init(from decoder: Decoder) throws {
        self.init(stored: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A request for data, as recorded: who asks, for what, which feeds, period, area and grouping.
public struct DataRequest: Sendable, Codable, Equatable {
    /// `DR-2026-014`: the year of creation and the request's number in that year.
    public var id: String
    public var requester: Requester
    public var purpose: String
    public var feeds: [FeedRef]
    public var from: Period
    public var to: Period
    public var area: AreaFilter?
    public var by: AreaLevel
    public var columns: RequestColumns
    public var createdAt: String
    public var fulfilledAt: String?

    public init(id: String, requester: Requester, purpose: String, feeds: [FeedRef], from: Period, to: Period, area: AreaFilter?,
                by: AreaLevel, columns: RequestColumns, createdAt: String, fulfilledAt: String? = nil) {
        self.id = id
        self.requester = requester
        self.purpose = purpose
        self.feeds = feeds
        self.from = from
        self.to = to
        self.area = area
        self.by = by
        self.columns = columns
        self.createdAt = createdAt
        self.fulfilledAt = fulfilledAt
    }

    /// The partners whose consent is needed: the owners of the feeds, in the order of the feeds.
    public var owners: [String] {
        var seen: [String] = []
        for f in feeds where !seen.contains(f.partner) { seen.append(f.partner) }
        return seen
    }
}

/// A data owner's answer to a request, for all its feeds in it.
public struct OwnerAnswer: Sendable, Codable, Equatable {
    public enum Decision: String, Sendable, Codable { case pending, granted, refused }

    public var owner: String
    public var decision: Decision
    /// Why the owner refused.
    public var reason: String?
    /// The reservation as the owner wrote it, and the rules the extract applies.
    public var reservation: String?
    public var rules: [ReserveRule]
    public var answeredAt: String?

    public init(owner: String, decision: Decision, reason: String? = nil, reservation: String? = nil,
                rules: [ReserveRule] = [], answeredAt: String? = nil) {
        self.owner = owner
        self.decision = decision
        self.reason = reason
        self.reservation = reservation
        self.rules = rules
        self.answeredAt = answeredAt
    }

    /// The minimum cell count for this owner's data: the default, or higher when a rule says so.
    public func minCell(default value: Int) -> Int {
        rules.reduce(value) { if case .seuil(let n) = $1 { max($0, n) } else { $0 } }
    }
}

/// One line of the append-only audit log.
public struct AuditEvent: Sendable, Codable, Equatable {
    public var id: Int64
    public var at: String
    public var requestID: String
    /// The stored verb (`created`, `granted`, … see `AuditVerb`); `AuditVerb.french(event)` is what users read.
    public var event: String
    public var actor: String
    public var detail: String

    public init(id: Int64, at: String, requestID: String, event: String, actor: String, detail: String) {
        self.id = id
        self.at = at
        self.requestID = requestID
        self.event = event
        self.actor = actor
        self.detail = detail
    }
}

/// The verbs of the audit log: stored as these codes (the log is append-only, older lines keep
/// theirs), shown in French.
public enum AuditVerb: String, Sendable, CaseIterable, Codable {
    case created, granted, refused, reservation, fulfilled
    /// A copy written by an earlier version (before messages were sent through a transport).
    case copySent = "copy-sent"
    /// A consent request mailed to an owner.
    case consentAsked = "consent-asked"
    /// The package mailed to the requester.
    case packageSent = "package-sent"
    /// A copy of its data mailed to a consenting owner.
    case copyMailed = "copy-mailed"
    /// A refusing owner told that its data was left out.
    case refusalNotice = "refusal-notice"

    public var french: String {
        switch self {
        case .created: "création"
        case .granted: "accord"
        case .refused: "refus"
        case .reservation: "réserve"
        case .fulfilled: "paquet écrit"
        case .copySent: "copie"
        case .consentAsked: "demande d'accord"
        case .packageSent: "envoi du paquet"
        case .copyMailed: "copie au propriétaire"
        case .refusalNotice: "avis de refus"
        }
    }

    /// The French word for a stored verb (an unknown one is shown as stored).
    public static func french(_ stored: String) -> String { AuditVerb(rawValue: stored)?.french ?? stored }
}
