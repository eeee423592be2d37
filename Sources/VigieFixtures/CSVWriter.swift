import Foundation

/// Writes CSV files as partners produce them, for tests, sample data and benchmarks: a chosen delimiter,
/// RFC 4180 quoting where needed, one of the encodings partners use, and `\r\n` line ends by default.
public struct CSVWriter: Sendable {
    /// The byte encodings a written file can use.
    public enum Encoding: String, Sendable, CaseIterable {
        /// UTF-8 without byte order mark.
        case utf8
        /// UTF-8 with a byte order mark (Excel's "CSV UTF-8").
        case utf8BOM
        /// UTF-16 little-endian with a byte order mark (Excel's "Texte Unicode").
        case utf16LEBOM
        /// UTF-16 big-endian with a byte order mark.
        case utf16BEBOM
        /// Windows-1252, Excel's default CSV on French Windows; characters outside it are an error.
        case windows1252
    }

    /// A character the chosen encoding cannot represent; nothing is written.
    public struct UnencodableCharacter: Error, Sendable, CustomStringConvertible {
        public let character: Character
        public let encoding: Encoding
        public var description: String {
            "le caractère « \(character) » n'existe pas en \(encoding.rawValue)"
        }
    }

    /// The field delimiter (one ASCII character).
    public var delimiter: Character
    /// The encoding of the bytes written.
    public var encoding: Encoding
    /// What ends each record, `\r\n` by default.
    public var lineEnding: String

    /// A writer with the given delimiter (one ASCII character), encoding and line end.
    public init(delimiter: Character = ";", encoding: Encoding = .utf8, lineEnding: String = "\r\n") {
        precondition(delimiter.isASCII && delimiter.unicodeScalars.count == 1, "the delimiter must be one ASCII character")
        precondition(delimiter != "\"" && delimiter != "\r" && delimiter != "\n", "the delimiter cannot be a quote or a line end")
        self.delimiter = delimiter
        self.encoding = encoding
        self.lineEnding = lineEnding
    }

    /// Writes `rows` to `url` (replacing it) with a writer configured by the other arguments.
    public static func write(_ url: URL, rows: some Sequence<[String]>, delimiter: Character = ";",
                             encoding: Encoding = .utf8, lineEnding: String = "\r\n") throws {
        try CSVWriter(delimiter: delimiter, encoding: encoding, lineEnding: lineEnding).write(rows: rows, to: url)
    }

    /// The bytes that open a file in this encoding (empty for UTF-8 without BOM and Windows-1252).
    public var byteOrderMark: [UInt8] {
        switch encoding {
        case .utf8, .windows1252: return []
        case .utf8BOM: return [0xEF, 0xBB, 0xBF]
        case .utf16LEBOM: return [0xFF, 0xFE]
        case .utf16BEBOM: return [0xFE, 0xFF]
        }
    }

    /// One record as text with its line end: fields joined by the delimiter, quoted (quotes doubled) when they
    /// hold the delimiter, a quote, CR or LF. An empty record gives an empty line.
    public func line(_ fields: [String]) -> String {
        var text = ""
        let separator = delimiter.unicodeScalars.first
        for (index, field) in fields.enumerated() {
            if index > 0 { text.append(delimiter) }
            let needsQuotes = field.unicodeScalars.contains { $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == separator }
            if needsQuotes {
                text.unicodeScalars.append("\"")
                for scalar in field.unicodeScalars {
                    if scalar == "\"" { text.unicodeScalars.append("\"") }
                    text.unicodeScalars.append(scalar)
                }
                text.unicodeScalars.append("\"")
            } else {
                text += field
            }
        }
        text += lineEnding
        return text
    }

    /// One record encoded, with its line end and without byte order mark.
    public func encode(record fields: [String]) throws -> [UInt8] {
        try Self.encode(line(fields), as: encoding)
    }

    /// The whole file: byte order mark, then every record.
    public func data(rows: some Sequence<[String]>) throws -> Data {
        var bytes = byteOrderMark
        for row in rows { bytes += try encode(record: row) }
        return Data(bytes)
    }

    /// Writes the file at `url` (replacing it), in batches so that a large file never sits whole in memory.
    /// On an unencodable character the error is thrown and the file is left incomplete.
    public func write(rows: some Sequence<[String]>, to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var batch = byteOrderMark
        batch.reserveCapacity(1 << 20)
        for row in rows {
            batch += try encode(record: row)
            if batch.count >= 1 << 20 {
                try handle.write(contentsOf: batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try handle.write(contentsOf: batch) }
    }

    /// `text` in `encoding`, without byte order mark; throws `UnencodableCharacter` for a character
    /// Windows-1252 lacks.
    public static func encode(_ text: String, as encoding: Encoding) throws -> [UInt8] {
        switch encoding {
        case .utf8, .utf8BOM:
            return Array(text.utf8)
        case .utf16LEBOM, .utf16BEBOM:
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf16.count * 2)
            let bigEndian = encoding == .utf16BEBOM
            for unit in text.utf16 {
                let high = UInt8(unit >> 8), low = UInt8(unit & 0xFF)
                bytes += bigEndian ? [high, low] : [low, high]
            }
            return bytes
        case .windows1252:
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            for scalar in text.unicodeScalars {
                let value = scalar.value
                if value < 0x80 || (0xA0...0xFF).contains(value) {
                    bytes.append(UInt8(value))
                } else if let byte = windows1252High[value] {
                    bytes.append(byte)
                } else {
                    throw UnencodableCharacter(character: Character(scalar), encoding: encoding)
                }
            }
            return bytes
        }
    }

    /// The Windows-1252 bytes 0x80–0x9F by the Unicode scalar they stand for (the 27 defined ones).
    private static let windows1252High: [UInt32: UInt8] = [
        0x20AC: 0x80, 0x201A: 0x82, 0x0192: 0x83, 0x201E: 0x84, 0x2026: 0x85, 0x2020: 0x86, 0x2021: 0x87,
        0x02C6: 0x88, 0x2030: 0x89, 0x0160: 0x8A, 0x2039: 0x8B, 0x0152: 0x8C, 0x017D: 0x8E,
        0x2018: 0x91, 0x2019: 0x92, 0x201C: 0x93, 0x201D: 0x94, 0x2022: 0x95, 0x2013: 0x96, 0x2014: 0x97,
        0x02DC: 0x98, 0x2122: 0x99, 0x0161: 0x9A, 0x203A: 0x9B, 0x0153: 0x9C, 0x017E: 0x9E, 0x0178: 0x9F,
    ]
}
