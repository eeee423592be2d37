import Foundation
import XCTest

/// What partners write reaches people only escaped for its medium: HTML bulletins and request
/// analyses show markup as text, and CSV meant for spreadsheets never starts a cell with a formula.
final class OutputSafetyTests: XCTestCase {
    static let script = "<script>alert(1)</script>"
    static let image = "\"><img src=x onerror=alert(2)>"
    static let formulas = ["=HYPERLINK(\"http://exemple.fr/x\";\"clic\")", "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3"]

    /// The police's faits marquants of 2026-W47 in Créteil, every text field hostile: natures,
    /// places and descriptions hold markup or formulas. Each row is serious (a weapon, or a Rixe).
    func loadHostileWeek(_ cli: CLI) throws {
        let header = "Date des faits;Heure;Commune;Lieu;Nature;Résumé;Arme;N° de procédure"
        func field(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        var rows = [
            ["17/11/2026", "22:00", "Créteil", field(Self.image), field(Self.script), field(Self.script + " " + Self.image), "oui", "2026/9001"],
            ["18/11/2026", "21:00", "Créteil", field("12 Rue Albert Doyen " + Self.script), "Rixe", field(Self.image), "non", "2026/9002"],
        ]
        for (i, formula) in Self.formulas.enumerated() {
            rows.append(["19/11/2026", "20:0\(i)", "Créteil", "12 Rue Albert Doyen", field(formula), field(formula), "oui", "2026/910\(i)"])
        }
        let file = cli.file("faits-marquants_2026-W47.csv")
        try Data(([header] + rows.map { $0.joined(separator: ";") }).joined(separator: "\r\n").utf8).write(to: file)
        let ingest = try cli.run(["ingest", file.path, "--partner", "police-nationale", "--feed", "faits-marquants", "--period", "2026-W47"])
        XCTAssertEqual(ingest.status, 0, ingest.stdout + ingest.stderr)
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM incident"), String(rows.count))
    }

    func testPartnersMarkupIsEscapedInEveryHTMLBulletinAndAnalysis() throws {
        let cli = try CLI()
        try loadHostileWeek(cli)
        let out = cli.file("bulletins").path
        for command in [["bulletin", "weekly", "--week", "2026-W47", "--commune", "94028"], ["bulletin", "monthly", "--month", "2026-11"],
                        ["bulletin", "semester", "--semester", "2026-S2"], ["diagnostic", "--commune", "94028", "--from", "2026-11", "--to", "2026-11"]] {
            let result = try cli.run(command + ["--out", out])
            XCTAssertEqual(result.status, 0, "\(command): \(result.stderr)")
        }
        let request = try cli.run(["request", "new", "--requester", "Mairie de Créteil", "--purpose", "Essai", "--data", "police-nationale/faits-marquants",
                                   "--from", "2026-11", "--to", "2026-11", "--by", "commune,nature", "--outbox", cli.file("envois").path])
        XCTAssertEqual(request.status, 0, request.stderr)
        let id = String(request.stdout[try XCTUnwrap(request.stdout.range(of: "DR-[0-9]{4}-[0-9]{3}", options: .regularExpression))])
        XCTAssertEqual(try cli.run(["request", "consent", id, "--owner", "police-nationale", "--grant"]).status, 0)
        XCTAssertEqual(try cli.run(["request", "fulfil", id, "--out", cli.file("paquets").path, "--outbox", cli.file("envois").path]).status, 0)

        let html = try NightlyCommandTests.files(in: cli.directory).filter { $0.pathExtension == "html" }
        XCTAssertGreaterThanOrEqual(html.count, 5, "weekly, monthly, semester, diagnostic, analysis: \(html.map(\.lastPathComponent))")
        // Markup from the partner, escaped: what a browser shows as text.
        let escapedScript = "&lt;script&gt;alert(1)&lt;/script&gt;"
        let escapedImage = "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"
        for url in html {
            let text = try String(contentsOf: url, encoding: .utf8)
            let lower = text.lowercased()
            XCTAssertFalse(lower.contains("<script"), "raw <script in \(url.lastPathComponent)")
            XCTAssertFalse(lower.contains("<img"), "raw <img in \(url.lastPathComponent)")
            XCTAssertFalse(text.contains(Self.image), "raw attribute break-out in \(url.lastPathComponent)")
            XCTAssertFalse(text.contains("alert(1)") && !text.contains("alert(1)&lt;"), "script text unescaped in \(url.lastPathComponent)")
        }
        func page(_ prefix: String) throws -> String {
            let url = try XCTUnwrap(html.first { $0.lastPathComponent.hasPrefix(prefix) }, "\(prefix) in \(html.map(\.lastPathComponent))")
            return try String(contentsOf: url, encoding: .utf8)
        }
        let weekly = try page("weekly_2026-W47_94028")
        XCTAssertTrue(weekly.contains(escapedScript + " " + escapedImage), "the description, escaped")
        XCTAssertTrue(weekly.contains("— " + escapedScript + " —"), "the nature, escaped")
        XCTAssertTrue(weekly.contains(">" + escapedImage + "</div>"), "the place, escaped")
        XCTAssertTrue(weekly.contains("12 Rue Albert Doyen " + escapedScript), "the address, escaped")
        // The semester shows examples only: the Rixe is the one of its category, its place hostile.
        XCTAssertTrue(try page("semester_2026-S2").contains("12 Rue Albert Doyen " + escapedScript), "the semester's examples of faits marquants")
        XCTAssertTrue(try page("analyse").contains(escapedScript), "the request's nature labels (table and chart)")
    }

    func testFormulasFromPartnersAreNeutralizedInExtractAndBulletinCSV() throws {
        let cli = try CLI()
        try loadHostileWeek(cli)
        let extract = try cli.run(["extract", "incidents", "--by", "nature", "--from", "2026-W47", "--to", "2026-W47", "--format", "csv"])
        XCTAssertEqual(extract.status, 0, extract.stderr)
        let natures = FrenchCSV(extract.stdout).rows.map { $0[0] }
        for formula in Self.formulas {
            XCTAssertTrue(natures.contains("'" + formula), "\(formula) neutralized in \(natures)")
        }
        XCTAssertFalse(natures.contains { "=+-@".contains($0.first ?? " ") }, "\(natures)")

        XCTAssertEqual(try cli.run(["bulletin", "weekly", "--week", "2026-W47", "--commune", "94028", "--out", cli.file("b").path]).status, 0)
        let tables = try NightlyCommandTests.files(in: cli.file("b")).filter { $0.pathExtension == "csv" }
        XCTAssertFalse(tables.isEmpty)
        var cells: [String] = []
        for table in tables {
            let text = String(decoding: try Data(contentsOf: table).dropFirst(3), as: UTF8.self)
            cells += text.components(separatedBy: "\r\n").flatMap { RequestCommandTests.PackageCSV.fields($0, separator: ";") }
        }
        for formula in Self.formulas {
            XCTAssertTrue(cells.contains("'" + formula), "\(formula) neutralized in the weekly's tables")
            XCTAssertFalse(cells.contains(formula))
        }
    }
}
