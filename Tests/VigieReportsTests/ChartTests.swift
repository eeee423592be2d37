import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
import VigieConfig
import VigieCore
import VigieReports

/// The elements of a parsed SVG document, in document order, with their attributes and text.
final class ParsedSVG: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
        var text: String
    }

    private(set) var elements: [Element] = []
    private var open: [Int] = []

    /// Parses `svg` with Foundation's XMLParser; fails the test (and returns nil) if it is not well-formed XML.
    static func parse(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> ParsedSVG? {
        let document = ParsedSVG()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = document
        guard parser.parse() else {
            XCTFail("SVG is not valid XML: \(String(describing: parser.parserError))\n\(svg)", file: file, line: line)
            return nil
        }
        return document
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributeDict, text: ""))
        open.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if let i = open.last { elements[i].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        open.removeLast()
    }

    func all(_ name: String) -> [Element] { elements.filter { $0.name == name } }
}

final class ChartTests: XCTestCase {
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    // MARK: - Helpers

    /// Checks what every chart promises: parses as XML, root `svg` with a viewBox, the SVG
    /// namespace, no NaN or infinity, nothing fetched from outside.
    @discardableResult
    func checkDocument(_ svg: String, file: StaticString = #filePath, line: UInt = #line) -> ParsedSVG? {
        guard let document = ParsedSVG.parse(svg, file: file, line: line) else { return nil }
        XCTAssertEqual(document.elements.first?.name, "svg", file: file, line: line)
        XCTAssertNotNil(document.elements.first?.attributes["viewBox"], file: file, line: line)
        XCTAssertTrue(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""), file: file, line: line)
        let lower = svg.lowercased()
        for external in ["href", "@import", "url(http", "<image", "@font-face"] {
            XCTAssertFalse(lower.contains(external), "found « \(external) »", file: file, line: line)
        }
        // Geometry is plain numbers: no NaN, no infinity, no exponent.
        let geometry: Set<String> = ["x", "y", "width", "height", "cx", "cy", "r", "x1", "y1", "x2", "y2", "points", "d"]
        for element in document.elements {
            for (name, value) in element.attributes where geometry.contains(name) {
                XCTAssertNotNil(value.wholeMatch(of: /[-0-9., MLZ]*/), "\(element.name) \(name)=\"\(value)\"", file: file, line: line)
            }
        }
        return document
    }

    /// "x1,y1 x2,y2" → points.
    func points(_ polyline: ParsedSVG.Element) -> [(x: Double, y: Double)] {
        (polyline.attributes["points"] ?? "").split(separator: " ").compactMap { pair in
            let xy = pair.split(separator: ",").compactMap { Double($0) }
            return xy.count == 2 ? (xy[0], xy[1]) : nil
        }
    }

    /// The coordinates of a path made of M, L and Z commands.
    func pathPoints(_ d: String) -> [(x: Double, y: Double)] {
        let numbers = d.split(whereSeparator: { "MLZ ".contains($0) }).compactMap { Double($0) }
        return stride(from: 0, to: numbers.count - 1, by: 2).map { (numbers[$0], numbers[$0 + 1]) }
    }

    func double(_ element: ParsedSVG.Element, _ attribute: String) -> Double {
        Double(element.attributes[attribute] ?? "") ?? .nan
    }

    // MARK: - Shared helpers

    func testFormattingHelpers() {
        XCTAssertEqual(SVG.escape("a & b < c > \"d\" 'e'"), "a &amp; b &lt; c &gt; &quot;d&quot; &apos;e&apos;")
        XCTAssertEqual(SVG.number(12.345), "12.3")
        XCTAssertEqual(SVG.number(7.0), "7")
        XCTAssertEqual(SVG.number(-0.01), "0")
        XCTAssertEqual(SVG.number(-2.5), "-2.5")
        XCTAssertEqual(SVG.number(.nan), "0")
        XCTAssertFalse(SVG.number(1e20).contains("e"))
        XCTAssertFalse(SVG.number(1e-9).contains("e"))
        let s = SVG.thousandsSeparator
        XCTAssertEqual(SVG.french(1234), "1\(s)234")
        XCTAssertEqual(SVG.french(1_234_567), "1\(s)234\(s)567")
        XCTAssertEqual(SVG.french(999), "999")
        XCTAssertEqual(SVG.french(-1234), "\u{2212}1\(s)234")
        XCTAssertEqual(SVG.french(3.5), "3,5")
        XCTAssertEqual(SVG.french(1234.56, decimals: 1), "1\(s)234,6")
        XCTAssertEqual(SVG.french(0.04, decimals: 2), "0,04")
        XCTAssertEqual(SVG.french(-0.01), "0,0")
        XCTAssertEqual(SVG.french(2.0, decimals: 0), "2")
    }

    // MARK: - Every chart is valid XML

    func testEveryChartParsesAsXML() throws {
        let label = "Vols & <cambriolages> « l'été » \"2025\""
        let sparkline = Sparkline.svg([3, nil, 1_234, 0, 7], label: label)
        let spark = checkDocument(sparkline)
        XCTAssertEqual(spark?.all("title").first?.text.hasPrefix(label), true)
        XCTAssertEqual(spark?.elements.first?.attributes["role"], "img")
        XCTAssertEqual(spark?.elements.first?.attributes["aria-label"]?.hasPrefix(label), true)
        // The accessible name lists the values, « non reçu » for nil.
        XCTAssertEqual(spark?.all("title").first?.text.contains("non reçu"), true)
        XCTAssertEqual(spark?.all("title").first?.text.contains(SVG.french(1_234)), true)
        for values in [[], [nil, nil], [5], [0], [nil, 4, nil]] as [[Int?]] {
            checkDocument(Sparkline.svg(values, label: "série"))
        }

        checkDocument(BarChart.svg(bars: [("S1 2024 & <x>", 4), ("S2 2024", 9)], title: "Faits « constatés » & co"))
        checkDocument(BarChart.svg(bars: [], title: "vide"))
        checkDocument(BarChart.svg(bars: [("a", 0), ("b", 0)], title: "zéros"))

        let config = try Configuration.load(from: Self.packageRoot.appendingPathComponent("Config"))
        let values = Dictionary(uniqueKeysWithValues: config.shapes.enumerated().map { ($1.quartier, Optional(Double($0))) })
        checkDocument(QuartierMap.svg(shapes: config.shapes, values: values, labels: ["alf-centre": "Centre & <ville>"],
                                      classes: .sequential(values.values.compactMap { $0 }), title: "Carte & <test>",
                                      legendTitle: "Faits pour 1 000 habitants « test »", valueFormat: { SVG.french($0) }))
        checkDocument(QuartierMap.svg(shapes: [], values: [:], labels: [:], classes: .sequential([]), title: "vide",
                                      legendTitle: "rien", valueFormat: { SVG.french($0) }))
    }

    // MARK: - Sparkline

    func testSparklineGapIsAGapNotAZero() throws {
        let values: [Int?] = [3, 5, nil, 4, 6]
        let document = try XCTUnwrap(checkDocument(Sparkline.svg(values, label: "vols")))
        let lines = document.all("polyline").map(points)
        XCTAssertEqual(lines.count, 2, "a nil value splits the line in two")
        XCTAssertEqual(lines.map(\.count), [2, 2])
        guard lines.count == 2, lines[0].count == 2, lines[1].count == 2 else { return }

        // The slot of the nil value is skipped: from index 1 to index 3 is two steps of one.
        let step = lines[0][1].x - lines[0][0].x
        XCTAssertGreaterThan(step, 0)
        XCTAssertEqual(lines[1][0].x - lines[0][1].x, 2 * step, accuracy: 0.15)
        XCTAssertEqual(lines[1][1].x - lines[1][0].x, step, accuracy: 0.15)

        // The bottom line is where a zero series lies; no point of this series is there, and
        // heights above it are proportional to the values.
        let zero = try XCTUnwrap(checkDocument(Sparkline.svg([0, 0], label: "zéro")))
        let bottom = try XCTUnwrap(zero.all("polyline").first.flatMap { points($0).first?.y })
        let drawn = (lines[0] + lines[1]).map { bottom - $0.y }
        let received = values.compactMap { $0 }
        let highest = try XCTUnwrap(received.max())
        let tallest = try XCTUnwrap(drawn.max())
        for (height, value) in zip(drawn, received) {
            XCTAssertGreaterThan(height, 0, "a received value is not drawn at zero")
            XCTAssertEqual(height / tallest, Double(value) / Double(highest), accuracy: 0.02)
        }

        // The last point is marked with a dot.
        let dot = try XCTUnwrap(document.all("circle").last)
        XCTAssertEqual(double(dot, "cx"), lines[1][1].x, accuracy: 0.001)
        XCTAssertEqual(double(dot, "cy"), lines[1][1].y, accuracy: 0.001)
    }

    func testSparklineAllZeroHasNoNaN() throws {
        let svg = Sparkline.svg([0, 0, 0, 0], width: 100, height: 20, label: "rien")
        let document = try XCTUnwrap(checkDocument(svg))
        let line = try XCTUnwrap(document.all("polyline").first)
        let ys = points(line).map(\.y)
        XCTAssertEqual(ys.count, 4)
        XCTAssertEqual(Set(ys).count, 1, "a flat zero series is a flat line")
        for y in ys { XCTAssertTrue(y.isFinite && y > 10 && y <= 20, "at the bottom: \(y)") }
    }

    // MARK: - Bar chart

    func testBarChartHeightsAreProportional() throws {
        let bars: [(label: String, value: Int)] = [("S1 2023", 12), ("S2 2023", 30), ("S1 2024", 0),
                                                   ("S2 2024", 1_234), ("S1 2025", 7), ("S2 2025", 618)]
        let document = try XCTUnwrap(checkDocument(BarChart.svg(bars: bars, title: "Six derniers semestres")))
        let rects = document.all("rect")
        XCTAssertEqual(rects.count, bars.count, "one rect per bar")
        guard rects.count == bars.count else { return }

        let heights = rects.map { double($0, "height") }
        let maxValue = Double(try XCTUnwrap(bars.map(\.value).max()))
        let maxHeight = try XCTUnwrap(heights.max())
        XCTAssertGreaterThan(maxHeight, 0)
        for (height, bar) in zip(heights, bars) {
            XCTAssertEqual(height / maxHeight, Double(bar.value) / maxValue, accuracy: 0.002, bar.label)
        }
        // All bars stand on the same baseline, left to right in order.
        let bottoms = rects.map { double($0, "y") + double($0, "height") }
        for bottom in bottoms { XCTAssertEqual(bottom, bottoms[0], accuracy: 0.11) }
        let xs = rects.map { double($0, "x") }
        XCTAssertEqual(xs, xs.sorted())
        XCTAssertEqual(document.all("line").count, 1, "a baseline")

        // Labels and French-formatted values are written.
        let texts = document.all("text").map(\.text)
        for bar in bars {
            XCTAssertTrue(texts.contains(bar.label), bar.label)
            XCTAssertTrue(texts.contains(SVG.french(bar.value)), "\(bar.value)")
        }
        XCTAssertTrue(texts.contains("Six derniers semestres"))
    }

    // MARK: - Map classes

    func testSequentialClasses() {
        let values = [3.0, 12, 7, 20, 0.5, 15.5]
        let classes = MapClasses.sequential(values, count: 5)
        let top = values.max() ?? 0
        XCTAssertEqual(classes.breaks.count, 6)
        XCTAssertEqual(classes.colors.count, 5)
        let step = top / 5
        for (i, b) in classes.breaks.enumerated() {
            XCTAssertEqual(b, Double(i) * step, accuracy: 1e-9)
        }
        XCTAssertEqual(classes.classIndex(of: top), 4, "the max is in the last class")
        XCTAssertEqual(classes.classIndex(of: 0), 0, "0 is in the first class")
        for v in values {
            XCTAssertEqual(classes.classIndex(of: v), min(Int(v / step), 4), "\(v)")
            XCTAssertEqual(classes.color(of: v), classes.colors[classes.classIndex(of: v)])
        }
        for color in classes.colors {
            XCTAssertNotNil(color.wholeMatch(of: /#[0-9a-f]{6}/), color)
        }
        XCTAssertEqual(Set(classes.colors).count, 5)

        // Negative values start the scale at their minimum.
        XCTAssertEqual(MapClasses.sequential([-5, 10]).breaks.first, -5)
        // All zero: one class, no division by zero.
        let flat = MapClasses.sequential([0, 0, 0])
        XCTAssertEqual(flat.colors.count, 1)
        XCTAssertEqual(flat.breaks.count, 2)
        XCTAssertEqual(flat.classIndex(of: 0), 0)
    }

    func testDivergingClasses() {
        let values = [-8.0, 3, 10, -2, 0]
        let classes = MapClasses.diverging(values, count: 5)
        let m = values.map(abs).max() ?? 0
        XCTAssertEqual(classes.colors.count, 5)
        XCTAssertEqual(classes.breaks.count, 6)
        XCTAssertEqual(classes.breaks.first ?? 0, -m, accuracy: 1e-9)
        XCTAssertEqual(classes.breaks.last ?? 0, m, accuracy: 1e-9)
        for i in classes.breaks.indices {
            XCTAssertEqual(classes.breaks[i], -classes.breaks[classes.breaks.count - 1 - i], accuracy: 1e-9, "symmetric")
        }
        XCTAssertEqual(classes.classIndex(of: 0), 2, "0 is in the middle class")
        XCTAssertEqual(classes.classIndex(of: -m), 0)
        XCTAssertEqual(classes.classIndex(of: m), 4)

        // Blue for decreases, red for increases.
        func rgb(_ hex: String) -> [Int] {
            let v = Int(hex.dropFirst(), radix: 16) ?? 0
            return [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]
        }
        let low = rgb(classes.color(of: -m)), high = rgb(classes.color(of: m)), middle = rgb(classes.color(of: 0))
        XCTAssertGreaterThan(low[2], low[0])
        XCTAssertGreaterThan(high[0], high[2])
        XCTAssertTrue(middle.allSatisfy { $0 > 0xe0 }, "the middle class is white-ish")

        // An even count still has a middle class holding 0.
        let even = MapClasses.diverging(values, count: 4)
        XCTAssertEqual(even.colors.count % 2, 1)
        XCTAssertEqual(even.classIndex(of: 0), even.colors.count / 2)
    }

    // MARK: - Map

    func loadShapes() throws -> (shapes: [QuartierShape], names: [String: String]) {
        let config = try Configuration.load(from: Self.packageRoot.appendingPathComponent("Config"))
        var names: [String: String] = [:]
        for c in config.territory.communes { for s in c.sectors { for q in s.quartiers { names[q.id] = q.name } } }
        XCTAssertGreaterThan(config.shapes.count, 3)
        return (config.shapes, names)
    }

    func testMapColoursMatchValues() throws {
        let (shapes, names) = try loadShapes()
        // A value per quartier; the first quartier is absent, the second explicitly nil.
        var values: [String: Double?] = [:]
        for (i, shape) in shapes.enumerated().dropFirst(2) { values[shape.quartier] = Double((i * 7) % 23) + 0.25 }
        values[shapes[1].quartier] = .some(nil)
        let highlighted: Set<String> = [shapes[2].quartier]
        let classes = MapClasses.sequential(values.values.compactMap { $0 })
        let svg = QuartierMap.svg(shapes: shapes, values: values, labels: names, classes: classes,
                                  title: "Atteintes aux biens", legendTitle: "Faits pour 1 000 habitants",
                                  valueFormat: { SVG.french($0) }, highlight: highlighted)
        let document = try XCTUnwrap(checkDocument(svg))

        let paths = document.all("path").filter { $0.attributes["data-quartier"] != nil }
        XCTAssertEqual(paths.count, shapes.count, "one path per quartier")
        for shape in shapes {
            let matching = paths.filter { $0.attributes["data-quartier"] == shape.quartier }
            XCTAssertEqual(matching.count, 1, shape.quartier)
            guard let path = matching.first else { continue }
            XCTAssertEqual(path.attributes["fill-rule"], "evenodd")
            if let value = values[shape.quartier] ?? nil {
                let index = classes.classIndex(of: value)
                XCTAssertEqual(path.attributes["data-class"], String(index), shape.quartier)
                XCTAssertEqual(path.attributes["fill"], classes.colors[index], shape.quartier)
            } else {
                XCTAssertEqual(path.attributes["data-class"], "none", shape.quartier)
                XCTAssertNotEqual(path.attributes["fill"].map { classes.colors.contains($0) }, true)
            }
            XCTAssertEqual(path.attributes["data-highlight"] == "true", highlighted.contains(shape.quartier), shape.quartier)
        }
        // Each path's tooltip names the quartier.
        let titles = document.all("title").map(\.text)
        for shape in shapes {
            let name = names[shape.quartier] ?? shape.quartier
            XCTAssertTrue(titles.contains { $0.hasPrefix(name + " : ") }, name)
        }

        let texts = document.all("text").map(\.text)
        XCTAssertTrue(texts.contains("pas de donnée"), "legend entry for missing values")
        XCTAssertTrue(texts.contains("N"), "north arrow")
        XCTAssertTrue(texts.contains("Atteintes aux biens"))
        for i in 0..<classes.colors.count {
            XCTAssertTrue(texts.contains("\(SVG.french(classes.breaks[i])) – \(SVG.french(classes.breaks[i + 1]))"), "legend class \(i)")
        }
        let swatches = Set(document.all("rect").compactMap { $0.attributes["fill"] })
        XCTAssertTrue(Set(classes.colors).isSubset(of: swatches), "one swatch per class")
        for id in Set(shapes.map(\.quartier)) { if let name = names[id] { XCTAssertTrue(texts.contains(name), name) } }

        // Without a missing value there is no « pas de donnée » entry.
        let full = Dictionary(uniqueKeysWithValues: shapes.map { ($0.quartier, Optional(1.0)) })
        let complete = try XCTUnwrap(checkDocument(QuartierMap.svg(
            shapes: shapes, values: full, labels: names, classes: .sequential([1]), title: "t", legendTitle: "l",
            valueFormat: { SVG.french($0) })))
        XCTAssertFalse(complete.all("text").map(\.text).contains("pas de donnée"))
    }

    func testMapIsNorthUpAndKeepsProportions() throws {
        let (shapes, _) = try loadShapes()
        let values = Dictionary(uniqueKeysWithValues: shapes.map { ($0.quartier, Optional(1.0)) })
        let width = 560, height = 560
        let document = try XCTUnwrap(checkDocument(QuartierMap.svg(
            shapes: shapes, values: values, labels: [:], classes: .sequential([1]), title: "t", legendTitle: "l",
            valueFormat: { SVG.french($0) }, width: width, height: height)))
        var drawn: [String: [(x: Double, y: Double)]] = [:]
        for path in document.all("path") {
            if let id = path.attributes["data-quartier"] { drawn[id] = pathPoints(path.attributes["d"] ?? "") }
        }
        func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(max(xs.count, 1)) }
        /// The vertices of a shape without the closing points GeoJSON repeats.
        func vertices(_ shape: QuartierShape) -> [QuartierShape.Point] {
            shape.rings.flatMap { ring in ring.count > 1 && ring.first == ring.last ? Array(ring.dropLast()) : ring }
        }

        var compared = 0
        for a in shapes {
            for b in shapes where a.quartier != b.quartier {
                guard let pa = drawn[a.quartier], let pb = drawn[b.quartier] else {
                    XCTFail("missing path")
                    continue
                }
                XCTAssertEqual(pa.count, vertices(a).count, a.quartier)
                let latA = mean(vertices(a).map(\.lat)), latB = mean(vertices(b).map(\.lat))
                let lonA = mean(vertices(a).map(\.lon)), lonB = mean(vertices(b).map(\.lon))
                if latA > latB + 1e-9 {
                    XCTAssertLessThan(mean(pa.map(\.y)), mean(pb.map(\.y)), "\(a.quartier) is north of \(b.quartier)")
                    compared += 1
                }
                if lonA > lonB + 1e-9 {
                    XCTAssertGreaterThan(mean(pa.map(\.x)), mean(pb.map(\.x)), "\(a.quartier) is east of \(b.quartier)")
                }
            }
        }
        XCTAssertGreaterThan(compared, 0)

        // Everything is inside the drawing, and the aspect ratio is kept: the drawn extent's
        // width / height equals the territory's Δlon·cos(mean lat) / Δlat.
        let all = shapes.flatMap(vertices)
        let minLat = all.map(\.lat).min() ?? 0, maxLat = all.map(\.lat).max() ?? 0
        let minLon = all.map(\.lon).min() ?? 0, maxLon = all.map(\.lon).max() ?? 0
        let expected = (maxLon - minLon) * cos((minLat + maxLat) / 2 * .pi / 180) / (maxLat - minLat)
        let xy = drawn.values.flatMap { $0 }
        let xs = xy.map(\.x), ys = xy.map(\.y)
        let minX = xs.min() ?? 0, maxX = xs.max() ?? 0, minY = ys.min() ?? 0, maxY = ys.max() ?? 0
        XCTAssertGreaterThanOrEqual(minX, 0)
        XCTAssertGreaterThanOrEqual(minY, 0)
        XCTAssertLessThanOrEqual(maxX, Double(width))
        XCTAssertLessThanOrEqual(maxY, Double(height))
        XCTAssertEqual((maxX - minX) / (maxY - minY), expected, accuracy: expected * 0.01)
        XCTAssertGreaterThan(maxY - minY, Double(height) / 3, "the map fills the drawing")
    }
}

extension ChartTests {
    /// Labels too long for their column (a request's categories) turn the chart horizontal: no two
    /// labels share a line, each bar keeps its proportion, and every label is whole in its bar's title.
    func testLongLabelsTurnTheBarsHorizontalWithoutOverlap() throws {
        let bars: [(label: String, value: Int)] = [("Incendies", 36), ("Violences aux personnes", 19), ("Vols et cambriolages", 19),
                                                   ("Violences intrafamiliales", 12), ("Vols avec armes et vols violents", 12),
                                                   ("Destructions et dégradations", 8)]
        let document = try XCTUnwrap(checkDocument(BarChart.svg(bars: bars, title: "Total par catégorie")))
        let rects = document.all("rect")
        XCTAssertEqual(rects.count, bars.count)
        let ys = rects.map { double($0, "y") }
        XCTAssertEqual(Set(ys).count, bars.count, "one row per bar")
        XCTAssertEqual(zip(ys, ys.dropFirst()).filter { $0 >= $1 }.count, 0, "rows top to bottom in order")
        let widths = rects.map { double($0, "width") }
        let maxWidth = try XCTUnwrap(widths.max())
        for (width, bar) in zip(widths, bars) {
            XCTAssertEqual(width / maxWidth, Double(bar.value) / 36, accuracy: 0.002, bar.label)
        }
        let titles = document.all("title").map(\.text)
        for bar in bars { XCTAssertTrue(titles.contains("\(bar.label) : \(bar.value)"), bar.label) }
        let labels = document.all("text").filter { $0.attributes["text-anchor"] == "end" }
        XCTAssertEqual(Set(labels.map { double($0, "y") }).count, bars.count, "each label on its own row")
    }
}
