import VigieCore

/// One cell as a reader found it. CSV gives only `.text` and `.empty`; XLSX also gives typed values.
public enum Cell: Sendable, Equatable {
    case empty
    case text(String)
    case number(Double)
    case bool(Bool)
    /// An XLSX number whose style is a date format: the Excel serial (days since 1899-12-30, fraction = time).
    case dateSerial(Double)

    /// The cell as a user would read it in a spreadsheet, for messages and for text fields.
    public var text: String {
        switch self {
        case .empty: return ""
        case .text(let s): return s
        case .number(let d), .dateSerial(let d):
            if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return String(d)
        case .bool(let b): return b ? "VRAI" : "FAUX"
        }
    }

    /// True when the cell holds nothing but white space.
    public var isBlank: Bool {
        switch self {
        case .empty: return true
        case .text(let s): return s.allSatisfy { $0.isWhitespace }
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
}
