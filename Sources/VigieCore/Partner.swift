/// An institution that sends data, with the person to chase when a file is late.
public struct Partner: Sendable {
    public var id: String
    public var name: String
    public var contact: Contact?
    public var feeds: [Feed]

    public init(id: String, name: String, contact: Contact?, feeds: [Feed]) {
        self.id = id
        self.name = name
        self.contact = contact
        self.feeds = feeds
    }
}

/// Who to write to at a partner.
public struct Contact: Sendable, Codable, Equatable {
    public var name: String?
    public var email: String?
    public var phone: String?

    public init(name: String?, email: String?, phone: String?) {
        self.name = name
        self.email = email
        self.phone = phone
    }
}

/// The kind of adapter that reads a feed.
public enum FeedKind: String, Sendable, CaseIterable {
    /// Counts by état 4001 index.
    case etat4001
}

/// How often a feed is expected.
public enum Cadence: String, Sendable, CaseIterable {
    case weekly, monthly, yearly
    case schoolYear = "school-year"
    /// No fixed cadence (residents' complaints): never late.
    case continuous
}

/// Which column headers a count feed accepts as reporting units.
public enum UnitPolicy: String, Sendable {
    /// Only communes and police services of territory.yaml; another header refuses the file.
    case territory
    /// Any header is a unit (public national files); units the territory knows get their commune.
    case any
}

/// One kind of file a partner sends, and how to read it.
public struct Feed: Sendable {
    public var id: String
    public var partnerID: String
    public var kind: FeedKind
    public var cadence: Cadence
    /// Day of the month (monthly, yearly) or of the week (weekly, 1 = Monday) by which the
    /// file for the previous period is due.
    public var dueDay: Int?
    public var units: UnitPolicy
    /// Most rows that may be rejected before the whole file is refused; nil = no limit
    /// (rejected rows are quarantined, the rest loads) unless every row is rejected.
    public var maxRejectedRows: Int?
    /// For a time-series CSV, which has no sheet name: the unit its figures are for.
    public var unit: String?

    public init(id: String, partnerID: String, kind: FeedKind, cadence: Cadence, dueDay: Int? = nil,
                units: UnitPolicy = .territory, maxRejectedRows: Int? = nil, unit: String? = nil) {
        self.id = id
        self.partnerID = partnerID
        self.kind = kind
        self.cadence = cadence
        self.dueDay = dueDay
        self.units = units
        self.maxRejectedRows = maxRejectedRows
        self.unit = unit
    }
}
