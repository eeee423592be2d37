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
    /// One row per incident (faits marquants, transport, police municipale, doléances).
    case incidents
    /// Aggregated numbers by unit and nature, long or wide (bailleurs, refined statistics, schools, justice).
    case counts
}

/// How a counts file is laid out.
public enum CountLayout: String, Sendable, CaseIterable {
    /// One row per number: unit, nature, value (and period) columns.
    case long
    /// One row per unit, one column per nature.
    case wide
}

/// What the units of a counts feed are.
public enum UnitKind: String, Sendable, CaseIterable {
    case commune, residence, school, stop, line
    /// The whole territory (justice, PJJ): one figure per nature and period.
    case territory
}

/// Where the key of a keyed HMAC comes from: never from the configuration itself.
public enum SecretSource: Sendable, Equatable {
    case environment(String)
    case file(String)
}

/// How often a feed is expected.
public enum Cadence: String, Sendable, CaseIterable {
    case weekly, monthly, yearly
    case schoolYear = "school-year"
    /// No fixed cadence (residents' complaints): never late.
    case continuous

    /// The periods a feed of this cadence covers, in French with an example, for messages.
    public var expected: String {
        switch self {
        case .weekly: return "une semaine ISO (ex. 2026-W47)"
        case .monthly, .continuous: return "un mois (ex. 2026-10)"
        case .yearly: return "une année (ex. 2026)"
        case .schoolYear: return "une année scolaire (ex. 2025-2026)"
        }
    }
}

/// Which column headers a count feed accepts as reporting units.
public enum UnitPolicy: String, Sendable {
    /// Only communes and police services of territory.yaml; another header refuses the file.
    case territory
    /// Any header is a unit (public national files); units the territory knows get their commune.
    case any
}

/// What a counts file that gives the same period × unit × nature twice gets: never a sum.
public enum DuplicatePolicy: String, Sendable, CaseIterable {
    /// Both values are rejected (each names the other's row); the rest of the file loads.
    case reject
    /// The whole file is refused.
    case refuse
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
    /// Our field name → the partner's column header (incidents and counts).
    public var columns: [String: String]
    /// The partner's nature label (or, in a wide layout, column header) → category id.
    public var natures: [String: String]
    /// Partner columns never read (personal data the bulletins do not need).
    public var drop: [String]
    /// Our fields whose value is replaced by a keyed HMAC before it is stored.
    public var hmac: [String]
    public var hmacKey: SecretSource?
    /// Partner columns kept as they are, beside the mapped fields.
    public var keep: [String]
    /// The commune of every row, for a feed sent by one commune (police municipale, doléances).
    public var commune: String?
    /// Counts: long or wide.
    public var layout: CountLayout?
    /// Counts: what the units are.
    public var unitKind: UnitKind?
    /// Oldest period expected: completeness is not checked before it.
    public var since: Period?
    /// File-name patterns that identify this feed in the inbox, with `{month}`, `{week}`, … placeholders.
    public var patterns: [String]
    /// Hidden sheets of a workbook are read too (`read_hidden_sheets: true`); by default they are
    /// skipped and the load report says so: a hidden sheet is most often a draft or last month's copy.
    public var readHiddenSheets = false
    /// What a value given twice for the same period, unit and nature does (`duplicates`).
    public var duplicates = DuplicatePolicy.reject

    public init(id: String, partnerID: String, kind: FeedKind, cadence: Cadence, dueDay: Int? = nil,
                units: UnitPolicy = .territory, maxRejectedRows: Int? = nil, unit: String? = nil,
                columns: [String: String] = [:], natures: [String: String] = [:], drop: [String] = [],
                hmac: [String] = [], hmacKey: SecretSource? = nil, keep: [String] = [], commune: String? = nil,
                layout: CountLayout? = nil, unitKind: UnitKind? = nil, since: Period? = nil, patterns: [String] = []) {
        self.id = id
        self.partnerID = partnerID
        self.kind = kind
        self.cadence = cadence
        self.dueDay = dueDay
        self.units = units
        self.maxRejectedRows = maxRejectedRows
        self.unit = unit
        self.columns = columns
        self.natures = natures
        self.drop = drop
        self.hmac = hmac
        self.hmacKey = hmacKey
        self.keep = keep
        self.commune = commune
        self.layout = layout
        self.unitKind = unitKind
        self.since = since
        self.patterns = patterns
    }

    /// The cadence period a day belongs to (continuous feeds count by month).
    public func period(of date: CivilDate) -> Period { Feed.periodOf(date, cadence: cadence) }

    /// Nil when `period` has this feed's cadence (a month for a monthly feed, a school year for the
    /// schools…); otherwise why not, in French, with the form expected.
    public func mismatch(_ period: Period) -> String? {
        let fits: Bool
        switch (cadence, period) {
        case (.weekly, .isoWeek), (.monthly, .month), (.continuous, .month), (.yearly, .year), (.schoolYear, .schoolYear): fits = true
        default: fits = false
        }
        return fits ? nil : "la période \(period) n'a pas la cadence du flux « \(id) », qui attend \(cadence.expected)"
    }

    public static func periodOf(_ date: CivilDate, cadence: Cadence) -> Period {
        switch cadence {
        case .weekly: return .week(of: date)
        case .monthly, .continuous: return .month(of: date)
        case .yearly: return .year(date.year)
        case .schoolYear: return .schoolYear(of: date)
        }
    }
}

extension Feed {
    /// The day by which the file for `period` is due: for a weekly feed, `due_day` days after
    /// the Sunday that ends the week (default 2: Tuesday); otherwise day `due_day` (default 15)
    /// of the month after the period ends.
    public func dueDate(of period: Period) -> CivilDate {
        let end = period.end
        switch cadence {
        case .weekly:
            return end.adding(days: dueDay ?? 2)
        case .monthly, .yearly, .schoolYear, .continuous:
            let next = end.adding(days: 1)
            return CivilDate(year: next.year, month: next.month, day: min(dueDay ?? 15, 28)) ?? next
        }
    }

    /// The period after `period` in this feed's cadence.
    public func next(after period: Period) -> Period {
        self.period(of: period.end.adding(days: 1))
    }
}

/// A feed, named by its partner and its id (feed ids repeat across partners); written `partner/feed`.
public struct FeedKey: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var partner: String
    public var feed: String
    public init(partner: String, feed: String) { self.partner = partner; self.feed = feed }
    /// `partner/feed`, or nil when `text` has not that form.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self.init(partner: String(parts[0]), feed: String(parts[1]))
    }
    public var description: String { "\(partner)/\(feed)" }
    public static func < (a: FeedKey, b: FeedKey) -> Bool { (a.partner, a.feed) < (b.partner, b.feed) }
}

extension Feed {
    public var key: FeedKey { FeedKey(partner: partnerID, feed: id) }
}
