import Foundation
import XCTest

/// Every SQL statement of `Sources/` binds its values as parameters (`?`): a string literal that
/// reads as SQL may splice in only the identifiers and fixed fragments listed here, each with why.
final class SQLParametersTests: XCTestCase {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// "File.swift: fragment" → why it is no value. A fragment is an interpolation `\(…)`, or the
    /// line of a SQL literal joined with `+`.
    static let allowed: [String: String] = [
        // Column lists: `IncidentField.column`, fixed SQL per enum case, joined with ", ".
        "BulletinQueries.swift: \\((columns + [\"COUNT(*)\"]).joined(separator: \", \"))": "column expressions of IncidentField",
        "BulletinQueries.swift: \\(columns.isEmpty ? \"NULL\" : columns.joined(separator: \", \"))": "column expressions of IncidentField",
        // `rawValue` of an IncidentField case: a column name written in this file.
        "BulletinQueries.swift: \\(rawValue)": "IncidentField case name, a column of incident",
        // "AND … IN (?, ?, …)": one placeholder per feed; the feeds themselves are bound.
        "BulletinQueries.swift: \\(feedList.map { _ in \"?\" }.joined(separator: \", \"))": "placeholders only",
        "BulletinQueries.swift: \\(feedFilter)": "the placeholders fragment above, or nothing",
        // Column lists and GROUP BY / ORDER BY of the extracts: `CountGrouping.column` and `IncidentGrouping.column`.
        "CountQueries.swift: \\(select)": "column expressions of CountGrouping",
        "CountQueries.swift: \\(grouping)": "GROUP BY column expressions of CountGrouping",
        "CountQueries.swift: \\(order)": "ORDER BY column expressions of CountGrouping",
        "CountQueries.swift: let grouping = columns.isEmpty ? \"\" : \"GROUP BY \" + columns.joined(separator: \", \")": "column expressions",
        "CountQueries.swift: let order = ordering.isEmpty ? \"\" : \"ORDER BY \" + ordering.joined(separator: \", \")": "column expressions",
        "IncidentQueries.swift: \\((columns + [count]).joined(separator: \", \"))": "column expressions of IncidentGrouping, and SUM(d.n) or COUNT(*)",
        "IncidentQueries.swift: \\(grouping)": "GROUP BY column expressions of IncidentGrouping",
        // One of two table names written in that file: incident_monthly or incident.
        "IncidentQueries.swift: \\(source)": "incident_monthly or incident, a fixed name chosen by the range",
        // "AND d.day >= ?", "AND d.day <= ?": the bounds given; their values are bound.
        "IncidentQueries.swift: \\(bounds.joined(separator: \" \"))": "fixed conditions, values bound",
        "Schema.swift: \\(table)": "the aggregate table rebuilt by migration v14, one of two fixed names",
        "IncidentQueries.swift: let grouping = columns.isEmpty ? \"\" : \"GROUP BY \" + columns.joined(separator: \", \")": "column expressions",
        // "IN (?, ?, …)": one placeholder per superseded submission; the identifiers are bound.
        "Loader.swift: \\(earlier.map { _ in \"?\" }.joined(separator: \",\"))": "placeholders only",
        // The search's conditions: fragments written in searchIncidents, every value bound with ?.
        "IncidentSearch.swift: \\(marks)": "placeholders only, one per quartier of the sector",
        "IncidentSearch.swift: \\(whereClause)": "conditions written in that function, values bound",
        "IncidentSearch.swift: \\(from)": "FROM … WHERE of those conditions, values bound",
    ]

    func testSQLSplicesInNoValue() throws {
        var found: Set<String> = []
        let files = FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        XCTAssertGreaterThan(files.count, 50, "the sources were found")
        for file in files {
            let source = try String(contentsOf: file, encoding: .utf8)
            // VigieHub's SQL literals are PostgresNIO's `PostgresQuery`: each `\(value)` is sent as a
            // bound parameter ($1, $2 …), never spliced; only `\(unescaped: …)` would splice text.
            let bound = file.pathComponents.contains("VigieHub")
            for literal in SwiftLiterals(source).literals where Self.readsAsSQL(literal.text) {
                let spliced = literal.interpolations.filter { !bound || $0.hasPrefix("unescaped:") }
                let fragments = spliced.map { "\\(" + $0 + ")" } + (literal.joined ? [literal.line] : [])
                for fragment in fragments {
                    let key = "\(file.lastPathComponent): \(fragment)"
                    found.insert(key)
                    XCTAssertNotNil(Self.allowed[key], """
                        \(key) (line \(literal.lineNumber)) builds SQL from Swift: bind values with ? and arguments:, \
                        or, for an identifier or a fixed fragment, add it to SQLParametersTests.allowed with why.
                        """)
                }
            }
        }
        XCTAssertEqual(Set(Self.allowed.keys).subtracting(found), [], "allowed fragments no longer in the sources: remove them")
    }

    func testTheScannerSeesInterpolationsAndConcatenations() {
        let source = #"""
            // "SELECT \(commented)"
            let a = try db.execute(sql: "DELETE FROM t WHERE name = '\(name)'", arguments: [])
            let b = """
                SELECT x FROM t
                WHERE y = \(value.map { "\($0)" }.joined())
                """
            let c = "UPDATE t SET v = " + value
            let d = "Bonjour \(name)"
            """#
        let sql = SwiftLiterals(source).literals.filter { Self.readsAsSQL($0.text) }
        XCTAssertEqual(sql.map(\.interpolations), [["name"], ["value.map { \"\\($0)\" }.joined()"], []])
        XCTAssertEqual(sql.map(\.joined), [false, false, true])
        XCTAssertEqual(sql.last?.line, #"let c = "UPDATE t SET v = " + value"#)
    }

    /// Upper-case SQL keywords: what a statement or a clause of one holds.
    static func readsAsSQL(_ text: String) -> Bool {
        text.range(of: #"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|WHERE|FROM|JOIN|GROUP BY|ORDER BY|HAVING|VALUES|PRAGMA|COALESCE|AND|OR|IN(?= \())\b"#,
                   options: .regularExpression) != nil
    }
}

/// The string literals of a Swift source (plain, multi-line and raw), with what they interpolate.
/// Comments are skipped; interpolations are read with their nested literals.
struct SwiftLiterals {
    struct Literal {
        /// The literal's text, each interpolation replaced by U+FFFC.
        var text = ""
        var interpolations: [String] = []
        /// Joined to something else with `+`.
        var joined = false
        /// The source line it starts on, trimmed, and its number.
        var line = ""
        var lineNumber = 0
    }

    private(set) var literals: [Literal] = []
    private let chars: [Character]

    init(_ source: String) {
        chars = Array(source)
        var i = 0
        code(&i, closing: false)
    }

    /// Reads code from `i`; with `closing`, stops after the `)` that closes an interpolation.
    private mutating func code(_ i: inout Int, closing: Bool) {
        var depth = 0
        while i < chars.count {
            let c = chars[i]
            if c == "/", next(i) == "/" {
                while i < chars.count, chars[i] != "\n" { i += 1 }
            } else if c == "/", next(i) == "*" {
                i += 2
                while i < chars.count, !(chars[i] == "*" && next(i) == "/") { i += 1 }
                i += 2
            } else if c == "\"" || (c == "#" && hashesThenQuote(i)) {
                literal(&i)
                continue
            } else if c == "(" {
                depth += 1
            } else if c == ")" {
                if closing, depth == 0 { i += 1; return }
                depth -= 1
            }
            i += 1
        }
    }

    private mutating func literal(_ i: inout Int) {
        let start = i
        var hashes = 0
        while chars[i] == "#" { hashes += 1; i += 1 }
        let multiline = i + 2 < chars.count && chars[i + 1] == "\"" && chars[i + 2] == "\""
        i += multiline ? 3 : 1
        let close = Array((multiline ? "\"\"\"" : "\"") + String(repeating: "#", count: hashes))
        var literal = Literal()
        while i < chars.count {
            if Array(chars[i..<min(i + close.count, chars.count)]) == close { i += close.count; break }
            let escape = i + hashes + 1 < chars.count && chars[i] == "\\" && chars[(i + 1)..<(i + 1 + hashes)].allSatisfy { $0 == "#" }
            if escape, chars[i + 1 + hashes] == "(" {
                var end = i + 2 + hashes
                code(&end, closing: true)
                literal.interpolations.append(String(chars[(i + 2 + hashes)..<(end - 1)]))
                literal.text.append("\u{FFFC}")
                i = end
            } else if escape {
                literal.text.append(chars[i + 1 + hashes])
                i += 2 + hashes
            } else {
                literal.text.append(chars[i])
                i += 1
            }
        }
        literal.joined = neighbour(before: start) == "+" || neighbour(after: i) == "+"
        let lineStart = chars[..<start].lastIndex(of: "\n").map { $0 + 1 } ?? 0
        let lineEnd = chars[start...].firstIndex(of: "\n") ?? chars.count
        literal.line = String(chars[lineStart..<lineEnd]).trimmingCharacters(in: .whitespaces)
        literal.lineNumber = chars[..<start].filter { $0 == "\n" }.count + 1
        literals.append(literal)
    }

    private func next(_ i: Int) -> Character? { i + 1 < chars.count ? chars[i + 1] : nil }

    private func hashesThenQuote(_ i: Int) -> Bool {
        var j = i
        while j < chars.count, chars[j] == "#" { j += 1 }
        return j < chars.count && chars[j] == "\""
    }

    private func neighbour(before i: Int) -> Character? {
        chars[..<i].last { !$0.isWhitespace }
    }

    private func neighbour(after i: Int) -> Character? {
        chars[i...].first { !$0.isWhitespace }
    }
}
