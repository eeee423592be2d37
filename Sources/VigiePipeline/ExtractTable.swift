import Foundation

/// A table of extract results, written as CSV (UTF-8, `,`, RFC 4180 quoting, cells that a
/// spreadsheet would run as a formula neutralized) or JSON.
public struct ExtractTable: Sendable {
    public var columns: [String]
    public var rows: [(keys: [String], count: Int)]

    public init(columns: [String], rows: [(keys: [String], count: Int)]) {
        self.columns = columns
        self.rows = rows
    }

    public var csv: String {
        var lines = [(columns + ["count"]).map(csvField).joined(separator: ",")]
        for row in rows {
            lines.append((row.keys.map(csvField) + [String(row.count)]).joined(separator: ","))
        }
        return lines.joined(separator: "\n")
    }

    public func json() throws -> String {
        let objects: [[String: JSONValue]] = rows.map { row in
            var object: [String: JSONValue] = ["count": .int(row.count)]
            for (name, key) in zip(columns, row.keys) { object[name] = .string(key) }
            return object
        }
        return try vigieJSON(objects)
    }
}

enum JSONValue: Encodable {
    case string(String)
    case int(Int)

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .int(let i): try c.encode(i)
        }
    }
}

/// One CSV field: quoted when needed; a leading `=`, `+`, `-`, `@`, tab or CR is prefixed with
/// a quote mark so that a spreadsheet shows it as text instead of running it.
public func csvField(_ value: String) -> String {
    var v = value
    if let first = v.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first), Int(v) == nil {
        v = "'" + v
    }
    if v.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" }) {
        return "\"" + v.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    return v
}
