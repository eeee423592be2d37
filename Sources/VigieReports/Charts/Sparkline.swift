import Foundation

/// A word-sized line chart of a series of counts, scaled from 0 to the maximum. A nil value
/// (« non reçu ») is a gap between separate polylines, never a zero; the last received value
/// is marked with a dot. Its accessible name gives the label and every value.
public enum Sparkline {
    public static func svg(_ values: [Int?], width: Int = 120, height: Int = 24, label: String) -> String {
        let pad = 2.5
        let w = Double(max(width, 1)), h = Double(max(height, 1))
        let top = min(pad, h / 2)
        let bottom = max(h - pad, top)
        let maximum = Double(values.compactMap { $0 }.max() ?? 0)

        func x(_ i: Int) -> Double {
            values.count > 1 ? pad + Double(i) * (w - 2 * pad) / Double(values.count - 1) : w / 2
        }
        func y(_ v: Int) -> Double {
            // A flat zero (or empty) series lies on the bottom line.
            maximum > 0 ? bottom - Double(max(v, 0)) / maximum * (bottom - top) : bottom
        }

        // Runs of consecutive received values.
        var runs: [[(Double, Double)]] = []
        var current: [(Double, Double)] = []
        for (i, value) in values.enumerated() {
            if let value {
                current.append((x(i), y(value)))
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }

        let spoken = values.map { $0.map(SVG.french) ?? "non reçu" }.joined(separator: " ; ")
        var out = SVG.open(width: width, height: height, label: spoken.isEmpty ? label : "\(label) : \(spoken)")
        for run in runs {
            if run.count == 1 {
                // A lone value between gaps: a small dot, since a one-point polyline is invisible.
                out += "<circle cx=\"\(SVG.number(run[0].0))\" cy=\"\(SVG.number(run[0].1))\" r=\"1.2\" fill=\"#1f4e79\"/>"
            } else {
                let points = run.map { "\(SVG.number($0.0)),\(SVG.number($0.1))" }.joined(separator: " ")
                out += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"#1f4e79\" stroke-width=\"1.5\" "
                    + "stroke-linejoin=\"round\" stroke-linecap=\"round\"/>"
            }
        }
        if let last = runs.last?.last {
            out += "<circle class=\"last\" cx=\"\(SVG.number(last.0))\" cy=\"\(SVG.number(last.1))\" r=\"2.2\" fill=\"#c0392b\"/>"
        }
        return out + "</svg>"
    }
}
