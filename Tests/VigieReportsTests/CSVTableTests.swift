import VigieReports
import XCTest

/// The CSV tables of the bulletins open in a spreadsheet without running anything.
final class CSVTableTests: XCTestCase {
    func testTextThatLooksLikeAFormulaIsNeutralizedAndNumbersAreNot() {
        let table = CSVTable(name: "essai", header: ["résumé", "évolution"], rows: [
            ["=HYPERLINK(\"http://example.com\";\"clic\")", "-3"],
            ["+ de 10 jeunes", "+12,5 %"],
            ["-- tag sur la porte", "-0,4"],
            ["@ lien", "1 234"],
            ["Rixe; deux blessés", "0"],
            ["Deux lignes\r\nCRLF", "1"],
        ])
        let lines = table.text.dropFirst().components(separatedBy: "\r\n") // the BOM first
        XCTAssertEqual(lines, [
            "résumé;évolution",
            "\"'=HYPERLINK(\"\"http://example.com\"\";\"\"clic\"\")\";-3",
            "'+ de 10 jeunes;+12,5 %",
            "'-- tag sur la porte;-0,4",
            "'@ lien;1 234",
            "\"Rixe; deux blessés\";0",
            "\"Deux lignes", "CRLF\";1",
            "",
        ])
    }
}
