import Foundation
import XCTest

/// A CSV read as French Excel reads it: UTF-8 after a BOM, `;`, CRLF, `"` quoting.
struct FrenchCSV {
    var header: [String]
    var rows: [[String]]

    /// Fails the test when the bytes are not what Excel in France opens in columns.
    init(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let data = Data(text.utf8)
        XCTAssertEqual(Array(data.prefix(3)), [0xEF, 0xBB, 0xBF], "UTF-8 with BOM", file: file, line: line)
        let body = String(decoding: data.dropFirst(3), as: UTF8.self)
        XCTAssertTrue(body.hasSuffix("\r\n"), "CRLF at the end", file: file, line: line)
        var records: [[String]] = [], fields: [String] = [], current = "", quoted = false
        var scalars = Array(body.unicodeScalars)[...]
        while let c = scalars.popFirst() {
            if quoted {
                if c == "\"" {
                    if scalars.first == "\"" { current.unicodeScalars.append("\""); scalars.removeFirst() } else { quoted = false }
                } else { current.unicodeScalars.append(c) }
            } else if c == "\"" { quoted = true
            } else if c == ";" { fields.append(current); current = ""
            } else if c == "\r" {
                XCTAssertEqual(scalars.popFirst(), "\n", "CR followed by LF", file: file, line: line)
                records.append(fields + [current]); fields = []; current = ""
            } else {
                XCTAssertNotEqual(c, "\n", "a bare LF", file: file, line: line)
                current.unicodeScalars.append(c)
            }
        }
        header = records.first ?? []
        rows = Array(records.dropFirst())
        for (i, row) in rows.enumerated() {
            XCTAssertEqual(row.count, header.count, "row \(i + 1) has as many fields as the header: \(row)", file: file, line: line)
        }
    }

    /// The column named `name`.
    func column(_ name: String) -> Int? { header.firstIndex(of: name) }
}

/// `vigie extract counts` and `extract incidents` on SampleData files: a CSV French Excel opens,
/// names beside codes as territory.yaml spells them, sums computed from the files themselves.
final class ExtractCommandTests: XCTestCase {
    static let sample = CLI.repo.appendingPathComponent("SampleData")

    /// territory.yaml's communes (INSEE → name) and quartiers (id → name), read with regular expressions.
    static func territory() throws -> (communes: [String: String], quartiers: [String: String]) {
        let text = try String(contentsOf: CLI.repo.appendingPathComponent("Config/territory.yaml"), encoding: .utf8)
        var communes: [String: String] = [:], quartiers: [String: String] = [:]
        let commune = try NSRegularExpression(pattern: #"insee: "(\d+)"\s*\n\s*name: ([^\n]+)"#)
        for m in commune.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            communes[String(text[Range(m.range(at: 1), in: text)!])] = String(text[Range(m.range(at: 2), in: text)!]).trimmingCharacters(in: .whitespaces)
        }
        let quartier = try NSRegularExpression(pattern: #"\{ id: ([^,]+), name: ([^,]+),"#)
        for m in quartier.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            quartiers[String(text[Range(m.range(at: 1), in: text)!])] = String(text[Range(m.range(at: 2), in: text)!])
        }
        return (communes, quartiers)
    }

    /// The lines of a partner's CSV (Windows-1252, `;`), split into fields.
    static func partnerLines(_ url: URL) throws -> [[String]] {
        let text = String(data: try Data(contentsOf: url), encoding: .windowsCP1252) ?? ""
        return text.components(separatedBy: "\r\n").map { $0.components(separatedBy: ";") }
    }

    func testCountsByPeriodAndCommuneOpenInFrenchExcelWithNamesAndTheFilesSums() throws {
        let cli = try CLI()
        let (communes, _) = try Self.territory()
        XCTAssertEqual(communes.count, 3)
        let files = ["etat4001_2024-01.csv", "etat4001_2024-03.csv"].map { Self.sample.appendingPathComponent("police-nationale/etat4001/\($0)") }
        let ingest = try cli.run(["ingest"] + files.map(\.path) + ["--partner", "police-nationale", "--feed", "etat4001"])
        XCTAssertEqual(ingest.status, 0, ingest.stdout + ingest.stderr)

        // The files' own sums: the rows whose first cell is an index, one column per commune (named in the header).
        var expected: [String: Int] = [:]
        for (file, period) in zip(files, ["2024-01", "2024-03"]) {
            let lines = try Self.partnerLines(file)
            let header = try XCTUnwrap(lines.first { $0.first == "Index" })
            for row in lines where Int(row.first ?? "") != nil {
                for (insee, name) in communes {
                    let column = try XCTUnwrap(header.firstIndex(of: name), name)
                    expected["\(period)|\(insee)", default: 0] += Int(row[column]) ?? 0
                }
            }
        }
        XCTAssertGreaterThan(expected.values.reduce(0, +), 0)

        for by in ["periode,commune", "period,commune"] { // French names, and the English ones of earlier versions
            let extract = try cli.run(["extract", "counts", "--by", by])
            XCTAssertEqual(extract.status, 0, extract.stderr)
            let csv = FrenchCSV(extract.stdout)
            XCTAssertEqual(csv.header, ["période", "code INSEE", "commune", "nombre"])
            XCTAssertEqual(csv.rows.count, expected.count)
            for row in csv.rows {
                XCTAssertEqual(communes[row[1]], row[2], "the name beside the code, as in territory.yaml")
                XCTAssertEqual(Int(row[3]), expected["\(row[0])|\(row[1])"], "\(row)")
                XCTAssertTrue(row[3].allSatisfy(\.isNumber), "no thousands separator: \(row[3])")
            }
        }

        // JSON for scripts: codes and machine keys.
        let json = try cli.run(["extract", "counts", "--by", "periode,commune", "--format", "json"])
        let objects = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        XCTAssertEqual(objects.count, expected.count)
        for o in objects {
            let key = "\(o["period"] as? String ?? "")|\(o["commune"] as? String ?? "")"
            XCTAssertEqual(o["count"] as? Int, expected[key], key)
        }

        let wrong = try cli.run(["extract", "counts", "--by", "periode,nature"])
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stderr.contains("ne s'applique qu'à `vigie extract incidents`"), wrong.stderr)
        let unknown = try cli.run(["extract", "counts", "--by", "arrondissement"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("--by « arrondissement » inconnu"), unknown.stderr)
    }

    func testIncidentsByCommuneAndQuartierNameEveryPlaceAndCountEveryRow() throws {
        let cli = try CLI()
        let (communes, quartiers) = try Self.territory()
        let files = (1...8).map { Self.sample.appendingPathComponent("police-nationale/faits-marquants/faits-marquants_2024-W0\($0).csv") }
        let ingest = try cli.run(["ingest"] + files.map(\.path) + ["--partner", "police-nationale", "--feed", "faits-marquants"])
        XCTAssertEqual(ingest.status, 0, ingest.stdout + ingest.stderr)

        // One incident per data row, by the commune named in the « Commune » column.
        var expected: [String: Int] = [:]
        for file in files {
            let lines = try Self.partnerLines(file)
            let headerIndex = try XCTUnwrap(lines.firstIndex { $0.first == "Date des faits" })
            let column = try XCTUnwrap(lines[headerIndex].firstIndex(of: "Commune"))
            for row in lines[(headerIndex + 1)...] where row.count > column {
                let insee = try XCTUnwrap(communes.first { $0.value == row[column] }?.key, row[column])
                expected[insee, default: 0] += 1
            }
        }

        let extract = try cli.run(["extract", "incidents", "--by", "commune,quartier,categorie", "--step", "semaine"])
        XCTAssertEqual(extract.status, 0, extract.stderr)
        let csv = FrenchCSV(extract.stdout)
        XCTAssertEqual(csv.header, ["code INSEE", "commune", "code quartier", "quartier", "code catégorie", "catégorie", "nombre"])
        var sums: [String: Int] = [:]
        for row in csv.rows {
            XCTAssertEqual(communes[row[0]], row[1], "\(row)")
            XCTAssertEqual(row[2].isEmpty ? "non localisé" : quartiers[row[2]] ?? "?", row[3], "\(row)")
            XCTAssertFalse(row[5].isEmpty, "a category label: \(row)")
            sums[row[0], default: 0] += Int(row[6]) ?? -1_000_000
        }
        XCTAssertEqual(sums, expected)
        XCTAssertGreaterThan(csv.rows.filter { !$0[2].isEmpty }.count, 0, "some incidents placed in a quartier")

        let weeks = FrenchCSV(try cli.run(["extract", "incidents", "--by", "periode", "--step", "semaine"]).stdout)
        XCTAssertEqual(weeks.header, ["période", "nombre"])
        XCTAssertEqual(weeks.rows.map { Int($0[1]) ?? 0 }.reduce(0, +), expected.values.reduce(0, +))
        XCTAssertTrue(weeks.rows.allSatisfy { $0[0].contains("-W") }, "\(weeks.rows)")
    }
}
