import VigieCore

/// One cell as a reader found it. CSV gives only `.text` and `.empty`; XLSX also gives typed values.
public enum Cell: Sendable, Equatable {
    case empty
    case text(String)
    case number(Double)
    case bool(Bool)
    /// An XLSX number whose style is a date format: the Excel serial in the 1900 date system (days since
    /// 1899-12-30, fraction = time), whatever the workbook's own date system.
    case dateSerial(Double)
    /// An XLSX number whose style is a percentage: the stored value (« 100 % » is stored as 1).
    case percent(Double)
    /// An XLSX formula with no cached value (a workbook written by a program, never opened in a
    /// spreadsheet): what the partner meant is unknown. The payload is the formula's text.
    case formulaWithoutValue(String)

    /// The cell as a user would read it in a spreadsheet, for messages and for text fields.
    public var text: String {
        switch self {
        case .empty: return ""
        case .text(let s): return s
        case .number(let d), .dateSerial(let d):
            if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return String(d)
        case .bool(let b): return b ? "VRAI" : "FAUX"
        case .percent(let d):
            let hundred = d * 100
            return (hundred == hundred.rounded() && abs(hundred) < 1e15 ? String(Int64(hundred)) : String(hundred)) + " %"
        case .formulaWithoutValue(let formula): return "=" + formula
        }
    }

    /// The reason a formula cell without a cached value is rejected, the same everywhere.
    public static let formulaWithoutValueReason =
        "formule sans valeur calculée : ouvrez et enregistrez le fichier dans Excel ou LibreOffice, puis renvoyez-le"

    /// True when the cell holds nothing but white space.
    public var isBlank: Bool {
        switch self {
        case .empty: return true
        case .text(let s):
            // Nearly every cell starts with a visible ASCII character: no Unicode properties to look up.
            if let first = s.utf8.first, first > 0x20, first < 0x7F { return false }
            return s.allSatisfy { $0.isWhitespace }
        default: return false
        }
    }
}

/// One record of a table with where it came from: the sheet (XLSX) and the physical line or row number.
public struct SourceRow: Sendable, Equatable {
    /// The sheet name for XLSX; nil for CSV.
    public var sheet: String?
    /// CSV: the physical line (1-based) where the record starts. XLSX: the row number (1-based).
    public var number: Int
    /// Cells in column order; index 0 is column A.
    public var cells: [Cell]

    public init(sheet: String?, number: Int, cells: [Cell]) {
        self.sheet = sheet
        self.number = number
        self.cells = cells
    }

    /// The cell at a 0-based column, `.empty` past the end.
    public subscript(column: Int) -> Cell {
        column < cells.count ? cells[column] : .empty
    }
}

/// A reader of a tabular file. It streams: rows are handed to `body` one at a time, in file order,
/// and memory does not grow with the file.
public protocol TableReader {
    /// The sheets in workbook order (CSV: one sheet named nil).
    func sheetNames() throws -> [String?]
    /// Calls `body` for each non-empty row of `sheet`, in order.
    func forEachRow(inSheet sheet: String?, _ body: (SourceRow) throws -> Void) throws
    /// The sheets left unread (hidden ones), for the load report.
    var skippedSheets: [SkippedSheet] { get }
}

extension TableReader {
    public var skippedSheets: [SkippedSheet] { [] }
}
