import Foundation
import VigieCore
import VigieFixtures
@testable import VigieIngest
import XCTest

final class CSVReaderTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("CSVReaderTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: - Helpers

    private func file(_ name: String, bytes: [UInt8]) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    private func file(_ name: String, text: String) throws -> URL {
        try file(name, bytes: Array(text.utf8))
    }

    private func file(_ name: String, rows: [[String]], delimiter: Character, encoding: CSVWriter.Encoding) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try CSVWriter.write(url, rows: rows, delimiter: delimiter, encoding: encoding)
        return url
    }

    private func readAll(_ url: URL) throws -> [SourceRow] {
        let reader = try CSVReader(url: url)
        var rows: [SourceRow] = []
        try reader.forEachRow(inSheet: nil) { rows.append($0) }
        return rows
    }

    /// The cells a reader must give for fields as written.
    private func cells(_ fields: [String]) -> [Cell] {
        fields.map { $0.isEmpty ? .empty : .text($0) }
    }

    /// The error `body` throws, as a VigieError.
    private func vigieError(_ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> VigieError? {
        do {
            try body()
            XCTFail("no error thrown", file: file, line: line)
            return nil
        } catch let error as VigieError {
            return error
        } catch {
            XCTFail("unexpected error \(error)", file: file, line: line)
            return nil
        }
    }

    /// Rows with French text that every encoding, Windows-1252 included, can hold.
    private let frenchRows: [[String]] = [
        ["Index", "Libellé", "Créteil", "Montant"],
        ["1", "Règlements de compte entre malfaiteurs", "3", "12,5 €"],
        ["2", "Cœur de l'œuvre — « Œil » … ’", "", "ÿ Ÿ š ž"],
        ["3", "Été à Limeil-Brévannes", "17 369", "ça"],
    ]

    // MARK: - Encodings

    func testUTF8WithoutBOMAndSemicolon() throws {
        let url = try file("utf8.csv", rows: frenchRows, delimiter: ";", encoding: .utf8)
        let reader = try CSVReader(url: url)
        XCTAssertEqual(reader.encoding, .utf8)
        XCTAssertEqual(reader.delimiter, UInt8(ascii: ";"))
        XCTAssertEqual(try reader.sheetNames(), [nil])
        let rows = try readAll(url)
        XCTAssertEqual(rows.map(\.cells), frenchRows.map(cells))
        XCTAssertEqual(rows.map(\.number), Array(1...frenchRows.count))
        XCTAssertEqual(rows.map(\.sheet), Array(repeating: nil, count: frenchRows.count))
    }

    func testUTF8WithBOMAndComma() throws {
        let url = try file("bom.csv", rows: frenchRows, delimiter: ",", encoding: .utf8BOM)
        let reader = try CSVReader(url: url)
        XCTAssertEqual(reader.encoding, .utf8BOM)
        XCTAssertEqual(reader.delimiter, UInt8(ascii: ","))
        XCTAssertEqual(try readAll(url).map(\.cells), frenchRows.map(cells))
    }

    func testUTF16LittleAndBigEndianWithBOM() throws {
        let rows = frenchRows + [["emoji", "😀 🇫🇷", "𝄞"]]
        for (encoding, expected) in [(CSVWriter.Encoding.utf16LEBOM, DetectedEncoding.utf16LE), (.utf16BEBOM, .utf16BE)] {
            let url = try file("\(encoding).csv", rows: rows, delimiter: ";", encoding: encoding)
            let reader = try CSVReader(url: url)
            XCTAssertEqual(reader.encoding, expected)
            XCTAssertEqual(reader.delimiter, UInt8(ascii: ";"))
            let read = try readAll(url)
            XCTAssertEqual(read.map(\.cells), rows.map(cells), "\(encoding)")
            XCTAssertEqual(read.map(\.number), Array(1...rows.count), "\(encoding)")
        }
    }

    func testWindows1252WithSemicolon() throws {
        let rows = [["Libellé", "Prix", "Texte"], ["Café", "5 €", "l’œuvre « Œdipe » …"]]
        let url = try file("ansi.csv", rows: rows, delimiter: ";", encoding: .windows1252)
        // The bytes on disk are the 1252 ones: é = E9, € = 80, ’ = 92, œ = 9C.
        let bytes = try [UInt8](Data(contentsOf: url))
        for byte: UInt8 in [0xE9, 0x80, 0x92, 0x9C, 0x8C, 0xAB, 0xBB, 0x85] {
            XCTAssertTrue(bytes.contains(byte), String(byte, radix: 16))
        }
        let reader = try CSVReader(url: url)
        XCTAssertEqual(reader.encoding, .windows1252)
        XCTAssertEqual(reader.delimiter, UInt8(ascii: ";"))
        XCTAssertEqual(try readAll(url).map(\.cells), rows.map(cells))
    }

    func testEveryWindows1252ByteDecodes() throws {
        // Each byte 0x80–0xFF alone in a field, next to what Windows-1252 says it is.
        let table: [UInt8: String] = [0x80: "€", 0x82: "‚", 0x83: "ƒ", 0x84: "„", 0x85: "…", 0x86: "†", 0x87: "‡",
                                      0x88: "ˆ", 0x89: "‰", 0x8A: "Š", 0x8B: "‹", 0x8C: "Œ", 0x8E: "Ž", 0x91: "‘",
                                      0x92: "’", 0x93: "“", 0x94: "”", 0x95: "•", 0x96: "–", 0x97: "—", 0x98: "˜",
                                      0x99: "™", 0x9A: "š", 0x9B: "›", 0x9C: "œ", 0x9E: "ž", 0x9F: "Ÿ",
                                      0xA0: "\u{A0}", 0xAB: "«", 0xBB: "»", 0xC9: "É", 0xE0: "à", 0xE7: "ç",
                                      0xE9: "é", 0xEA: "ê", 0xF4: "ô", 0xFF: "ÿ"]
        let ordered = table.keys.sorted()
        var bytes: [UInt8] = []
        for byte in ordered { bytes += [UInt8(ascii: "x"), byte, UInt8(ascii: ";")] }
        bytes += [0x0D, 0x0A]
        let url = try file("table.csv", bytes: bytes)
        XCTAssertEqual(try CSVReader(url: url).encoding, .windows1252)
        let rows = try readAll(url)
        XCTAssertEqual(rows.count, 1)
        XCTAssertEqual(rows.first?.cells, ordered.map { .text("x" + (table[$0] ?? "?")) } + [.empty])
    }

    func testTheSameContentReadsTheSameInEveryEncoding() throws {
        let expected = frenchRows.map(cells)
        for encoding in CSVWriter.Encoding.allCases {
            for delimiter: Character in [";", ",", "\t", "|"] {
                let url = try file("same-\(encoding)-\(delimiter.asciiValue ?? 0).csv", rows: frenchRows,
                                   delimiter: delimiter, encoding: encoding)
                let reader = try CSVReader(url: url)
                XCTAssertEqual(reader.delimiter, delimiter.asciiValue, "\(encoding) \(delimiter)")
                XCTAssertEqual(try readAll(url).map(\.cells), expected, "\(encoding) \(delimiter)")
            }
        }
    }

    // MARK: - Delimiters and quoting

    func testTabAndPipeDelimiters() throws {
        let rows = [["a", "b;c", "d,e"], ["1", "2", "3"], ["x y", "", "z"]]
        for delimiter: Character in ["\t", "|"] {
            let url = try file("delim-\(delimiter.asciiValue ?? 0).csv", rows: rows, delimiter: delimiter, encoding: .utf8)
            XCTAssertEqual(try CSVReader(url: url).delimiter, delimiter.asciiValue)
            XCTAssertEqual(try readAll(url).map(\.cells), rows.map(cells))
        }
    }

    func testDelimiterSniffingPrefersTheSemicolonOnTiesAndForASingleColumn() throws {
        // Every line holds one `;` and one `,`: a tie, the French default wins.
        let tie = try file("tie.csv", text: "a;1,5\nb;2,5\nc;3,5\n")
        XCTAssertEqual(try CSVReader(url: tie).delimiter, UInt8(ascii: ";"))
        XCTAssertEqual(try readAll(tie).map(\.cells), [["a", "1,5"], ["b", "2,5"], ["c", "3,5"]].map(cells))

        let single = try file("single.csv", text: "Nom\nDupont\nDurand\n")
        XCTAssertEqual(try CSVReader(url: single).delimiter, UInt8(ascii: ";"))
        XCTAssertEqual(try readAll(single).map(\.cells), [["Nom"], ["Dupont"], ["Durand"]].map(cells))

        // Commas inside quotes do not count; the comma is the delimiter, steady on every line.
        let quoted = try file("quoted.csv", text: "\"a;b;c\",x\n\"d;e\",y\n\"f\",z\n")
        XCTAssertEqual(try CSVReader(url: quoted).delimiter, UInt8(ascii: ","))
    }

    func testQuotedFieldsHoldDelimitersQuotesAndNewlines() throws {
        let rows = [
            ["texte", "avec ; point-virgule", "fin"],
            ["guillemets", "il a dit \"stop\"", "\"\""],
            ["CRLF", "ligne 1\r\nligne 2", "x"],
            ["LF", "ligne 1\nligne 2\nligne 3", "y"],
            ["après", "z", ""],
        ]
        let url = try file("quoted.csv", rows: rows, delimiter: ";", encoding: .utf8)
        let read = try readAll(url)
        XCTAssertEqual(read.map(\.cells), rows.map(cells))
        // Line numbers: each record starts one line after the previous record's last line.
        var expectedLines: [Int] = []
        var line = 1
        for row in rows {
            expectedLines.append(line)
            line += 1 + row.reduce(0) { $0 + $1.filter { $0 == "\n" || $0 == "\r\n" }.count }
        }
        XCTAssertEqual(read.map(\.number), expectedLines)
    }

    func testSpacesAroundFieldsAreKept() throws {
        let url = try file("spaces.csv", text: " a ; b\t;\tc \n")
        XCTAssertEqual(try readAll(url).map(\.cells), [[" a ", " b\t", "\tc "]].map(cells))
    }

    func testLineNumbersAfterMultilineRecordsAndBlankLines() throws {
        // Physical lines, built here with the line where each record starts.
        var text = ""
        var line = 1
        var expected: [(Int, [String])] = []
        func add(_ raw: String, _ fields: [String]?) {
            if let fields { expected.append((line, fields)) }
            text += raw
            line += raw.unicodeScalars.filter { $0 == "\n" }.count
        }
        add("a;b\n", ["a", "b"])
        add("\"multi\nligne\";c\n", ["multi\nligne", "c"])
        add("\n", nil)
        add("\r\n", nil)
        add("d;\"x\r\ny\r\nz\"\r\n", ["d", "x\r\ny\r\nz"])
        add(";\n", nil) // all fields empty: skipped
        add("  ;\t\n", nil) // only blanks: skipped
        add("\n\n\n", nil)
        add("e;f\n", ["e", "f"])
        add("g;\"h\"", ["g", "h"]) // last record without a line end
        let url = try file("lines.csv", text: text)
        let rows = try readAll(url)
        XCTAssertEqual(rows.map(\.number), expected.map(\.0))
        XCTAssertEqual(rows.map(\.cells), expected.map { cells($0.1) })
    }

    // MARK: - Chunk boundaries

    /// 200,000 rows, with `special` placed so that its first `split` bytes end exactly on chunk boundaries.
    /// Returns the rows and the file's bytes; checks the placement from the bytes themselves.
    private func boundaryFile(encoding: CSVWriter.Encoding, specials: [(String, Int)], unitWidth: Int) throws -> ([[String]], [UInt8]) {
        let writer = CSVWriter(delimiter: ";", encoding: encoding)
        let chunk = CSVReader.chunkSize
        var rows: [[String]] = []
        var bytes = writer.byteOrderMark
        var boundary = chunk
        var placed = 0
        var normal = 0
        while normal < 200_000 {
            let (special, split) = specials[placed % specials.count]
            let distance = boundary - split - bytes.count
            if distance < 200 * unitWidth {
                // "pad;" then `padding` ASCII letters, then the special character across the boundary.
                let padding = distance / unitWidth - 4
                XCTAssertGreaterThanOrEqual(padding, 0)
                let row = ["pad", String(repeating: "a", count: padding) + special + "z"]
                let specialBytes = try CSVWriter.encode(special, as: encoding)
                let start = bytes.count + (4 + padding) * unitWidth
                bytes += try writer.encode(record: row)
                XCTAssertEqual(start + split, boundary)
                XCTAssertEqual(Array(bytes[start..<(start + specialBytes.count)]), specialBytes)
                rows.append(row)
                placed += 1
                boundary += chunk
                continue
            }
            let row = ["\(normal)", "Libellé n° \(normal)", normal % 7 == 0 ? "" : "œuvre €"]
            bytes += try writer.encode(record: row)
            rows.append(row)
            normal += 1
        }
        XCTAssertGreaterThan(placed, 10)
        return (rows, bytes)
    }

    func testAChunkBoundaryInsideAUTF8Character() throws {
        let specials = [("é", 1), ("€", 1), ("€", 2), ("😀", 1), ("😀", 2), ("😀", 3)]
        for encoding in [CSVWriter.Encoding.utf8, .utf8BOM] {
            let (rows, bytes) = try boundaryFile(encoding: encoding, specials: specials, unitWidth: 1)
            let url = try file("boundary-\(encoding).csv", bytes: bytes)
            XCTAssertEqual(try CSVReader(url: url).encoding, encoding == .utf8 ? .utf8 : .utf8BOM)
            let read = try readAll(url)
            XCTAssertEqual(read.count, rows.count)
            XCTAssertTrue(read.map(\.cells) == rows.map(cells), "\(encoding)")
            XCTAssertTrue(read.map(\.number) == Array(1...rows.count), "\(encoding)")
        }
    }

    func testAChunkBoundaryInsideAUTF16SurrogatePair() throws {
        // Split after the high surrogate (2 bytes); "é" split is impossible in UTF-16 at an even offset, so
        // "é" is put right before the boundary and "€" right after it.
        let specials = [("😀", 2), ("𝄞", 2), ("é", 2), ("€", 0)]
        for (encoding, detected) in [(CSVWriter.Encoding.utf16LEBOM, DetectedEncoding.utf16LE), (.utf16BEBOM, .utf16BE)] {
            let (rows, bytes) = try boundaryFile(encoding: encoding, specials: specials, unitWidth: 2)
            let url = try file("boundary-\(encoding).csv", bytes: bytes)
            XCTAssertEqual(try CSVReader(url: url).encoding, detected)
            let read = try readAll(url)
            XCTAssertEqual(read.count, rows.count)
            XCTAssertTrue(read.map(\.cells) == rows.map(cells), "\(encoding)")
            XCTAssertTrue(read.map(\.number) == Array(1...rows.count), "\(encoding)")
        }
    }

    func testTheUTF16TranscoderAcceptsInputCutAnywhere() throws {
        let text = "a;é€\n😀𝄞;z\r\n"
        for bigEndian in [false, true] {
            let encoded = try CSVWriter.encode(text, as: bigEndian ? .utf16BEBOM : .utf16LEBOM)
            for cut in 0...encoded.count {
                var transcoder = UTF16Transcoder(bigEndian: bigEndian)
                var out: [UInt8] = []
                try encoded[..<cut].withUnsafeBytes { try transcoder.transcode($0, into: &out) }
                try encoded[cut...].withUnsafeBytes { try transcoder.transcode($0, into: &out) }
                try transcoder.finish()
                XCTAssertEqual(out, Array(text.utf8), "cut at \(cut)")
            }
        }
    }

    // MARK: - Refused files

    func testAFieldOverOneMebibyteIsRefused() throws {
        let big = try file("big.csv", text: "a;b\nc;" + String(repeating: "x", count: 1_100_000) + "\n")
        let error = vigieError { _ = try readAll(big) }
        XCTAssertEqual(error?.kind, .input)
        XCTAssertEqual(error?.location, SourceLocation(file: "big.csv", row: 2, column: "B"))
        XCTAssertTrue(error?.message.contains("1 Mio") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.description.contains("ligne 2") ?? false)

        // An opened quote that swallows many lines: refused on the line where the field began.
        let lines = (1...40_000).map { "ligne \($0) du texte avalé;" }.joined(separator: "\n")
        let swallowed = try file("swallowed.csv", text: "a;b\nc;d\ne;\"" + lines + "\n")
        let error2 = vigieError { _ = try readAll(swallowed) }
        XCTAssertEqual(error2?.location, SourceLocation(file: "swallowed.csv", row: 3, column: "B"))
    }

    func testARecordWithTooManyFieldsIsRefused() throws {
        let url = try file("wide.csv", text: "a;b\nc;d\n" + String(repeating: ";", count: 10_001) + "x\n")
        let error = vigieError { _ = try readAll(url) }
        XCTAssertEqual(error?.kind, .input)
        XCTAssertEqual(error?.location?.row, 3)
        XCTAssertTrue(error?.message.contains("10 000 champs") ?? false, error?.message ?? "")
        XCTAssertTrue(error?.description.contains("ligne 3") ?? false)
    }

    func testAnUnterminatedQuoteNamesTheLineWhereItOpened() throws {
        let text = String(repeating: "a;b\n", count: 11) + "c;\"ouvert\nsuite\nfin"
        let url = try file("quote.csv", text: text)
        var delivered = 0
        let error = vigieError { try CSVReader(url: url).forEachRow(inSheet: nil) { _ in delivered += 1 } }
        XCTAssertEqual(delivered, 11)
        XCTAssertEqual(error?.kind, .input)
        XCTAssertEqual(error?.location?.row, 12)
        XCTAssertTrue(error?.message.contains("guillemet ouvert ligne 12, jamais refermé") ?? false, error?.message ?? "")
    }

    func testABinaryFileIsRefused() throws {
        let url = try file("classeur.csv", bytes: [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00] + Array("a;b\n".utf8))
        let error = vigieError { _ = try CSVReader(url: url) }
        XCTAssertEqual(error?.kind, .input)
        XCTAssertEqual(error?.message, "fichier binaire, pas un CSV")
        XCTAssertEqual(error?.location?.file, "classeur.csv")
    }

    func testAnEmptyFileIsRefused() throws {
        for (name, bytes) in [("vide.csv", [UInt8]()), ("bom.csv", [0xEF, 0xBB, 0xBF]), ("blanc.csv", Array("\r\n\n  \n".utf8))] {
            let url = try file(name, bytes: bytes)
            let error = vigieError { _ = try CSVReader(url: url, displayName: "export " + name) }
            XCTAssertEqual(error?.kind, .input, name)
            XCTAssertEqual(error?.message, "fichier vide", name)
            XCTAssertEqual(error?.location?.file, "export " + name)
        }
    }

    func testInvalidUTF8InABOMFileIsRefusedWithItsLine() throws {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a;b\nc;d\n\"e\nf\";g".utf8) + [0xE9] + Array("h\n".utf8)
        let url = try file("bad.csv", bytes: bytes)
        XCTAssertEqual(try CSVReader(url: url).encoding, .utf8BOM)
        let error = vigieError { _ = try readAll(url) }
        XCTAssertEqual(error?.kind, .input)
        XCTAssertEqual(error?.location?.row, 4)
        XCTAssertEqual(error?.location?.column, "B")
        XCTAssertTrue(error?.message.contains("encodage invalide") ?? false, error?.message ?? "")
    }

    func testAnUnpairedSurrogateInUTF16IsRefused() throws {
        // "a;b\n" then a lone high surrogate followed by "c".
        let bytes: [UInt8] = [0xFF, 0xFE] + Array("a;b\n".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            + [0x3D, 0xD8, 0x63, 0x00, 0x0A, 0x00]
        let url = try file("surrogate.csv", bytes: bytes)
        let error = vigieError { _ = try readAll(url) }
        XCTAssertEqual(error?.kind, .input)
        XCTAssertEqual(error?.location?.row, 2)
        XCTAssertTrue(error?.message.contains("encodage invalide") ?? false, error?.message ?? "")
    }

    func testErrorsFromTheBodyPropagateUnchanged() throws {
        struct Stop: Error, Equatable { let number: Int }
        let url = try file("stop.csv", text: "a;b\nc;d\ne;f\n")
        var seen: [Int] = []
        XCTAssertThrowsError(try CSVReader(url: url).forEachRow(inSheet: nil) { row in
            seen.append(row.number)
            if row.number == 2 { throw Stop(number: row.number) }
        }) { error in
            XCTAssertEqual(error as? Stop, Stop(number: 2))
        }
        XCTAssertEqual(seen, [1, 2])
    }

    // MARK: - Writer

    func testTheWriterEncodesWindows1252AndRefusesWhatItLacks() throws {
        XCTAssertEqual(try CSVWriter.encode("€œŒ’«»…éà", as: .windows1252),
                       [0x80, 0x9C, 0x8C, 0x92, 0xAB, 0xBB, 0x85, 0xE9, 0xE0])
        XCTAssertThrowsError(try CSVWriter.encode("😀", as: .windows1252)) { error in
            XCTAssertEqual((error as? CSVWriter.UnencodableCharacter)?.character, "😀")
        }
        let writer = CSVWriter(delimiter: ";", encoding: .utf8, lineEnding: "\n")
        XCTAssertEqual(writer.line(["a", "b;c", "d\"e", "f\r\ng", ""]), "a;\"b;c\";\"d\"\"e\";\"f\r\ng\";\n")
        XCTAssertEqual(CSVWriter(encoding: .utf16LEBOM).byteOrderMark, [0xFF, 0xFE])
    }
}
