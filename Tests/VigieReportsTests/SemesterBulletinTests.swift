import Foundation
import VigieCore
import VigieReports
import XCTest

/// The semester study and the diagnostic, from files written here and loaded for real.
final class SemesterBulletinTests: XCTestCase {
    /// Police municipale of Créteil: March 2025, 10 in Palais; March 2026, 30 in Palais,
    /// 10 in Mont-Mesly, 5 at L'Échat.
    static let march2026 = [("Place Salvador Allende", "cre-palais", 30), ("3 rue Albert Doyen", "cre-mont-mesly", 10),
                            ("Rue Juliette Savar", "cre-echat", 5)]

    func fixture() throws -> ReportsFixture {
        let f = try ReportsFixture()
        try f.load("pm_94028_2025-03.csv", partner: "mairie-creteil", feed: "police-municipale",
                   [ReportsFixture.pmHeader] + ReportsFixture.policeMunicipale(10, year: 2025, month: 3, address: "Place Salvador Allende"))
        try f.load("pm_94028_2026-03.csv", partner: "mairie-creteil", feed: "police-municipale",
                   [ReportsFixture.pmHeader] + Self.march2026.flatMap { ReportsFixture.policeMunicipale($0.2, year: 2026, month: 3, address: $0.0) })
        return f
    }

    func testTheMapColoursEachQuartierByItsRate() throws {
        let f = try fixture()
        let semester = try SemesterBulletin.build(semester: .semester(2026, 1), context: f.context)
        let quartiers = f.config.territory.communes.flatMap(\.sectors).flatMap(\.quartiers)
        // Rates per 1,000 inhabitants computed here from the files and territory.yaml; five
        // equal classes from 0 to the highest rate.
        var rates: [String: Double] = [:]
        for q in quartiers { rates[q.id] = 0 }
        for (_, id, n) in Self.march2026 {
            let population = try XCTUnwrap(quartiers.first { $0.id == id }?.population)
            rates[id] = Double(n) * 1000 / Double(population)
        }
        let top = try XCTUnwrap(rates.values.max())
        func expectedClass(_ rate: Double) -> Int { min(Int(rate / (top / 5)), 4) }

        let drawn = Self.classes(in: semester.rateMap)
        XCTAssertEqual(Set(drawn.keys), Set(f.config.shapes.map(\.quartier)))
        for (id, rate) in rates where drawn[id] != nil {
            XCTAssertEqual(drawn[id], String(expectedClass(rate)), "\(id): rate \(rate)")
        }
        XCTAssertEqual(drawn["cre-palais"], "4")
        // The table beside the map says the same classes (1-based in the CSV).
        let table = try XCTUnwrap(semester.csvTables.first { $0.name == "quartiers" })
        let palais = try XCTUnwrap(table.rows.first { $0[0] == "Palais" })
        XCTAssertEqual(palais[3], "30")
        XCTAssertEqual(palais[4], "10")
        XCTAssertEqual(palais[8], "5")

        // Palais 10 → 30 and Mont-Mesly 0 → 10 are significant by the exact test (p < 0.01, computed
        // here from binomial tails); L'Échat 0 → 5 is not (p = 2/32): listed and outlined on the map.
        XCTAssertLessThan(ComparisonTests.exactP(30, 10), 0.01)
        XCTAssertLessThan(ComparisonTests.exactP(10, 0), 0.01)
        XCTAssertGreaterThan(ComparisonTests.exactP(5, 0), 0.05)
        XCTAssertEqual(Set(semester.significantIncreases.map { String($0.prefix { $0 != ":" }) }),
                       ["Palais (Créteil) ", "Mont-Mesly (Créteil) "])
        XCTAssertTrue(semester.rateMap.contains("data-highlight=\"true\""))
    }

    /// The study summarises the selected faits marquants (by category, by quartier, a handful of
    /// examples) and writes every one of them in the CSV annex it names.
    func testTheFaitsMarquantsAreSummarisedAndAllInTheAnnex() throws {
        let f = try ReportsFixture()
        // Weeks 2 to 25 of 2026: two car fires a week (arson is serious: all selected), one in
        // Mont-Mesly and one in Palais; three lone burglaries at L'Échat, weeks apart (not selected).
        for week in 2...25 {
            let monday = Period.isoWeek(2026, week).start
            var rows = [ReportsFixture.faitsHeader,
                        [monday.adding(days: 1).french, "22:00", "Créteil", "12 Rue Albert Doyen", "Incendie de véhicule", "Véhicule incendié", "non", "F\(week)a"],
                        [monday.adding(days: 3).french, "23:00", "Créteil", "Place Salvador Allende", "Incendie de véhicule", "Véhicule incendié", "non", "F\(week)b"]]
            if [3, 10, 18].contains(week) {
                rows.append([monday.adding(days: 2).french, "10:00", "Créteil", "Rue Juliette Savar", "Cambriolage", "Appartement visité", "non", "C\(week)"])
            }
            try f.load("faits-marquants_2026-W\(week < 10 ? "0" : "")\(week).csv", partner: "police-nationale", feed: "faits-marquants", rows)
        }
        // What the store holds for the semester: every fire is selected, no burglary is.
        let s1 = Period.semester(2026, 1)
        let stored = try f.observatory.store.incidents(from: s1.start, to: s1.end, commune: "94028")
        let fires = stored.filter { $0.category == "incendies" }
        XCTAssertEqual(fires.count, 48)
        XCTAssertEqual(stored.count - fires.count, 3)

        let semester = try SemesterBulletin.build(semester: s1, context: f.context)
        XCTAssertEqual(semester.faitsMarquants.count, fires.count)
        XCTAssertEqual(semester.faitsByCategory.rows.map(\.cells), [["Incendies"]])
        XCTAssertEqual(semester.faitsByCategory.rows.map(\.count), [String(fires.count)])
        let byQuartier = Dictionary(uniqueKeysWithValues: semester.faitsByQuartier.rows.map { ($0.cells.joined(separator: "/"), $0.count) })
        XCTAssertEqual(byQuartier, ["Créteil/Mont-Mesly": "24", "Créteil/Palais": "24"])
        XCTAssertFalse(semester.faitsExamples.isEmpty)
        XCTAssertLessThanOrEqual(semester.faitsExamples.count, 8)

        // The annex holds one row per selected fait, each with its own file and row.
        let annex = try XCTUnwrap(semester.csvTables.first { $0.name == "faits-marquants" })
        XCTAssertEqual(annex.rows.count, fires.count)
        let provenance = try XCTUnwrap(annex.header.firstIndex(of: "provenance"))
        XCTAssertEqual(Set(annex.rows.map { $0[provenance] }).count, fires.count)
        XCTAssertEqual(Set(fires.map { "\($0.fileName), ligne \($0.sourceRow)" }), Set(annex.rows.map { $0[provenance] }))

        // Written: the annex sits beside the HTML, which names it and shows only the examples.
        let files = try BulletinWriter(context: f.context, directory: f.directory.appendingPathComponent("s")).write(semester)
        let html = try String(contentsOf: files[0], encoding: .utf8)
        XCTAssertTrue(files.contains { $0.lastPathComponent == "semester_2026-S1_faits-marquants.csv" })
        XCTAssertTrue(html.contains("semester_2026-S1_faits-marquants.csv"))
        XCTAssertEqual(html.components(separatedBy: "class=\"entry\"").count - 1, semester.faitsExamples.count)
        let csv = try String(contentsOf: f.directory.appendingPathComponent("s/semester_2026-S1_faits-marquants.csv"), encoding: .utf8)
        XCTAssertEqual(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count, 1 + fires.count)
    }

    /// On the maps, no two quartier markers overlap, every quartier has one, and the key names them.
    func testMapMarkersNeverOverlapAndTheKeyNamesEveryQuartier() throws {
        let f = try fixture()
        let semester = try SemesterBulletin.build(semester: .semester(2026, 1), context: f.context)
        let names = f.config.territory.communes.flatMap(\.sectors).flatMap(\.quartiers).map(\.name)
        for map in [semester.rateMap, semester.changeMap] {
            let circle = try NSRegularExpression(pattern: "<circle cx=\"([0-9.-]+)\" cy=\"([0-9.-]+)\" r=\"([0-9.]+)\"[^>]*data-marker=\"([0-9]+)\"")
            let markers = circle.matches(in: map, range: NSRange(map.startIndex..., in: map)).map { m -> (x: Double, y: Double, r: Double) in
                func group(_ i: Int) -> Double { Double((map as NSString).substring(with: m.range(at: i))) ?? .nan }
                return (group(1), group(2), group(3))
            }
            XCTAssertEqual(markers.count, f.config.shapes.count)
            for i in markers.indices {
                for j in markers.indices where j > i {
                    let distance = hypot(markers[i].x - markers[j].x, markers[i].y - markers[j].y)
                    XCTAssertGreaterThanOrEqual(distance, markers[i].r + markers[j].r, "markers \(i + 1) and \(j + 1) overlap")
                }
            }
            for name in names where f.config.shapes.count == names.count { XCTAssertTrue(map.contains(">\(SVG.escape(name))</text>") || map.contains(">\(SVG.escape(name)) ("), name) }
        }
        // Five classes from −3 to +3: the two above the middle one (which holds 0) are increases, hatched.
        XCTAssertEqual(MapClasses.diverging([-3, 1, 3]).hatched, [3, 4])
        // Increases are hatched on the change map, in the legend too.
        XCTAssertTrue(semester.changeMap.contains("data-hatch=\"true\"") || !semester.changeMap.contains("+"), "hatched increases")
    }

    /// Seven quartiers whose label points fall on the same spot (a large one and six tiny ones
    /// in its middle): seven numbered markers, none overlapping, six moved with a leader line,
    /// all inside the drawing.
    func testCrowdedMarkersAreMovedApartWithLeaderLines() throws {
        func square(_ id: String, _ lon: Double, _ lat: Double, _ size: Double) -> QuartierShape {
            QuartierShape(quartier: id, rings: [[.init(lon: lon, lat: lat), .init(lon: lon + size, lat: lat), .init(lon: lon + size, lat: lat + size),
                                                 .init(lon: lon, lat: lat + size), .init(lon: lon, lat: lat)]])
        }
        var shapes = [square("grand", 2.40, 48.70, 0.05)]
        for i in 0..<6 { shapes.append(square("petit-\(i)", 2.4245 + Double(i % 3) * 0.0003, 48.7245 + Double(i / 3) * 0.0003, 0.0002)) }
        let names = Dictionary(uniqueKeysWithValues: shapes.map { ($0.quartier, "Quartier \($0.quartier)") })
        let values = Dictionary(uniqueKeysWithValues: shapes.map { ($0.quartier, Optional(1.0)) })
        let svg = QuartierMap.svg(shapes: shapes, values: values, labels: names, classes: .sequential([1]), title: "t", legendTitle: "l",
                                  valueFormat: { SVG.french($0) }, width: 760, height: 560)
        let circle = try NSRegularExpression(pattern: "<circle cx=\"([0-9.-]+)\" cy=\"([0-9.-]+)\" r=\"([0-9.]+)\"[^>]*data-marker=")
        let markers = circle.matches(in: svg, range: NSRange(svg.startIndex..., in: svg)).map { m -> (x: Double, y: Double, r: Double) in
            func group(_ i: Int) -> Double { Double((svg as NSString).substring(with: m.range(at: i))) ?? .nan }
            return (group(1), group(2), group(3))
        }
        XCTAssertEqual(markers.count, 7)
        for i in markers.indices {
            XCTAssertTrue(markers[i].x > 0 && markers[i].x < 760 && markers[i].y > 0 && markers[i].y < 560, "\(markers[i])")
            for j in markers.indices where j > i {
                XCTAssertGreaterThanOrEqual(hypot(markers[i].x - markers[j].x, markers[i].y - markers[j].y), markers[i].r + markers[j].r,
                                            "markers \(i + 1) and \(j + 1) overlap")
            }
        }
        XCTAssertEqual(svg.components(separatedBy: "<line x1=").count - 1, 6, "one leader line per moved marker")
        for name in names.values { XCTAssertTrue(svg.contains(">\(name)</text>"), name) }
    }

    func testTheCoordinatorsTextsBecomeSections() throws {
        let f = try fixture()
        let texts = "## Groupes de travail\nLe groupe local de traitement de la délinquance\ns'est réuni deux fois.\n\nUn second paragraphe.\n\n## Perspectives\nRenforcer la présence au Palais.\n"
        let semester = try SemesterBulletin.build(semester: .semester(2026, 1), context: f.context, texts: texts)
        XCTAssertEqual(semester.sections.map(\.title), ["Groupes de travail", "Perspectives"])
        XCTAssertEqual(semester.sections[0].paragraphs,
                       ["Le groupe local de traitement de la délinquance s'est réuni deux fois.", "Un second paragraphe."])
        let html = try String(contentsOf: try BulletinWriter(context: f.context, directory: f.directory).write(semester)[0], encoding: .utf8)
        XCTAssertTrue(html.contains("<h3>Perspectives</h3>"))
        XCTAssertTrue(html.contains("s&#39;est réuni") || html.contains("s'est réuni") || html.contains("s&#x27;est réuni"), "escaped text kept")
    }

    func testTheDiagnosticOfAQuartierCountsItsFactsOnly() throws {
        let f = try fixture()
        let diagnostic = try Diagnostic.build(area: .quartier("cre-palais"), category: "depots-sauvages",
                                              from: .month(2026, 1), to: .month(2026, 6), context: f.context)
        XCTAssertEqual(diagnostic.total.current, "30")
        XCTAssertEqual(diagnostic.total.previous, "10")
        XCTAssertEqual(diagnostic.figures["mois|2026-03"], 30)
        XCTAssertEqual(diagnostic.figures["mois|2026-04"], 0)
        XCTAssertEqual(diagnostic.scope, "cre-palais_depots-sauvages")
        XCTAssertEqual(diagnostic.period, "2026-01_2026-06")
        XCTAssertThrowsError(try Diagnostic.build(area: .quartier("nulle-part"), category: nil, from: .month(2026, 1), to: .month(2026, 6), context: f.context))
    }

    func testTheDiagnosticsShortenedListSaysWhatIsLeftOutAndTheCSVHoldsAll() throws {
        // 75 interventions at one address in March 2026: each is repeated at the same place.
        let f = try ReportsFixture()
        let count = 75
        try f.load("pm_94028_2026-03.csv", partner: "mairie-creteil", feed: "police-municipale",
                   [ReportsFixture.pmHeader] + ReportsFixture.policeMunicipale(count, year: 2026, month: 3, address: "Place Salvador Allende"))
        let diagnostic = try Diagnostic.build(area: .commune("94028"), category: nil, from: .month(2026, 3), to: .month(2026, 3), context: f.context)
        XCTAssertEqual(diagnostic.faitsMarquants.count, 60)
        XCTAssertEqual(diagnostic.allFaits.count, count)
        XCTAssertEqual(diagnostic.faitsOmitted, "60 derniers sur 75 ; liste complète : diagnostic_2026-03_94028_faits.csv")
        // The 60 shown are the last ones of the whole list.
        XCTAssertEqual(diagnostic.faitsMarquants.map(\.provenance), diagnostic.allFaits.suffix(60).map(\.provenance))

        let files = try BulletinWriter(context: f.context, directory: f.directory.appendingPathComponent("out")).write(diagnostic)
        let html = try String(contentsOf: files[0], encoding: .utf8)
        XCTAssertTrue(html.contains("60 derniers sur 75 ; liste complète : diagnostic_2026-03_94028_faits.csv"))
        let csv = try XCTUnwrap(files.first { $0.lastPathComponent == "diagnostic_2026-03_94028_faits.csv" })
        let lines = try String(contentsOf: csv, encoding: .utf8).split(whereSeparator: \.isNewline)
        XCTAssertEqual(lines.count, 1 + count, "a header and every fait marquant")
        // Every source row of the file is in the CSV, once.
        for row in 2...(count + 1) {
            XCTAssertEqual(lines.filter { $0.contains("pm_94028_2026-03.csv, ligne \(row);") }.count, 1, "row \(row)")
        }
        // A list short enough is not shortened, and says nothing: one repeated place.
        XCTAssertEqual(diagnostic.repeatedPlaces.rows.count, 1)
        XCTAssertEqual(diagnostic.repeatedPlaces.omitted, "")
    }

    /// quartier id → data-class of its path in a map.
    static func classes(in svg: String) -> [String: String] {
        var result: [String: String] = [:]
        let pattern = try? NSRegularExpression(pattern: "data-quartier=\"([^\"]+)\" data-class=\"([^\"]+)\"")
        let range = NSRange(svg.startIndex..., in: svg)
        for match in pattern?.matches(in: svg, range: range) ?? [] {
            guard let id = Range(match.range(at: 1), in: svg), let c = Range(match.range(at: 2), in: svg) else { continue }
            result[String(svg[id])] = String(svg[c])
        }
        return result
    }
}
