import Foundation

/// The text encoding a reader found in a file, from its byte order mark or, without one, from its content.
public enum DetectedEncoding: String, Sendable, Equatable, CaseIterable {
    /// UTF-8 without byte order mark (the whole file was checked to be valid UTF-8).
    case utf8
    /// UTF-8 announced by a byte order mark (EF BB BF).
    case utf8BOM
    /// UTF-16 little-endian, announced by a byte order mark (FF FE).
    case utf16LE
    /// UTF-16 big-endian, announced by a byte order mark (FE FF).
    case utf16BE
    /// No byte order mark and not valid UTF-8: Excel's "CSV (séparateur : point-virgule)" on French Windows.
    case windows1252

    /// The encoding's usual name, for reports and messages.
    public var label: String {
        switch self {
        case .utf8: return "UTF-8"
        case .utf8BOM: return "UTF-8 (avec BOM)"
        case .utf16LE: return "UTF-16 LE"
        case .utf16BE: return "UTF-16 BE"
        case .windows1252: return "Windows-1252"
        }
    }

    /// The number of bytes of the byte order mark that starts a file in this encoding.
    var bomLength: Int {
        switch self {
        case .utf8, .windows1252: return 0
        case .utf8BOM: return 3
        case .utf16LE, .utf16BE: return 2
        }
    }

    /// The encoding announced by a byte order mark at the start of `head`, if any.
    static func fromByteOrderMark(_ head: UnsafeRawBufferPointer) -> DetectedEncoding? {
        if head.count >= 3, head[0] == 0xEF, head[1] == 0xBB, head[2] == 0xBF { return .utf8BOM }
        if head.count >= 2, head[0] == 0xFF, head[1] == 0xFE { return .utf16LE }
        if head.count >= 2, head[0] == 0xFE, head[1] == 0xFF { return .utf16BE }
        return nil
    }
}

/// Byte-level UTF-8 checks, fast on ASCII.
enum UTF8Check {
    /// What `scan` found.
    enum Outcome: Equatable {
        /// Every byte belongs to a complete, well-formed sequence.
        case valid
        /// Well-formed up to `at`, where a sequence starts that the buffer cuts short.
        case incomplete(at: Int)
        /// The sequence starting at byte `at` is ill-formed (overlong, surrogate, beyond U+10FFFF, stray byte).
        case invalid(at: Int)
    }

    /// True when every byte is below 0x80.
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        var i = 0
        while i + 8 <= n {
            if bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < n {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }

    /// Checks `bytes` against the Unicode definition of well-formed UTF-8 (Table 3-7).
    static func scan(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        let n = bytes.count
        var i = 0
        while i < n {
            while i + 8 <= n, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < n else { break }
            switch sequenceLength(bytes, at: i) {
            case .some(0): return .incomplete(at: i)
            case .some(let length): i += length
            case .none: return .invalid(at: i)
            }
        }
        return .valid
    }
}

extension UTF8Check {
    /// What a survey of a whole file found, chunk after chunk: whether a well-formed multi-byte
    /// sequence appears anywhere (evidence of UTF-8), and the offset of the first ill-formed one.
    struct Survey {
        var multibyte = false
        var firstInvalid: Int?
        /// Bytes surveyed so far, to turn a chunk's index into a file offset.
        var offset = 0

        /// Both kinds of evidence were found: the file mixes UTF-8 and something else.
        var isMixed: Bool { multibyte && firstInvalid != nil }

        /// Surveys the next chunk; returns where a sequence cut by the chunk's end starts (to carry
        /// it over to the next chunk), or nil. At the end of the file, call with `last` true.
        mutating func scan(_ bytes: UnsafeRawBufferPointer, last: Bool) -> Int? {
            let n = bytes.count
            var i = 0
            defer { offset += i }
            while i < n {
                while i + 8 <= n, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                    i += 8
                }
                guard i < n else { break }
                let length = UTF8Check.sequenceLength(bytes, at: i)
                switch length {
                case .some(let k) where k > 0:
                    if k > 1 { multibyte = true }
                    i += k
                case .some:
                    // Cut by the end of the chunk.
                    if !last { return i }
                    if firstInvalid == nil { firstInvalid = offset + i }
                    i += 1
                case .none:
                    if firstInvalid == nil { firstInvalid = offset + i }
                    i += 1
                }
                if isMixed { i = n; break }
            }
            return nil
        }
    }

    /// The length of the well-formed sequence starting at `i` (1 for ASCII), 0 when the buffer ends
    /// inside it, nil when it is ill-formed.
    static func sequenceLength(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Int? {
        let lead = bytes[i]
        if lead < 0x80 { return 1 }
        let trailing: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: trailing = 1
        case 0xE0: trailing = 2; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: trailing = 2
        case 0xED: trailing = 2; high = 0x9F
        case 0xF0: trailing = 3; low = 0x90
        case 0xF1...0xF3: trailing = 3
        case 0xF4: trailing = 3; high = 0x8F
        default: return nil
        }
        for k in 1...trailing {
            guard i + k < bytes.count else { return 0 }
            let byte = bytes[i + k]
            if k == 1 {
                guard byte >= low, byte <= high else { return nil }
            } else {
                guard byte & 0xC0 == 0x80 else { return nil }
            }
        }
        return trailing + 1
    }
}

/// Windows-1252 (the "ANSI" code page of French Windows) decoded with its full table.
enum Windows1252 {
    /// Unicode scalars of bytes 0x80–0x9F. The five bytes the code page leaves undefined
    /// (0x81, 0x8D, 0x8F, 0x90, 0x9D) map to the C1 control of the same value, as Windows does.
    static let highScalars: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, // 80–87: € . ‚ ƒ „ … † ‡
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F, // 88–8F: ˆ ‰ Š ‹ Œ . Ž .
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, // 90–97: . ‘ ’ “ ” • – —
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178, // 98–9F: ˜ ™ š › œ . ž Ÿ
    ]

    /// The UTF-8 form of every byte 0x80–0xFF, packed as `length | b0 << 8 | b1 << 16 | b2 << 24`.
    static let utf8Table: [UInt32] = (0x80...0xFF).map { byte -> UInt32 in
        let scalar = byte < 0xA0 ? highScalars[byte - 0x80] : UInt32(byte)
        if scalar < 0x800 {
            let b0 = 0xC0 | (scalar >> 6), b1 = 0x80 | (scalar & 0x3F)
            return 2 | b0 << 8 | b1 << 16
        }
        let b0 = 0xE0 | (scalar >> 12), b1 = 0x80 | ((scalar >> 6) & 0x3F), b2 = 0x80 | (scalar & 0x3F)
        return 3 | b0 << 8 | b1 << 16 | b2 << 24
    }

    /// Decodes Windows-1252 bytes. Every byte decodes: this never fails.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> String {
        if UTF8Check.isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return utf8Table.withUnsafeBufferPointer { table in
            String(unsafeUninitializedCapacity: bytes.count * 3) { out in
                var o = 0
                for byte in bytes {
                    if byte < 0x80 {
                        out[o] = byte
                        o += 1
                    } else {
                        let packed = table[Int(byte) - 0x80]
                        let length = Int(packed & 0xFF)
                        out[o] = UInt8(truncatingIfNeeded: packed >> 8)
                        out[o + 1] = UInt8(truncatingIfNeeded: packed >> 16)
                        if length == 3 { out[o + 2] = UInt8(truncatingIfNeeded: packed >> 24) }
                        o += length
                    }
                }
                return o
            }
        }
    }
}

/// Ill-formed text met while transcoding, on the given 1-based line of the decoded text.
struct TextDecodingFailure: Error, Equatable {
    var line: Int
}

/// Streams UTF-16 (either byte order) to UTF-8. Input may be cut anywhere, even inside a code unit
/// or between the two halves of a surrogate pair: the pending part waits for the next call.
struct UTF16Transcoder {
    let bigEndian: Bool
    /// The first byte of a code unit cut by the end of the previous input.
    private var pendingByte: UInt8?
    /// A high surrogate waiting for its low half.
    private var pendingHigh: UInt16?
    /// Line feeds written so far, to name the line of an error.
    private var lineFeeds = 0

    init(bigEndian: Bool) {
        self.bigEndian = bigEndian
    }

    /// Appends the UTF-8 form of `input` to `out`; throws on an unpaired surrogate.
    mutating func transcode(_ input: UnsafeRawBufferPointer, into out: inout [UInt8]) throws(TextDecodingFailure) {
        out.reserveCapacity(out.count + input.count / 2 * 3 + 4)
        let n = input.count
        var i = 0
        if let first = pendingByte, n > 0 {
            pendingByte = nil
            try emit(unit(first, input[0]), into: &out)
            i = 1
        }
        while i + 1 < n {
            try emit(unit(input[i], input[i + 1]), into: &out)
            i += 2
        }
        if i < n { pendingByte = input[i] }
    }

    /// Throws when the input ended inside a code unit or a surrogate pair.
    func finish() throws(TextDecodingFailure) {
        if pendingByte != nil || pendingHigh != nil { throw TextDecodingFailure(line: lineFeeds + 1) }
    }

    private func unit(_ a: UInt8, _ b: UInt8) -> UInt16 {
        bigEndian ? UInt16(a) << 8 | UInt16(b) : UInt16(b) << 8 | UInt16(a)
    }

    private mutating func emit(_ unit: UInt16, into out: inout [UInt8]) throws(TextDecodingFailure) {
        if let high = pendingHigh {
            guard (0xDC00...0xDFFF).contains(unit) else { throw TextDecodingFailure(line: lineFeeds + 1) }
            pendingHigh = nil
            let scalar = 0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00)
            out.append(UInt8(0xF0 | (scalar >> 18)))
            out.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (scalar & 0x3F)))
            return
        }
        switch unit {
        case 0..<0x80:
            if unit == 0x0A { lineFeeds += 1 }
            out.append(UInt8(unit))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | (unit >> 6)))
            out.append(UInt8(0x80 | (unit & 0x3F)))
        case 0xD800...0xDBFF:
            pendingHigh = unit
        case 0xDC00...0xDFFF:
            throw TextDecodingFailure(line: lineFeeds + 1)
        default:
            out.append(UInt8(0xE0 | (unit >> 12)))
            out.append(UInt8(0x80 | ((unit >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (unit & 0x3F)))
        }
    }
}
