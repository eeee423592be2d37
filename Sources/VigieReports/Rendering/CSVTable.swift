/// A table of a bulletin as CSV (`;`, UTF-8 with BOM, so that Excel in France opens it right).
public struct CSVTable: Sendable, Equatable {
    /// Used in the file name: `<bulletin>_<name>.csv`.
    public var name: String
    public var header: [String]
    public var rows: [[String]]

    public init(name: String, header: [String], rows: [[String]]) {
        self.name = name
        self.header = header
        self.rows = rows
    }

    public var text: String {
        "\u{FEFF}" + ([header] + rows).map { $0.map(CSVTable.quote).joined(separator: ";") }.joined(separator: "\r\n") + "\r\n"
    }

    static func quote(_ field: String) -> String {
        guard field.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
