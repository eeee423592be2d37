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

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// The file's bytes: BOM, `;` between cells, CRLF after each line. Built on bytes, not
    /// `String`s: a dense weekly's tables are tens of megabytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = [0xEF, 0xBB, 0xBF]
        out.reserveCapacity(rows.count * header.count * 16)
        for row in [header] + rows {
            for (i, cell) in row.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ";")) }
                Self.append(cell, to: &out)
            }
            out.append(contentsOf: [0x0D, 0x0A])
        }
        return out
    }

    /// `=`, `+`, `-`, `@`, tab, CR: what a spreadsheet reads as the start of a formula.
    static func startsFormula(_ byte: UInt8) -> Bool {
        switch byte { case 0x3D, 0x2B, 0x2D, 0x40, 0x09, 0x0D: true; default: false }
    }

    /// `;`, `"`, LF, CR: what makes a cell quoted.
    static func needsQuotes(_ byte: UInt8) -> Bool {
        switch byte { case 0x3B, 0x22, 0x0A, 0x0D: true; default: false }
    }

    /// `raw` as a cell: `'` before what a spreadsheet would read as a formula, quoted when it
    /// holds `;`, `"` or a line break (its `"` doubled).
    static func append(_ raw: String, to out: inout [UInt8]) {
        let utf8 = raw.utf8
        let formula = utf8.first.map(startsFormula) == true && !isNumber(raw)
        let quoted = utf8.contains(where: needsQuotes)
        if quoted { out.append(0x22) }
        if formula { out.append(UInt8(ascii: "'")) }
        if quoted {
            for byte in utf8 {
                if byte == 0x22 { out.append(0x22) }
                out.append(byte)
            }
            out.append(0x22)
        } else {
            out.append(contentsOf: utf8)
        }
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
