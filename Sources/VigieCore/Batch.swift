/// Where one value came from in a partner's file: sheet (XLSX), row, column letter.
public struct SourceRef: Sendable, Hashable {
    public var sheet: String?
    public var row: Int
    public var column: String

    public init(sheet: String?, row: Int, column: String) {
        self.sheet = sheet
        self.row = row
        self.column = column
    }
}

/// One aggregated number read from a file: a count of facts for a period, a unit and a code.
public struct CountFact: Sendable, Equatable {
    public var period: Period
    public var unit: ReportingUnit
    /// The partner's code for what is counted, e.g. `4001-07` for état 4001 index 7.
    public var code: String
    /// Observatory category id, or nil when unmapped ("non classé").
    public var category: String?
    public var value: Int
    public var source: SourceRef

    public init(period: Period, unit: ReportingUnit, code: String, category: String?, value: Int, source: SourceRef) {
        self.period = period
        self.unit = unit
        self.code = code
        self.category = category
        self.value = value
        self.source = source
    }
}

/// A value or row that could not be loaded, kept with where it was and why.
public struct RejectFact: Sendable, Equatable {
    public var sheet: String?
    public var row: Int?
    public var column: String?
    public var value: String?
    public var reason: String

    public init(sheet: String?, row: Int?, column: String?, value: String?, reason: String) {
        self.sheet = sheet
        self.row = row
        self.column = column
        self.value = value
        self.reason = reason
    }
}

/// Receives, in file order, what a feed adapter reads from one file. The store implements it
/// inside the file's transaction; tests implement it to collect or to inject failures.
public protocol BatchSink: AnyObject {
    func add(_ count: CountFact) throws
    /// Takes back the count added from `source` (the file gave its key twice, see `duplicates`) and
    /// returns its value, or nil when there was none.
    func withdraw(count source: SourceRef) throws -> Int?
    func add(_ incident: IncidentFact) throws
    func reject(_ reject: RejectFact) throws
    /// The period the whole file covers, when the adapter knows it (an incident list for a week):
    /// it is what a later file for the same period supersedes.
    func declare(period: Period) throws
    /// What prepares incidents for `write(_:)` on another thread than the sink's, or nil when the
    /// sink takes them one by one through `add(_:)`. Asked once per file, before its first fact.
    func incidentPreparer() -> (any IncidentPreparer)?
    /// Writes incidents its preparer made ready, in the order they were taken.
    func write(_ prepared: any PreparedIncidents) throws
}

extension BatchSink {
    public func incidentPreparer() -> (any IncidentPreparer)? { nil }
    public func write(_ prepared: any PreparedIncidents) throws {
        throw VigieError(.store, "ce récepteur ne prépare pas les faits")
    }
}

/// Incidents made ready for a sink's store by its `IncidentPreparer`: what of them needs no store.
public protocol PreparedIncidents: Sendable {}

/// The part of a sink's work on incidents that needs no store, done in file order by the thread
/// that reads the file while the sink's own thread writes what was prepared before.
public protocol IncidentPreparer {
    /// Incidents added since the last `take`.
    var pending: Int { get }
    mutating func add(_ incident: IncidentFact) throws
    /// The incidents added since the last take, with whatever else is due; after the file's last
    /// incident, `final` gives everything still held. nil when there is nothing.
    mutating func take(final: Bool) -> (any PreparedIncidents)?
}

/// What an adapter says about a file once it has read it all.
public struct AdapterSummary: Sendable, Equatable {
    /// Data rows read (header and title rows excluded).
    public var rowsRead: Int
    /// Data rows with at least one rejected value.
    public var rowsRejected: Int
    /// Which layout was recognized, in French, for the load report.
    public var layout: String
    /// Remarks for the load report (columns absent or not kept, sheets ignored), in French.
    public var notes: [String]
    /// Incidents placed at each level (`quartier`, `address`, … `commune`).
    public var placeLevels: [String: Int]
    /// Nature labels with no category mapping (loaded as « non classé »), with their number of rows.
    public var unmappedNatures: [String: Int]

    public init(rowsRead: Int, rowsRejected: Int, layout: String, notes: [String] = [],
                placeLevels: [String: Int] = [:], unmappedNatures: [String: Int] = [:]) {
        self.rowsRead = rowsRead
        self.rowsRejected = rowsRejected
        self.layout = layout
        self.notes = notes
        self.placeLevels = placeLevels
        self.unmappedNatures = unmappedNatures
    }
}

/// The facts of a received file that the ledger keeps: its name, content hash and size.
public struct ReceivedFile: Sendable, Equatable {
    public var name: String
    /// SHA-256 of the bytes, lowercase hex: two files with the same bytes are the same submission.
    public var sha256: String
    public var size: Int64

    public init(name: String, sha256: String, size: Int64) {
        self.name = name
        self.sha256 = sha256
        self.size = size
    }
}

/// One recorded event read from a file: a fait marquant, a transport incident, a municipal
/// police intervention, a resident's complaint.
public struct IncidentFact: Sendable, Equatable {
    public var date: CivilDate
    /// Minutes after midnight, when given.
    public var time: Int?
    public var place: ResolvedPlace
    /// The place as the partner wrote it (address, stop, place name).
    public var placeText: String?
    /// The partner's nature label, as written.
    public var nature: String
    /// Observatory category id; nil = « non classé » (the nature has no mapping yet).
    public var category: String?
    public var description: String?
    public var weapon: Bool?
    /// Person or equipment (transport).
    public var target: String?
    /// Suite donnée: plainte, main courante, interpellation, aucune.
    public var followUp: String?
    public var line: String?
    /// How a complaint arrived (courrier, téléphone, …).
    public var channel: String?
    /// A partner's reference, replaced by a keyed HMAC when the feed says so.
    public var reference: String?
    /// Other columns the feed keeps, by our name.
    public var extra: [String: String]
    public var source: SourceRef

    public init(date: CivilDate, time: Int? = nil, place: ResolvedPlace, placeText: String? = nil, nature: String,
                category: String?, description: String? = nil, weapon: Bool? = nil, target: String? = nil,
                followUp: String? = nil, line: String? = nil, channel: String? = nil, reference: String? = nil,
                extra: [String: String] = [:], source: SourceRef) {
        self.date = date
        self.time = time
        self.place = place
        self.placeText = placeText
        self.nature = nature
        self.category = category
        self.description = description
        self.weapon = weapon
        self.target = target
        self.followUp = followUp
        self.line = line
        self.channel = channel
        self.reference = reference
        self.extra = extra
        self.source = source
    }
}
