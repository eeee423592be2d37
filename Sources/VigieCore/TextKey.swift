import Foundation

/// Matching keys for names typed by people: case-, accent- and punctuation-insensitive, so that
/// « Créteil », « CRETEIL » and « creteil » are one key, and so are « Saint-Maur » and « saint maur ».
extension String {
    public var matchKey: String {
        // Fast path, byte by byte: ASCII and the accented letters of French (Latin-1), which is
        // nearly every name a partner writes. Anything else goes through Foundation's folding.
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count)
        var pendingSpace = false
        var bytes = utf8.makeIterator()
        func emit(_ letters: StaticString) {
            if pendingSpace && !out.isEmpty { out.append(0x20) }
            pendingSpace = false
            letters.withUTF8Buffer { out.append(contentsOf: $0) }
        }
        while let b = bytes.next() {
            switch b {
            case 0x30...0x39, 0x61...0x7A:
                if pendingSpace && !out.isEmpty { out.append(0x20) }
                pendingSpace = false
                out.append(b)
            case 0x41...0x5A:
                if pendingSpace && !out.isEmpty { out.append(0x20) }
                pendingSpace = false
                out.append(b + 0x20)
            case 0x00...0x7F:
                pendingSpace = true
            case 0xC3, 0xC5:
                guard let next = bytes.next(), let folded = String.latinFold(b, next) else { return slowMatchKey }
                emit(folded)
            default:
                return slowMatchKey
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The base letters of a two-byte UTF-8 letter of French (C3 xx: Latin-1; C5 92/93: Œ œ), or nil.
    private static func latinFold(_ lead: UInt8, _ next: UInt8) -> StaticString? {
        if lead == 0xC5 { return next == 0x92 || next == 0x93 ? "oe" : nil }
        switch next & ~0x20 { // upper and lower case differ by 0x20 in this block
        case 0x80...0x85: return "a"
        case 0x86: return "ae"
        case 0x87: return "c"
        case 0x88...0x8B: return "e"
        case 0x8C...0x8F: return "i"
        case 0x91: return "n"
        case 0x92...0x96: return "o"
        case 0x99...0x9C: return "u"
        case 0x9D: return "y"
        default: return next == 0xBF ? "y" : nil // ÿ
        }
    }

    /// The general rule: Foundation's case and diacritic folding, letters and digits kept.
    private var slowMatchKey: String {
        let folded = self.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in folded.unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                switch scalar {
                case "œ": out.append(contentsOf: "oe".unicodeScalars)
                case "æ": out.append(contentsOf: "ae".unicodeScalars)
                default: out.append(scalar)
                }
            } else {
                pendingSpace = true
            }
        }
        return String(out)
    }
}
