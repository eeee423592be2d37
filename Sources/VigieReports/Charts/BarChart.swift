import Foundation

/// Vertical bars of counts (e.g. the last six semesters of the état 4001): one `<rect>` per bar,
/// height proportional to its value from a 0 baseline (negative values are drawn as 0), the
/// label under the bar and the value above it, and the title on top.
public enum BarChart {
    public static func svg(bars: [(label: String, value: Int)], title: String, width: Int = 520, height: Int = 220) -> String {
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
