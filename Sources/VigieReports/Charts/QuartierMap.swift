import Foundation
import VigieCore

/// Colour classes of a choropleth: class i holds values in [breaks[i], breaks[i+1]) (last class closed).
/// Values below the first break fall in the first class, above the last break in the last one.
public struct MapClasses: Sendable, Equatable {
    public var breaks: [Double]     // count + 1 ascending values
    public var colors: [String]     // count colours, "#rrggbb"
    /// Classes drawn hatched over their colour (a diverging map's increases), so that the map
    /// and its legend read in grey scale, where a dark blue and a dark red look alike.
    public var hatched: Set<Int>

    public init(breaks: [Double], colors: [String], hatched: Set<Int> = []) {
        self.breaks = breaks
        self.colors = colors
        self.hatched = hatched
    }

    public var count: Int { colors.count }

    /// Equal intervals from min(0, min) to max; if that range is empty (all zero, or no value),
    /// one class. Light yellow → dark red. Non-finite values are ignored.
    public static func sequential(_ values: [Double], count: Int = 5) -> MapClasses {
        let finite = values.filter(\.isFinite)
        let low = min(0, finite.min() ?? 0), high = finite.max() ?? 0
        guard high > low, count > 1 else {
            return MapClasses(breaks: [low, high], colors: [interpolate(sequentialAnchors, at: 0.5)])
        }
        return MapClasses(breaks: equalBreaks(low, high, count),
                          colors: (0..<count).map { interpolate(sequentialAnchors, at: Double($0) / Double(count - 1)) })
    }

    /// Equal intervals from −m to +m where m = max |v|, blue (decrease) → white → red (increase).
    /// An even `count` is raised by one so that a middle class holds 0; if m = 0, one white class.
    public static func diverging(_ values: [Double], count: Int = 5) -> MapClasses {
        let m = values.filter(\.isFinite).map(abs).max() ?? 0
        let count = count % 2 == 0 ? count + 1 : count
        guard m > 0, count > 1 else {
            return MapClasses(breaks: [-m, m], colors: [interpolate(divergingAnchors, at: 0.5)])
        }
        return MapClasses(breaks: equalBreaks(-m, m, count),
                          colors: (0..<count).map { interpolate(divergingAnchors, at: Double($0) / Double(count - 1)) },
                          hatched: Set((count / 2 + 1)..<count))
    }

    public func classIndex(of value: Double) -> Int {
        let last = max(colors.count - 1, 0)
        var i = 0
        while i < last, i + 1 < breaks.count, value >= breaks[i + 1] { i += 1 }
        return i
    }

    public func color(of value: Double) -> String {
        colors.isEmpty ? QuartierMap.noDataColor : colors[classIndex(of: value)]
    }

    static func equalBreaks(_ low: Double, _ high: Double, _ count: Int) -> [Double] {
        let step = (high - low) / Double(count)
        return (0..<count).map { low + Double($0) * step } + [high]
    }

    /// ColorBrewer YlOrRd (5 classes).
    static let sequentialAnchors = ["#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026"]
    /// ColorBrewer RdBu (7 classes), from blue to red.
    static let divergingAnchors = ["#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b"]

    /// The colour at `t` ∈ [0, 1] along `anchors`, linear in RGB.
    static func interpolate(_ anchors: [String], at t: Double) -> String {
        let rgb = anchors.map(components)
        guard rgb.count > 1 else { return anchors.first ?? "#808080" }
        let position = min(max(t, 0), 1) * Double(rgb.count - 1)
        let i = min(Int(position), rgb.count - 2)
        let f = position - Double(i)
        let mixed = (0..<3).map { UInt8((Double(rgb[i][$0]) * (1 - f) + Double(rgb[i + 1][$0]) * f).rounded()) }
        return "#" + mixed.hex
    }

    static func components(_ hex: String) -> [Int] {
        let value = Int(hex.dropFirst(), radix: 16) ?? 0x808080
        return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff]
    }
}

/// A choropleth map of quartiers, north up: one `<path data-quartier data-class>` per quartier
/// filled by its class colour (hatched grey « pas de donnée » without value), highlighted
/// quartiers outlined thick and dark, names at centroids, a legend, a north arrow and the title.
public enum QuartierMap {
    static let noDataColor = "#d9d9d9"

    /// `values`: quartier id → value (nil or absent: "pas de donnée", drawn hatched/grey). `labels`: quartier id → name written at the centroid.
    /// `highlightLabel` is the legend's words for the thick outline (shown only when something is highlighted).
    /// `links`: quartier id → the address its shape links to (the web map; none in bulletins).
    /// `keyTitle` heads the key of the numbered markers (« Communes » on the departmental map).
    public static func svg(shapes: [QuartierShape], values: [String: Double?], labels: [String: String], classes: MapClasses,
                           title: String, legendTitle: String, valueFormat: (Double) -> String,
                           highlight: Set<String> = [], width: Int = 760, height: Int = 560,
                           highlightLabel: String = "hausse significative", links: [String: String] = [:],
                           keyTitle: String = "Quartiers") -> String {
        let w = Double(max(width, 1)), h = Double(max(height, 1))
        let legendWidth = min(210, w / 3)
        let area = (x0: 12.0, y0: 40.0, x1: w - legendWidth - 4, y1: h - 12)
        let projection = Projection(shapes: shapes, area: area)

        func value(of id: String) -> Double? {
            guard let v = values[id] ?? nil, v.isFinite else { return nil }
            return v
        }
        let drawn = shapes.filter { $0.rings.contains { !$0.isEmpty } }
        let anyMissing = drawn.contains { value(of: $0.quartier) == nil }
        let anyHighlight = drawn.contains { highlight.contains($0.quartier) }
        let patternID = "vigie-nodata-" + String(fnv1a(title + "\u{1F}" + legendTitle), radix: 16)
        let hatchID = "vigie-hatch-" + String(fnv1a(title + "\u{1F}" + legendTitle), radix: 16)

        var out = SVG.open(width: width, height: height, label: title)
        if !classes.hatched.isEmpty {
            // A dark and a white line side by side: the hatching shows on light and dark classes alike.
            out += "<defs><pattern id=\"\(hatchID)\" width=\"7\" height=\"7\" patternUnits=\"userSpaceOnUse\" "
                + "patternTransform=\"rotate(-45)\"><line x1=\"1\" y1=\"0\" x2=\"1\" y2=\"7\" stroke=\"#000000\" stroke-width=\"1.4\" "
                + "stroke-opacity=\"0.6\"/><line x1=\"3.5\" y1=\"0\" x2=\"3.5\" y2=\"7\" stroke=\"#ffffff\" stroke-width=\"1.6\" "
                + "stroke-opacity=\"0.9\"/></pattern></defs>"
        }
        if anyMissing {
            out += "<defs><pattern id=\"\(patternID)\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
                + "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"\(noDataColor)\"/>"
                + "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#9e9e9e\" stroke-width=\"1.5\"/></pattern></defs>"
        }
        out += "<text x=\"12\" y=\"24\" font-size=\"15\" font-weight=\"bold\" fill=\"#222\">\(SVG.escape(title))</text>"

        // Quartiers; highlighted ones last so that their outline is not covered by neighbours'.
        let ordered = drawn.filter { !highlight.contains($0.quartier) } + drawn.filter { highlight.contains($0.quartier) }
        for shape in ordered {
            let id = shape.quartier
            let name = labels[id] ?? id
            let d = shape.rings.filter { !$0.isEmpty }.map { ring in
                "M" + openRing(ring).map { p in
                    let (x, y) = projection.point(p)
                    return "\(SVG.number(x)) \(SVG.number(y))"
                }.joined(separator: " L") + " Z"
            }.joined(separator: " ")
            let fill: String, dataClass: String, valueText: String
            var hatched = false
            if let v = value(of: id) {
                hatched = classes.hatched.contains(classes.classIndex(of: v))
                let index = classes.classIndex(of: v)
                fill = classes.color(of: v)
                dataClass = String(index)
                valueText = valueFormat(v)
            } else {
                fill = "url(#\(patternID))"
                dataClass = "none"
                valueText = "pas de donnée"
            }
            let stroke = highlight.contains(id)
                ? "stroke=\"#1a1a1a\" stroke-width=\"3\" data-highlight=\"true\""
                : "stroke=\"#ffffff\" stroke-width=\"1\""
            if let link = links[id] { out += "<a href=\"\(SVG.escape(link))\" aria-label=\"\(SVG.escape(name)) : \(SVG.escape(valueText))\">" }
            out += "<path d=\"\(d)\" fill=\"\(fill)\" fill-rule=\"evenodd\" \(stroke) stroke-linejoin=\"round\" "
                + "data-quartier=\"\(SVG.escape(id))\" data-class=\"\(dataClass)\">"
                + "<title>\(SVG.escape(name)) : \(SVG.escape(valueText))</title></path>"
            if hatched { out += "<path d=\"\(d)\" fill=\"url(#\(hatchID))\" fill-rule=\"evenodd\" stroke=\"none\" data-hatch=\"true\"/>" }
            if links[id] != nil { out += "</a>" }
        }

        // Numbered markers instead of names (names overlap where quartiers are small), each at
        // its quartier's label point or, when that spot is taken, moved to the nearest free
        // one with a leader line; the key beside the map gives each number its name.
        let numbered = drawn.filter { labels[$0.quartier] != nil }
            .sorted { (labels[$0.quartier] ?? "", $0.quartier) < (labels[$1.quartier] ?? "", $1.quartier) }
        let markers = placeMarkers(numbered.compactMap { projection.labelPoint($0) }, radius: markerRadius,
                                   bounds: (area.x0, area.y0, area.x1, area.y1))
        // On a linked map, clicks go through the markers to the quartier beneath.
        if !links.isEmpty { out += "<g pointer-events=\"none\">" }
        for (i, marker) in markers.enumerated() {
            if marker.moved {
                out += "<line x1=\"\(SVG.number(marker.anchor.0))\" y1=\"\(SVG.number(marker.anchor.1))\" "
                    + "x2=\"\(SVG.number(marker.at.0))\" y2=\"\(SVG.number(marker.at.1))\" stroke=\"#1a1a1a\" stroke-width=\"0.8\"/>"
                    + "<circle cx=\"\(SVG.number(marker.anchor.0))\" cy=\"\(SVG.number(marker.anchor.1))\" r=\"1.5\" fill=\"#1a1a1a\"/>"
            }
            out += "<circle cx=\"\(SVG.number(marker.at.0))\" cy=\"\(SVG.number(marker.at.1))\" r=\"\(SVG.number(markerRadius))\" "
                + "fill=\"#ffffff\" stroke=\"#1a1a1a\" stroke-width=\"1\" data-marker=\"\(i + 1)\"/>"
                + "<text x=\"\(SVG.number(marker.at.0))\" y=\"\(SVG.number(marker.at.1 + 3.5))\" font-size=\"9.5\" font-weight=\"bold\" "
                + "text-anchor=\"middle\" fill=\"#1a1a1a\">\(i + 1)</text>"
        }
        if !links.isEmpty { out += "</g>" }

        // Legend: highest class on top.
        let lx = w - legendWidth + 8
        var y = 52.0
        for line in wrap(legendTitle, width: max(10, Int(legendWidth / 6.5))) {
            out += "<text x=\"\(SVG.number(lx))\" y=\"\(SVG.number(y))\" font-size=\"12\" font-weight=\"bold\" fill=\"#222\">\(SVG.escape(line))</text>"
            y += 15
        }
        y += 2
        func row(_ swatch: String, _ text: String, hatched: Bool = false) {
            out += "<rect x=\"\(SVG.number(lx))\" y=\"\(SVG.number(y))\" width=\"14\" height=\"14\" \(swatch)/>"
            if hatched { out += "<rect x=\"\(SVG.number(lx))\" y=\"\(SVG.number(y))\" width=\"14\" height=\"14\" fill=\"url(#\(hatchID))\" stroke=\"none\"/>" }
            out += "<text x=\"\(SVG.number(lx + 20))\" y=\"\(SVG.number(y + 11))\" font-size=\"11\" fill=\"#222\">\(SVG.escape(text))</text>"
            y += 20
        }
        for i in stride(from: classes.count - 1, through: 0, by: -1) where i + 1 < classes.breaks.count {
            row("fill=\"\(classes.colors[i])\" stroke=\"#888\" stroke-width=\"0.5\"",
                "\(valueFormat(classes.breaks[i])) – \(valueFormat(classes.breaks[i + 1]))", hatched: classes.hatched.contains(i))
        }
        if anyMissing { row("fill=\"url(#\(patternID))\" stroke=\"#888\" stroke-width=\"0.5\"", "pas de donnée") }
        if anyHighlight { row("fill=\"none\" stroke=\"#1a1a1a\" stroke-width=\"2.5\"", highlightLabel) }

        // The key of the numbered markers, under the legend.
        if !numbered.isEmpty {
            y += 8
            out += "<text x=\"\(SVG.number(lx))\" y=\"\(SVG.number(y + 10))\" font-size=\"11\" font-weight=\"bold\" fill=\"#222\">\(SVG.escape(keyTitle))</text>"
            y += 16
            for (i, shape) in numbered.enumerated() {
                out += "<text x=\"\(SVG.number(lx + 14))\" y=\"\(SVG.number(y + 9))\" font-size=\"9.5\" font-weight=\"bold\" text-anchor=\"end\" fill=\"#222\">\(i + 1)</text>"
                out += "<text x=\"\(SVG.number(lx + 19))\" y=\"\(SVG.number(y + 9))\" font-size=\"9.5\" fill=\"#222\">\(SVG.escape(labels[shape.quartier] ?? ""))</text>"
                y += 12.5
            }
        }

        // North arrow in the top left corner of the map.
        let nx = area.x0 + 10, ny = area.y0 + 14
        out += "<g class=\"north\"><polygon points=\"\(SVG.number(nx)),\(SVG.number(ny)) \(SVG.number(nx - 7)),\(SVG.number(ny + 20)) "
            + "\(SVG.number(nx)),\(SVG.number(ny + 15)) \(SVG.number(nx + 7)),\(SVG.number(ny + 20))\" fill=\"#222\"/>"
            + "<text x=\"\(SVG.number(nx))\" y=\"\(SVG.number(ny - 4))\" font-size=\"12\" font-weight=\"bold\" "
            + "text-anchor=\"middle\" fill=\"#222\">N</text></g>"
        return out + "</svg>"
    }

    static let markerRadius = 7.0

    /// A marker: where it is drawn, the point it stands for, and whether it had to move.
    struct Marker { var at: (Double, Double); var anchor: (Double, Double); var moved: Bool }

    /// Places one circle of `radius` per point, in order, none overlapping another: a point
    /// whose spot is taken goes to the nearest free spot on rings around it (8, then 16
    /// directions…), inside `bounds` when possible. Always ends: the rings grow without limit.
    static func placeMarkers(_ points: [(Double, Double)], radius: Double,
                             bounds: (Double, Double, Double, Double)) -> [Marker] {
        var placed: [Marker] = []
        let gap = 2 * radius + 1
        func free(_ p: (Double, Double)) -> Bool {
            placed.allSatisfy { hypot($0.at.0 - p.0, $0.at.1 - p.1) >= gap }
        }
        func inside(_ p: (Double, Double)) -> Bool {
            p.0 >= bounds.0 + radius && p.0 <= bounds.2 - radius && p.1 >= bounds.1 + radius && p.1 <= bounds.3 - radius
        }
        for point in points {
            var spot: (Double, Double)? = free(point) ? point : nil
            var ring = 1
            while spot == nil {
                let distance = Double(ring) * gap
                let steps = 8 * ring
                let candidates = (0..<steps).map { k -> (Double, Double) in
                    let angle = Double(k) / Double(steps) * 2 * .pi
                    return (point.0 + distance * cos(angle), point.1 + distance * sin(angle))
                }
                spot = candidates.first { free($0) && inside($0) } ?? (ring > 40 ? candidates.first(where: free) : nil)
                ring += 1
            }
            let at = spot ?? point
            placed.append(Marker(at: at, anchor: point, moved: at.0 != point.0 || at.1 != point.1))
        }
        return placed
    }

    /// A ring without its closing point (GeoJSON repeats the first point at the end).
    static func openRing(_ ring: [QuartierShape.Point]) -> [QuartierShape.Point] {
        guard ring.count > 1, let first = ring.first, ring.last == first else { return ring }
        return Array(ring.dropLast())
    }

    /// Words of `text` gathered into lines of at most `width` characters (a longer word stays whole).
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    /// A stable hash, so that the same map always gets the same pattern id.
    static func fnv1a(_ text: String) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return hash
    }

    /// Equirectangular projection (x scaled by cos of the mean latitude), north up, fitted with a
    /// margin into the drawing area and centred, keeping the aspect ratio.
    struct Projection {
        var kx = 1.0, minX = 0.0, maxLat = 0.0, scale = 1.0, originX = 0.0, originY = 0.0

        init(shapes: [QuartierShape], area: (x0: Double, y0: Double, x1: Double, y1: Double)) {
            let points = shapes.flatMap { $0.rings.flatMap { $0 } }.filter { $0.lon.isFinite && $0.lat.isFinite }
            guard let minLon = points.map(\.lon).min(), let maxLon = points.map(\.lon).max(),
                  let minLat = points.map(\.lat).min(), let maxLat = points.map(\.lat).max() else { return }
            kx = cos((minLat + maxLat) / 2 * .pi / 180)
            minX = minLon * kx
            self.maxLat = maxLat
            let margin = 8.0
            let areaWidth = max(area.x1 - area.x0 - 2 * margin, 1), areaHeight = max(area.y1 - area.y0 - 2 * margin, 1)
            let spanX = (maxLon - minLon) * kx, spanY = maxLat - minLat
            let sx = spanX > 0 ? areaWidth / spanX : .infinity, sy = spanY > 0 ? areaHeight / spanY : .infinity
            scale = min(sx, sy).isFinite ? min(sx, sy) : 1
            originX = area.x0 + margin + (areaWidth - spanX * scale) / 2
            originY = area.y0 + margin + (areaHeight - spanY * scale) / 2
        }

        func point(_ p: QuartierShape.Point) -> (Double, Double) {
            (originX + (p.lon * kx - minX) * scale, originY + (maxLat - p.lat) * scale)
        }

        /// The vertex average of the largest ring of `shape`, projected.
        func labelPoint(_ shape: QuartierShape) -> (Double, Double)? {
            let rings = shape.rings.map { QuartierMap.openRing($0).map(point) }.filter { !$0.isEmpty }
            guard let ring = rings.max(by: { area($0) < area($1) }) else { return nil }
            let n = Double(ring.count)
            return (ring.map(\.0).reduce(0, +) / n, ring.map(\.1).reduce(0, +) / n)
        }

        func area(_ ring: [(Double, Double)]) -> Double {
            var sum = 0.0
            for i in ring.indices {
                let a = ring[i], b = ring[(i + 1) % ring.count]
                sum += a.0 * b.1 - b.0 * a.1
            }
            return abs(sum) / 2
        }
    }
}
