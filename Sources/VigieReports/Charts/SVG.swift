import Foundation

/// Small helpers shared by the SVG charts: text escaping, coordinates, French labels.
/// French numbers group thousands with a narrow no-break space (U+202F, as French typography
/// and Foundation's fr_FR locale do), use a decimal comma and the minus sign U+2212.
public enum SVG {
    /// The thousands separator of French labels: narrow no-break space.
    public static let thousandsSeparator = "\u{202F}"

    /// `text` made safe for XML character data and attribute values (quotes included).
    /// Characters XML 1.0 forbids (control characters other than tab and newlines) are dropped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A coordinate: at most one decimal, "." as decimal point, never an exponent, never NaN
    /// (a non-finite value is written 0; magnitudes are clamped to ±10⁹).
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let tenths = Int((min(max(value, -1e9), 1e9) * 10).rounded())
        let magnitude = abs(tenths)
        var text = String(magnitude / 10)
        if magnitude % 10 != 0 { text += ".\(magnitude % 10)" }
        return tenths < 0 ? "-" + text : text
    }

    /// « 1 234 », « −12 »: an integer in French, thousands grouped.
    public static func french(_ value: Int) -> String {
        let digits = String(value.magnitude)
        return (value < 0 ? "\u{2212}" : "") + grouped(digits)
    }

    /// « 3,5 », « 1 234,0 »: a number in French with exactly `decimals` decimals (rounded).
    /// A non-finite value is written « — ».
    public static func french(_ value: Double, decimals: Int = 1) -> String {
        guard value.isFinite else { return "—" }
        let places = max(0, min(decimals, 6))
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        guard scaled < 9e15 else { return String(format: "%.0f", value) }
        let units = UInt64(scaled)
        let factor = UInt64(scale)
        var text = grouped(String(units / factor))
        if places > 0 {
            let fraction = String(units % factor)
            text += "," + String(repeating: "0", count: places - fraction.count) + fraction
        }
        return (value < 0 && units != 0 ? "\u{2212}" : "") + text
    }

    /// Digits grouped by three from the right with `thousandsSeparator`.
    static func grouped(_ digits: String) -> String {
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += thousandsSeparator }
            out.append(c)
        }
        return out
    }

    /// The opening tag of a self-contained SVG document of `width` × `height` with its accessible
    /// name: `role="img"`, `aria-label` and a first `<title>` child.
    static func open(width: Int, height: Int, label: String) -> String {
        let label = escape(label)
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" "
            + "viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(label)\" "
            + "font-family=\"sans-serif\"><title>\(label)</title>"
    }
}
