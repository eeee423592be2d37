import Foundation

/// Bars of counts (e.g. the last six semesters of the état 4001): one `<rect>` per bar, length
/// proportional to its value from a 0 baseline (negative values are drawn as 0), with its label
/// and value, and the title on top. Vertical bars with the label under each; when a label would
/// not fit under its bar (« Violences aux personnes »), horizontal bars with the labels on the left,
/// so that no label runs into another.
public enum BarChart {
    /// Roughly the width of a character at the labels' size (11 px), to tell whether a label fits.
    static let characterWidth = 6.2

    public static func svg(bars: [(label: String, value: Int)], title: String, width: Int = 520, height: Int = 220) -> String {
        let slot = (Double(max(width, 1)) - 32) / Double(max(bars.count, 1))
        if bars.contains(where: { Double($0.label.count) * characterWidth > slot * 0.95 }) {
            return horizontal(bars: bars, title: title, width: width)
        }
        return vertical(bars: bars, title: title, width: width, height: height)
    }

    /// One row per bar: the label right-aligned on the left, the bar, its value after it.
    static func horizontal(bars: [(label: String, value: Int)], title: String, width: Int) -> String {
        let w = Double(max(width, 1)), side = 16.0, row = 22.0, top = 36.0
        let longest = Double(bars.map(\.label.count).max() ?? 0) * characterWidth
        let labelWidth = min(longest, w * 0.45)
        let baseline = side + labelWidth + 8
        let room = max(w - baseline - side - 44, 1)
        let maximum = Double(bars.map(\.value).max() ?? 0)
        let height = Int(top + row * Double(bars.count) + 8)
        let spoken = bars.map { "\($0.label) : \(SVG.french($0.value))" }.joined(separator: " ; ")
        var out = SVG.open(width: width, height: height, label: spoken.isEmpty ? title : "\(title) — \(spoken)")
        out += "<text x=\"\(SVG.number(side))\" y=\"20\" font-size=\"14\" font-weight=\"bold\" fill=\"#222\">\(SVG.escape(title))</text>"
        for (i, bar) in bars.enumerated() {
            let y = top + row * Double(i)
            let length = maximum > 0 ? Double(max(bar.value, 0)) / maximum * room : 0
            let value = SVG.french(bar.value)
            // A label longer than its column is cut with « … »: the whole label is in the bar's title and the table.
            let fits = Int(labelWidth / characterWidth)
            let label = bar.label.count <= fits ? bar.label : String(bar.label.prefix(max(fits - 1, 1))) + "…"
            out += "<text x=\"\(SVG.number(baseline - 6))\" y=\"\(SVG.number(y + 14))\" font-size=\"11\" "
                + "text-anchor=\"end\" fill=\"#444\">\(SVG.escape(label))</text>"
            out += "<rect x=\"\(SVG.number(baseline))\" y=\"\(SVG.number(y + 3))\" width=\"\(SVG.number(length))\" height=\"\(SVG.number(row - 6))\" "
                + "fill=\"#3a6ea5\"><title>\(SVG.escape(bar.label)) : \(value)</title></rect>"
            out += "<text x=\"\(SVG.number(baseline + length + 5))\" y=\"\(SVG.number(y + 14))\" font-size=\"11\" fill=\"#222\">\(value)</text>"
        }
        out += "<line x1=\"\(SVG.number(baseline))\" y1=\"\(SVG.number(top))\" x2=\"\(SVG.number(baseline))\" "
            + "y2=\"\(SVG.number(top + row * Double(bars.count)))\" stroke=\"#444\" stroke-width=\"1\"/>"
        return out + "</svg>"
    }

    static func vertical(bars: [(label: String, value: Int)], title: String, width: Int, height: Int) -> String {
        let w = Double(max(width, 1)), h = Double(max(height, 1))
        let side = 16.0
        let plotTop = min(44.0, h / 2)
        let baseline = max(h - 28, plotTop)
        let slot = (w - 2 * side) / Double(max(bars.count, 1))
        let barWidth = slot * 0.6
        let maximum = Double(bars.map(\.value).max() ?? 0)

        let spoken = bars.map { "\($0.label) : \(SVG.french($0.value))" }.joined(separator: " ; ")
        var out = SVG.open(width: width, height: height, label: spoken.isEmpty ? title : "\(title) — \(spoken)")
        out += "<text x=\"\(SVG.number(side))\" y=\"20\" font-size=\"14\" font-weight=\"bold\" fill=\"#222\">\(SVG.escape(title))</text>"
        for (i, bar) in bars.enumerated() {
            let barHeight = maximum > 0 ? Double(max(bar.value, 0)) / maximum * (baseline - plotTop) : 0
            let center = side + slot * (Double(i) + 0.5)
            let top = baseline - barHeight
            let value = SVG.french(bar.value)
            out += "<rect x=\"\(SVG.number(center - barWidth / 2))\" y=\"\(SVG.number(top))\" "
                + "width=\"\(SVG.number(barWidth))\" height=\"\(SVG.number(barHeight))\" fill=\"#3a6ea5\">"
                + "<title>\(SVG.escape(bar.label)) : \(value)</title></rect>"
            out += "<text x=\"\(SVG.number(center))\" y=\"\(SVG.number(top - 5))\" font-size=\"11\" "
                + "text-anchor=\"middle\" fill=\"#222\">\(value)</text>"
            out += "<text x=\"\(SVG.number(center))\" y=\"\(SVG.number(baseline + 16))\" font-size=\"11\" "
                + "text-anchor=\"middle\" fill=\"#444\">\(SVG.escape(bar.label))</text>"
        }
        out += "<line x1=\"\(SVG.number(side))\" y1=\"\(SVG.number(baseline))\" x2=\"\(SVG.number(w - side))\" "
            + "y2=\"\(SVG.number(baseline))\" stroke=\"#444\" stroke-width=\"1\"/>"
        return out + "</svg>"
    }
}
