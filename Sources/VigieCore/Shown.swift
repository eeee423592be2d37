/// Text from outside (a partner's file name, a cell, a header) as it is printed in reports, logs,
/// status lines and messages: one line, every invisible or control character made visible, and a
/// bounded length. A file name is data: a newline in it must not start a false log line, a bidi
/// override must not reverse what follows, a BOM inside a value must be seen.
extension String {
    /// The most characters of outside text a message prints; the rest is said, not shown.
    public static let shownLimit = 200

    /// `self` escaped for one line of a report: `\n`, `\r`, `\t` as such, other control, format and
    /// bidi characters as `<U+XXXX>` (U+FEFF, U+200B, U+202E…), cut at `limit` characters with
    /// « … (N caractères en tout) ».
    public func shown(limit: Int = String.shownLimit) -> String {
        var out = ""
        var count = 0
        var total = 0
        for scalar in unicodeScalars {
            total += 1
            guard count < limit else { continue }
            count += 1
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.isShownAsCode {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    out += "<U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + ">"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        if total > limit { out += "… (\(total) caractères en tout)" }
        return out
    }
}

extension Unicode.Scalar {
    /// Control characters (C0, DEL, C1), format characters (zero-width, BOM, soft hyphen, bidi
    /// embeddings, overrides and isolates), line and paragraph separators, and unassigned or
    /// private-use code points: what a reader of a report could not see or would be misled by.
    var isShownAsCode: Bool {
        switch properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .unassigned, .privateUse, .surrogate:
            return true
        default:
            return false
        }
    }
}
