import Foundation
import VigieCore
import VigieFixtures
import VigieFuzz
@testable import VigieIngest
import XCTest
import ZIPFoundation

final class XLSXReaderTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    func rows(_ url: URL, sheet: String?) throws -> [SourceRow] {
        var out: [SourceRow] = []
        try XLSXReader(url: url).forEachRow(inSheet: sheet) { out.append($0) }
        return out
    }

    func testSeveralSheetsWithTextNumbersDatesAndGapsReadBackAsWritten() throws {
        for strings in [XLSXWriter.Strings.shared, .inline] {
            let url = folder.appendingPathComponent("book-\(strings).xlsx")
            try XLSXWriter.write(url, sheets: [
                (name: "Octobre 2026", rows: [
                    [.text("Date"), .text("Nature"), .text("Nb")],
                    [],
                    [.date(2026, 10, 31), .text("Dégradation <hall> & cave"), .number(3)],
                    [.date(2024, 2, 29), .empty, .number(-2.5), .bool(true)],
                ]),
                (name: "Résumé", rows: [[.text("Total"), .number(1234567)]]),
            ], strings: strings)
            let reader = try XLSXReader(url: url)
            XCTAssertEqual(try reader.sheetNames(), ["Octobre 2026", "Résumé"])

            let first = try rows(url, sheet: "Octobre 2026")
            XCTAssertEqual(first.map(\.number), [1, 3, 4], "the empty row 2 is skipped, numbers are the sheet's")
            XCTAssertEqual(first[0].cells, [.text("Date"), .text("Nature"), .text("Nb")])
            XCTAssertEqual(first[1].cells, [.dateSerial(46326), .text("Dégradation <hall> & cave"), .number(3)])
            XCTAssertEqual(first[2].cells, [.dateSerial(45351), .empty, .number(-2.5), .bool(true)])
            XCTAssertEqual(first[1].sheet, "Octobre 2026")
            XCTAssertEqual(FrenchDate.parse(first[1][0]), CivilDate(year: 2026, month: 10, day: 31))
            XCTAssertEqual(try rows(url, sheet: "Résumé").first?.cells, [.text("Total"), .number(1234567)])
        }
    }

    func testTheRealPublicWorkbookGivesThePublishedSums() throws {
        let workbook = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("../../shared/data/etat4001-services-2012-2020.xlsx").standardizedFileURL
        try XCTSkipUnless(FileManager.default.fileExists(atPath: workbook.path), "shared/data absent")
        let reader = try XLSXReader(url: workbook)
        let sheets = try reader.sheetNames()
        XCTAssertEqual(sheets.count, 19)
        XCTAssertEqual(sheets.first, "Présentation")
        XCTAssertTrue(sheets.contains("Services PN 2020") && sheets.contains("Services GN 2012"))

        // Known from the workbook (independent script): 997,047 numeric cells summing to 32,141,587.
        var numericCells = 0
        var total = 0
        for sheet in sheets {
            try reader.forEachRow(inSheet: sheet) { row in
                guard Int(row[0].text) != nil else { return }
                for cell in row.cells.dropFirst(2) {
                    if let value = Int(cell.text) { numericCells += 1; total += value }
                }
            }
        }
        XCTAssertEqual(numericCells, 997_047)
        XCTAssertEqual(total, 32_141_587)

        var creteil: Int?
        var sum = 0
        try reader.forEachRow(inSheet: "Services PN 2020") { row in
            if creteil == nil, let column = row.cells.firstIndex(of: .text("DTSP94 CRETEIL")) { creteil = column; return }
            if let creteil, Int(row[0].text) != nil { sum += Int(row[creteil].text) ?? 0 }
        }
        XCTAssertEqual(sum, 7461)
    }

    func testACustomDateFormatRichTextAndPhoneticRunsAreUnderstood() throws {
        let url = try handMade(sheet: """
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>\
            <row r="2"><c r="B2" t="s" s="1"><v>0</v></c><c r="D2" s="1"><v>46000.5</v></c><c r="E2" s="2"><v>7</v></c>\
            <c r="F2" t="str"><f>A1&amp;"x"</f><v>calculé</v></c><c r="G2" t="e"><v>#N/A</v></c></row>\
            </sheetData></worksheet>
            """, sharedStrings: """
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><r><t>Cité </t></r><r><t xml:space="preserve">des Sablières</t></r>\
            <rPh><t>ignored</t></rPh></si></sst>
            """, styles: """
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <numFmts count="2"><numFmt numFmtId="164" formatCode="dd/mm/yyyy\\ hh:mm"/><numFmt numFmtId="165" formatCode="&quot;Day &quot;0"/></numFmts>\
            <cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>\
            <cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs></styleSheet>
            """)
        let read = try rows(url, sheet: "Feuil1")
        XCTAssertEqual(read.count, 1)
        XCTAssertEqual(read[0].number, 2)
        XCTAssertEqual(read[0].cells, [.empty, .text("Cité des Sablières"), .empty, .dateSerial(46000.5), .number(7),
                                       .text("calculé"), .text("#N/A")])
    }

    func testHostileOrBrokenWorkbooksAreRefusedWithWhereAndWhy() throws {
        func refusal(_ url: URL, sheet: String? = "Feuil1") -> VigieError? {
            do {
                let reader = try TableFile.open(url)
                try reader.forEachRow(inSheet: sheet) { _ in }
                return nil
            } catch let error as VigieError { return error } catch { return nil }
        }
        let doctype = try handMade(sheet: """
            <!DOCTYPE lol [<!ENTITY a "aaaaaaaa">]><worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a;</t></is></c></row></sheetData></worksheet>
            """)
        XCTAssertTrue(refusal(doctype)?.message.contains("DOCTYPE") == true)

        let badIndex = try handMade(sheet: """
            <worksheet><sheetData><row r="7"><c r="C7" t="s"><v>5</v></c></row></sheetData></worksheet>
            """, sharedStrings: "<sst><si><t>seule</t></si></sst>")
        let indexError = try XCTUnwrap(refusal(badIndex))
        XCTAssertEqual(indexError.location, SourceLocation(file: badIndex.lastPathComponent, sheet: "Feuil1", row: 7, column: "C"))

        let truncated = try handMade(sheet: "<worksheet><sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c>")
        XCTAssertTrue(refusal(truncated)?.message.contains("XML mal formé") == true)

        let notZip = folder.appendingPathComponent("faux.xlsx")
        try Data("PK\u{3}\u{4}pas vraiment une archive".utf8).write(to: notZip)
        XCTAssertTrue(refusal(notZip)?.message.contains("archive XLSX") == true)

        let oldExcel = folder.appendingPathComponent("ancien.xls")
        try Data([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]).write(to: oldExcel)
        XCTAssertTrue(refusal(oldExcel)?.message.contains(".xls") == true)

        let missingSheet = try handMade(sheet: "<worksheet><sheetData/></worksheet>")
        XCTAssertTrue(refusal(missingSheet, sheet: "Autre")?.message.contains("absente") == true)
    }

    func testAZipBombIsRefusedBeforeItIsExpanded() throws {
        // 80 MB of spaces deflate to about 80 KB: a ratio no real sheet reaches.
        let size = 80 << 20
        let url = try handMade(sheet: nil) { archive in
            let block = Data(repeating: 0x20, count: 1 << 20)
            try archive.addEntry(with: "xl/worksheets/sheet1.xml", type: .file, uncompressedSize: Int64(size),
                                 compressionMethod: .deflate) { position, chunk in
                block.prefix(min(chunk, size - Int(position)))
            }
        }
        XCTAssertThrowsError(try XLSXReader(url: url).forEachRow(inSheet: "Feuil1") { _ in }) { error in
            XCTAssertTrue("\(error)".contains("bombe de décompression"), "\(error)")
        }
    }

    /// The fuzzing seed of formulas and percentages (FuzzCorpus/xlsx), read once as Excel saved it and once in a
    /// workbook that says it is in the 1904 system and must be recalculated (what openpyxl and XlsxWriter write).
    func testFormulasWithoutValuePercentagesAndThe1904SystemAreTold() throws {
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzCorpus/xlsx")
        let sheet = try Data(contentsOf: corpus.appendingPathComponent("feuille-formules-pourcentages.xml"))
        let saved = folder.appendingPathComponent("enregistre.xlsx"), recalculate = folder.appendingPathComponent("a-recalculer.xlsx")
        try XLSXWriter.archive(saved, parts: FuzzHarness.workbookParts(sheet: sheet))
        let workbook = try Data(contentsOf: corpus.appendingPathComponent("classeur-1904-recalcul.xml"))
        try XLSXWriter.archive(recalculate, parts: FuzzHarness.workbookParts(sheet: sheet).map { part in
            part.path == "xl/workbook.xml" ? (part.path, workbook) : part
        })

        let plain = try rows(saved, sheet: nil)
        XCTAssertEqual(plain.map(\.number), [1, 2, 3, 4])
        XCTAssertEqual(plain[1].cells, [.dateSerial(44_836), .percent(1), .formulaWithoutValue("SUM(B2:B3)")])
        // A cached 0.5 is kept; a text formula whose cached result is empty is empty; a shared formula's follower has no value.
        XCTAssertEqual(plain[2].cells, [.number(2), .percent(0.25), .number(0.5)])
        XCTAssertEqual(plain[3].cells, [.empty, .empty, .formulaWithoutValue("(formule partagée)")])
        XCTAssertEqual(Cell.percent(0.25).text, "25 %")

        let mac = try rows(recalculate, sheet: nil)
        // Serial 44836 counted from 1904-01-01 is 3 October 2026 (1,462 days later than from 1899-12-30).
        XCTAssertEqual(mac[1].cells.first.flatMap { FrenchDate.parse($0) }, CivilDate(year: 2026, month: 10, day: 3))
        XCTAssertEqual(plain[1].cells.first.flatMap { FrenchDate.parse($0) }, CivilDate(year: 2022, month: 10, day: 2))
        // Nothing cached is trusted in a workbook to be recalculated on opening.
        XCTAssertEqual(mac[2].cells[2], .formulaWithoutValue("B3*2"))
    }

    func testTwoSheetsReadingOnePartAreRefusedRatherThanReadTwice() throws {
        let url = folder.appendingPathComponent("partie-partagee.xlsx")
        let parts = XLSXWriter.parts(sheets: [(name: "Août", rows: [[.number(1)]]), (name: "Septembre", rows: [[.number(2)]])])
        try XLSXWriter.archive(url, parts: parts.map { part in
            guard part.path == "xl/_rels/workbook.xml.rels" else { return part }
            return (part.path, Data(String(decoding: part.data, as: UTF8.self).replacingOccurrences(of: "sheet2.xml", with: "sheet1.xml").utf8))
        })
        XCTAssertThrowsError(try XLSXReader(url: url)) { error in
            XCTAssertTrue("\(error)".contains("fichier « partie-partagee.xlsx » : la feuille « Septembre » renvoie à une partie déjà lue"), "\(error)")
        }
    }

    func testThePushParserGivesTheSameEventsWhateverTheChunks() throws {
        let xml = Data("""
            <?xml version="1.0"?><!-- note --><a x="1 &gt; 0" y='é'><b>un &amp; deux &#233;&#x20AC;</b><![CDATA[<brut>]]><c/></a>
            """.utf8)
        final class Recorder: XMLEventHandler {
            var events: [String] = []
            func start(_ name: String, attributes: [(name: String, value: String)]) throws {
                events.append("<\(name) " + attributes.map { "\($0.name)=\($0.value)" }.joined(separator: " "))
            }
            func end(_ name: String) throws { events.append("</\(name)") }
            func text(_ text: String) throws {
                if let last = events.last, last.hasPrefix("#") { events[events.count - 1] += text } else { events.append("#" + text) }
            }
        }
        let whole = Recorder()
        let parser = XMLPushParser(handler: whole)
        try parser.feed(xml)
        try parser.finish()
        XCTAssertEqual(whole.events, ["<a x=1 > 0 y=é", "<b ", "#un & deux é€", "</b", "#<brut>", "<c ", "</c", "</a"])
        for size in [1, 2, 3, 7] {
            let pieces = Recorder()
            let chunked = XMLPushParser(handler: pieces)
            var offset = 0
            while offset < xml.count {
                try chunked.feed(xml.subdata(in: offset..<min(offset + size, xml.count)))
                offset += size
            }
            try chunked.finish()
            XCTAssertEqual(pieces.events, whole.events, "chunks of \(size)")
        }
    }

    /// A workbook assembled part by part, with one sheet "Feuil1" whose XML is `sheet`.
    func handMade(sheet: String?, sharedStrings: String? = nil, styles: String? = nil,
                  extra: ((Archive) throws -> Void)? = nil) throws -> URL {
        let url = folder.appendingPathComponent("fait-main-\(UUID().uuidString.prefix(8)).xlsx")
        let archive = try Archive(url: url, accessMode: .create)
        var parts: [(String, String)] = [
            ("xl/workbook.xml", #"<workbook xmlns:r="r"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
            ("xl/_rels/workbook.xml.rels", """
                <Relationships><Relationship Id="rId1" Type="t/worksheet" Target="/xl/worksheets/sheet1.xml"/>\
                <Relationship Id="rId2" Type="t/sharedStrings" Target="sharedStrings.xml"/>\
                <Relationship Id="rId3" Type="t/styles" Target="./styles.xml"/></Relationships>
                """),
        ]
        if let sheet { parts.append(("xl/worksheets/sheet1.xml", sheet)) }
        if let sharedStrings { parts.append(("xl/sharedStrings.xml", sharedStrings)) }
        if let styles { parts.append(("xl/styles.xml", styles)) }
        for (path, text) in parts {
            let data = Data(text.utf8)
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
        try extra?(archive)
        return url
    }
}
