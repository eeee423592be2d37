/// Where one value came from in a partner's file: sheet (XLSX), row, column letter.
public struct SourceRef: Sendable, Equatable {
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
    func reject(_ reject: RejectFact) throws
}

/// What an adapter says about a file once it has read it all.
public struct AdapterSummary: Sendable, Equatable {
    /// Data rows read (header and title rows excluded).
    public var rowsRead: Int
    /// Data rows with at least one rejected value.
    public var rowsRejected: Int
    /// Which layout was recognized, in French, for the load report.
    public var layout: String

    public init(rowsRead: Int, rowsRejected: Int, layout: String) {
        self.rowsRead = rowsRead
        self.rowsRejected = rowsRejected
        self.layout = layout
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
