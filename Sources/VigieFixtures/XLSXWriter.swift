import Foundation
import VigieCore
import ZIPFoundation

/// One cell written by `XLSXWriter`.
public enum XLSXValue: Sendable, Equatable {
    case empty
    case text(String)
    case number(Double)
    case bool(Bool)
    /// A calendar date, stored as Excel stores it: a serial number with a date style.
    case date(Int, Int, Int)
}

/// Writes small Excel workbooks (.xlsx) as office software does — shared or inline strings, a styles
/// part with a date format, one worksheet per sheet — for tests, sample data and benchmarks.
/// The output is byte-for-byte reproducible (fixed entry dates), so sample files keep their SHA-256.
public enum XLSXWriter {
    /// How text cells are stored: Excel uses the shared-strings table, other writers inline strings.
    public enum Strings: Sendable { case shared, inline }

    public static func write(_ url: URL, sheets: [(name: String, rows: [[XLSXValue]])], strings: Strings = .shared) throws {
        try archive(url, parts: parts(sheets: sheets, strings: strings))
    }

    /// The parts of the workbook `write` makes, path and XML, in archive order: tests alter them to make broken workbooks.
    public static func parts(sheets: [(name: String, rows: [[XLSXValue]])], strings: Strings = .shared) -> [(path: String, data: Data)] {
        var table = SharedStrings()
        var sheetParts: [String] = []
        for sheet in sheets {
            sheetParts.append(worksheet(sheet.rows, strings: strings, table: &table))
        }
        var parts: [(String, String)] = [
            ("[Content_Types].xml", contentTypes(sheetCount: sheets.count, sharedStrings: strings == .shared)),
            ("_rels/.rels", """
                <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
                <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
                <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
                </Relationships>
                """),
            ("xl/workbook.xml", workbook(sheets.map(\.name))),
            ("xl/_rels/workbook.xml.rels", workbookRelationships(sheetCount: sheets.count, sharedStrings: strings == .shared)),
            ("xl/styles.xml", styles),
        ]
        for (index, part) in sheetParts.enumerated() { parts.append(("xl/worksheets/sheet\(index + 1).xml", part)) }
        if strings == .shared { parts.append(("xl/sharedStrings.xml", table.xml)) }
        return parts.map { (path: $0.0, data: Data($0.1.utf8)) }
    }

    /// Zips `parts` into a new file at `url`, each part deflated, or stored as it is when `compressed` is false.
    public static func archive(_ url: URL, parts: [(path: String, data: Data)], compressed: Bool = true) throws {
        try? FileManager.default.removeItem(at: url)
        let archive = try Archive(url: url, accessMode: .create)
        for (path, data) in parts {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count),
                                 modificationDate: Date(timeIntervalSince1970: 1_767_225_600),
                                 compressionMethod: compressed ? .deflate : .none) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    /// Excel's serial for a date: days since 1899-12-30.
    public static func serial(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let epoch = CivilDate(year: 1899, month: 12, day: 30)!.dayNumber
        return CivilDate(year: year, month: month, day: day)!.dayNumber - epoch
    }

    private struct SharedStrings {
        var index: [String: Int] = [:]
        var list: [String] = []
        mutating func id(_ s: String) -> Int {
            if let i = index[s] { return i }
            index[s] = list.count
            list.append(s)
            return list.count - 1
        }
        var xml: String {
            var out = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
            out += #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="\#(list.count)" uniqueCount="\#(list.count)">"#
            for s in list { out += "<si><t xml:space=\"preserve\">\(escape(s))</t></si>" }
            return out + "</sst>"
        }
    }

    private static func worksheet(_ rows: [[XLSXValue]], strings: Strings, table: inout SharedStrings) -> String {
        var out = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        out += #"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>"#
        for (r, row) in rows.enumerated() {
            let number = r + 1
            out += "<row r=\"\(number)\">"
            for (c, value) in row.enumerated() {
                let ref = columnLetters(c) + String(number)
                switch value {
                case .empty: continue
                case .text(let s):
                    switch strings {
                    case .shared: out += "<c r=\"\(ref)\" t=\"s\"><v>\(table.id(s))</v></c>"
                    case .inline: out += "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(escape(s))</t></is></c>"
                    }
                case .number(let d):
                    let text = d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
                    out += "<c r=\"\(ref)\"><v>\(text)</v></c>"
                case .bool(let b):
                    out += "<c r=\"\(ref)\" t=\"b\"><v>\(b ? 1 : 0)</v></c>"
                case .date(let y, let m, let d):
                    out += "<c r=\"\(ref)\" s=\"1\"><v>\(serial(y, m, d))</v></c>"
                }
            }
            out += "</row>"
        }
        return out + "</sheetData></worksheet>"
    }

    private static func workbook(_ names: [String]) -> String {
        var out = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        out += #"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"#
        for (i, name) in names.enumerated() {
            out += "<sheet name=\"\(escape(name))\" sheetId=\"\(i + 1)\" r:id=\"rId\(i + 1)\"/>"
        }
        return out + "</sheets></workbook>"
    }

    private static func workbookRelationships(sheetCount: Int, sharedStrings: Bool) -> String {
        let base = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
        var out = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        out += #"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#
        for i in 1..<(sheetCount + 1) {
            out += "<Relationship Id=\"rId\(i)\" Type=\"\(base)worksheet\" Target=\"worksheets/sheet\(i).xml\"/>"
        }
        out += "<Relationship Id=\"rId\(sheetCount + 1)\" Type=\"\(base)styles\" Target=\"styles.xml\"/>"
        if sharedStrings {
            out += "<Relationship Id=\"rId\(sheetCount + 2)\" Type=\"\(base)sharedStrings\" Target=\"sharedStrings.xml\"/>"
        }
        return out + "</Relationships>"
    }

    private static func contentTypes(sheetCount: Int, sharedStrings: Bool) -> String {
        let main = "application/vnd.openxmlformats-officedocument.spreadsheetml"
        var out = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"# + "\n"
        out += #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
        out += #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
        out += #"<Default Extension="xml" ContentType="application/xml"/>"#
        out += "<Override PartName=\"/xl/workbook.xml\" ContentType=\"\(main).sheet.main+xml\"/>"
        out += "<Override PartName=\"/xl/styles.xml\" ContentType=\"\(main).styles+xml\"/>"
        for i in 0..<sheetCount {
            out += "<Override PartName=\"/xl/worksheets/sheet\(i + 1).xml\" ContentType=\"\(main).worksheet+xml\"/>"
        }
        if sharedStrings { out += "<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"\(main).sharedStrings+xml\"/>" }
        return out + "</Types>"
    }

    /// Two cell formats: 0 general, 1 the short date (built-in format 14).
    private static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
        <fills count="1"><fill><patternFill patternType="none"/></fill></fills>\
        <borders count="1"><border/></borders>\
        <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
        <cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
        <xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
        </styleSheet>
        """

    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }
}
