/// A table of a bulletin as CSV (`;`, UTF-8 with BOM, so that Excel in France opens it right).
/// A text cell that starts with `=`, `+`, `-`, `@`, a tab or a CR is prefixed with `'`, so a
/// spreadsheet never reads it as a formula (a partner's description could hold one); numbers
/// such as `-3` or `+12,5 %` stay as they are.
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

    static func quote(_ raw: String) -> String {
        let field = raw.first.map { "=+-@\t\r".contains($0) } == true && !isNumber(raw) ? "'" + raw : raw
        guard field.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        // Doubled without Foundation: its replacingOccurrences bridges through NSString, slow on long cells.
        guard field.utf8.contains(UInt8(ascii: "\"")) else { return "\"" + field + "\"" }
        return "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// A signed number as the bulletins write it: digits, spaces, `,` or `.`, an optional `%`.
    static func isNumber(_ field: String) -> Bool {
        var body = Substring(field)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        if body.hasSuffix(" %") { body = body.dropLast(2) } else if body.hasSuffix("%") { body = body.dropLast() }
        guard let first = body.first, first.isASCII, first.isNumber else { return false }
        return body.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "," || $0 == "." || $0 == " " || $0 == "\u{00A0}" || $0 == "\u{202F}" }
    }
}
