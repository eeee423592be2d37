/// What an observatory sends to the departmental hub (`vigie hub publish`): published
/// aggregates only, after disclosure control — never an incident, a description, a pseudonym
/// or an address. Every row names the submissions of the local ledger it comes from.
/// The hub replaces an observatory's rows dataset by dataset and month by month (`HubDataset`).
public struct HubPayload: Sendable, Codable, Equatable {
    /// The observatory's stable id (`hub: id:` in settings.yaml, else from the territory's name).
    public var observatory: String
    /// The territory's name, as its bulletins print it.
    public var name: String
    /// The threshold of disclosure control applied (`min_cell`).
    public var minCell: Int
    public var populations: [HubPopulation]
    public var facts: [HubFact]
    public var comparables: [HubComparable]
    public var etat4001: [HubEtat4001]
    public var completeness: [HubCompleteness]

    public init(observatory: String, name: String, minCell: Int, populations: [HubPopulation] = [], facts: [HubFact] = [],
                comparables: [HubComparable] = [], etat4001: [HubEtat4001] = [], completeness: [HubCompleteness] = []) {
        self.observatory = observatory
        self.name = name
        self.minCell = minCell
        self.populations = populations
        self.facts = facts
        self.comparables = comparables
        self.etat4001 = etat4001
        self.completeness = completeness
    }
}

/// The state of a published count, as disclosure control left it.
public enum HubCellState: String, Sendable, Codable, Equatable {
    case published, zero, suppressed
}

/// The population of a commune (`quartier` empty) or of a quartier, with its name.
public struct HubPopulation: Sendable, Codable, Equatable {
    public var commune: String
    public var quartier: String
    public var name: String
    public var population: Int

    public init(commune: String, quartier: String = "", name: String, population: Int) {
        self.commune = commune
        self.quartier = quartier
        self.name = name
        self.population = population
    }
}

/// The facts of one month (incidents of the fact feeds and monthly counts placed in the territory,
/// as the monthly bulletin counts them) for a commune (`quartier` empty) or a quartier, and a
/// category. Margins: `category` « * » is the place's total; `commune` « * » the territory's.
/// `value` is nil when suppressed (`shown` is then « < 5 » or « s »).
public struct HubFact: Sendable, Codable, Equatable {
    public var month: String
    public var commune: String
    public var quartier: String
    public var category: String
    public var value: Int?
    public var state: HubCellState
    public var shown: String
    /// Local submission ids (current files) the figure comes from, ascending.
    public var submissions: [Int64]

    public init(month: String, commune: String, quartier: String = "", category: String, value: Int?, state: HubCellState,
                shown: String, submissions: [Int64]) {
        self.month = month
        self.commune = commune
        self.quartier = quartier
        self.category = category
        self.value = value
        self.state = state
        self.shown = shown
        self.submissions = submissions
    }

    /// The total of all categories.
    public static let total = "*"
}

/// A count after disclosure control: `value` nil when suppressed (`shown` is then « < 5 » or « s »).
public struct HubCount: Sendable, Codable, Equatable {
    public var value: Int?
    public var state: HubCellState
    public var shown: String

    public init(value: Int?, state: HubCellState, shown: String) {
        self.value = value
        self.state = state
        self.shown = shown
    }
}

/// A month against the same month a year earlier, like for like, as the local monthly bulletin
/// compares them (`LikeForLike.compared`): `current` counts the month on the fact feeds received
/// for both months, `previous` the month a year earlier on the same feeds (nil when no fact feed
/// owed anything then), `leftOut` names the feeds left out of both sides and why
/// (« Bailleur (incidents) : non reçu »). Places and margins as `HubFact`.
public struct HubComparable: Sendable, Codable, Equatable {
    public var month: String
    public var commune: String
    public var quartier: String
    public var category: String
    public var current: HubCount
    public var previous: HubCount?
    public var leftOut: [String]
    /// Local submission ids (current files) of the compared feeds for both months, ascending.
    public var submissions: [Int64]

    public init(month: String, commune: String, quartier: String = "", category: String, current: HubCount, previous: HubCount?,
                leftOut: [String], submissions: [Int64]) {
        self.month = month
        self.commune = commune
        self.quartier = quartier
        self.category = category
        self.current = current
        self.previous = previous
        self.leftOut = leftOut
        self.submissions = submissions
    }
}

/// One état 4001 count: a month, a reporting unit (commune or police service), an index (1–107).
/// `commune` is the unit's commune when it covers exactly one, else empty.
public struct HubEtat4001: Sendable, Codable, Equatable {
    public var month: String
    public var unit: String
    public var commune: String
    public var index: Int
    public var value: Int?
    public var state: HubCellState
    public var shown: String
    public var submission: Int64

    public init(month: String, unit: String, commune: String, index: Int, value: Int?, state: HubCellState, shown: String, submission: Int64) {
        self.month = month
        self.unit = unit
        self.commune = commune
        self.index = index
        self.value = value
        self.state = state
        self.shown = shown
        self.submission = submission
    }
}

/// Whether a feed's file(s) for a month arrived: « reçu », « non reçu » (late) or « attendu »
/// (not yet due). A month not received is never a zero.
public struct HubCompleteness: Sendable, Codable, Equatable {
    public var feed: String
    /// The partner and feed in words.
    public var label: String
    /// `fact` (counted in the facts), `etat4001`.
    public var role: String
    public var month: String
    public var state: String
    public var submissions: [Int64]

    public init(feed: String, label: String, role: String, month: String, state: String, submissions: [Int64]) {
        self.feed = feed
        self.label = label
        self.role = role
        self.month = month
        self.state = state
        self.submissions = submissions
    }

    public static let received = "reçu"
    public static let notReceived = "non reçu"
    public static let pending = "attendu"
}

/// `hub:` in settings.yaml: where the departmental hub is and who this observatory is there.
/// The password is never here: it comes from `VIGIE_HUB_PASSWORD` or from `password_file`.
public struct HubSettings: Sendable, Equatable {
    /// postgresql://role@host:port/database — without a password.
    public var url: String?
    /// A file (mode 0600) holding the hub password of this observatory's role.
    public var passwordFile: String?
    /// The observatory's id at the hub; nil: made from the territory's name.
    public var observatory: String?
    /// Communes (INSEE codes) whose figures by quartier may be published; empty: communes only.
    public var quartiers: Set<String>

    public init(url: String? = nil, passwordFile: String? = nil, observatory: String? = nil, quartiers: Set<String> = []) {
        self.url = url
        self.passwordFile = passwordFile
        self.observatory = observatory
        self.quartiers = quartiers
    }

    /// « Plaine Centrale » → « plaine-centrale »: lower case ASCII letters and digits, dashes between.
    public static func slug(_ name: String) -> String {
        var out = ""
        for ch in name.matchKey {
            if ch.isASCII && (ch.isLetter || ch.isNumber) { out.append(ch) } else if !out.isEmpty && out.last != "-" { out.append("-") }
        }
        while out.last == "-" { out.removeLast() }
        return String(out.prefix(63))
    }

    /// Whether `id` can be an observatory's id: 1–63 of a–z, 0–9 and « - », starting with a letter or digit.
    public static func isValidID(_ id: String) -> Bool {
        guard let first = id.first, id.count <= 63, first != "-" else { return false }
        return id.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }
}
