import Foundation
import XCTest
import VigieConfig
import VigieCore
import VigiePipeline
import VigieReports
@testable import VigieHub

/// The departmental bulletin read from the hub the three observatories of `HubTests` published,
/// checked against each observatory's own store (plain SQL, `HubTests.storeFacts`) and its
/// territory.yaml's populations.
extension HubTests {
    /// A configuration folder with the repository's templates and, when `outlines`, a
    /// communes.geojson of one square per commune of the three observatories.
    func bulletinConfig(outlines: Bool) throws -> URL {
        let world = try world()
        let folder = world.root.appendingPathComponent("config-\(outlines ? "carte" : "sans-carte")-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("templates"),
                                                   withDestinationURL: repository.appendingPathComponent("Config/templates"))
        if outlines {
            var features: [String] = []
            for (i, insee) in try allCommunes().map(\.insee).enumerated() {
                let (x, y) = (2.3 + Double(i % 4) * 0.02, 48.7 + Double(i / 4) * 0.02)
                let ring = [(x, y), (x + 0.02, y), (x + 0.02, y + 0.02), (x, y + 0.02), (x, y)].map { "[\($0.0), \($0.1)]" }.joined(separator: ", ")
                features.append("{\"type\": \"Feature\", \"properties\": {\"commune\": \"\(insee)\"}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": [[\(ring)]]}}")
            }
            try "{\"type\": \"FeatureCollection\", \"features\": [\n\(features.joined(separator: ",\n"))\n]}\n"
                .write(to: folder.appendingPathComponent("communes.geojson"), atomically: true, encoding: .utf8)
        }
        return folder
    }

    /// Every commune of the three observatories, with its observatory and population from territory.yaml.
    func allCommunes() throws -> [(observatory: String, name: String, insee: String, population: Int)] {
        try world().observatories.flatMap { o in
            try o.location.open().config.territory.communes.map { (o.id, $0.name, $0.insee, $0.population) }
        }
    }

    /// Runs the bulletin and returns its files' texts by suffix (« .html », « _communes.csv »…).
    func writeBulletin(_ period: Period, outlines: Bool) throws -> [String: String] {
        let world = try world()
        let out = world.root.appendingPathComponent("bulletins-\(period)-\(UUID().uuidString.prefix(6))")
        // As the command line gives it: an address and a password file readable by its owner only.
        let passwordFile = world.root.appendingPathComponent("analyste.pw")
        if !FileManager.default.fileExists(atPath: passwordFile.path) {
            _ = FileManager.default.createFile(atPath: passwordFile.path, contents: Data("mdp-analyste\n".utf8), attributes: [.posixPermissions: 0o600])
        }
        let result = try HubBulletin(url: "postgresql://analyste_test@127.0.0.1:\(world.server.port)/\(world.database)",
                                     passwordFile: passwordFile.path, period: period, config: bulletinConfig(outlines: outlines), out: out.path).run()
        var texts: [String: String] = [:]
        for file in result.files {
            let name = URL(fileURLWithPath: file).lastPathComponent
            let suffix = String(name.dropFirst("hub_\(period)".count))
            texts[suffix] = try String(contentsOfFile: file, encoding: .utf8)
        }
        XCTAssertEqual(Set(texts.keys), [".html", ".md", "_communes.csv", "_categories.csv", "_flux-non-recus.csv"])
        return texts
    }

    /// A CSV of the bulletins (« ; », BOM, fields quoted when they hold « ; » or « " »), as rows of fields.
    static func parseCSV(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = "", quoted = false
        var chars = Array(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        chars.append("\n")
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" { quoted = true
            } else if c == ";" { row.append(field); field = ""
            } else if c == "\r\n" || c == "\n" || c == "\r" {
                if !(row.isEmpty && field.isEmpty) { row.append(field); rows.append(row) }
                row = []; field = ""
            } else { field.append(c) }
            i += 1
        }
        return rows
    }

    /// The rate as the bulletins print it, computed here: one decimal, decimal comma.
    static func frenchRate(_ count: Int, _ population: Int) -> String {
        String(format: "%.1f", Double(count) * 1000 / Double(population)).replacingOccurrences(of: ".", with: ",")
    }

    /// The flag the local bulletins give `a` against `b`, computed here: the two-sided exact
    /// conditional test (a ~ Binomial(a + b, ½)), « à surveiller » below 0.05, « significatif » below 0.01.
    static func expectedFlag(_ a: Int, _ b: Int) -> String {
        let n = a + b
        guard n > 0 else { return "" }
        func probability(_ k: Int) -> Double { exp(lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1)) - Double(n) * log(2)) }
        let observed = probability(a)
        let p = (0...n).map(probability).filter { $0 <= observed * (1 + 1e-7) }.reduce(0, +)
        return p < 0.01 ? "significatif" : p < 0.05 ? "à surveiller" : ""
    }

    /// Whether one of the commune totals (category « * ») of `months` is suppressed at the hub.
    func hubSuppressed(_ observatory: String, _ insee: String, _ months: [String]) throws -> Bool {
        try world().rows("""
            SELECT count(*) FROM vigie_hub.fact WHERE observatory = \(observatory) AND quartier = '' AND commune = \(insee)
              AND category = '*' AND month = ANY(\(months)) AND state = 'suppressed'
            """)[0].decode(Int.self) > 0
    }

    /// Whether one of the pairs of `months` (commune total) hides its year-before side at the hub.
    func pairSuppressed(_ observatory: String, _ insee: String, _ months: [String]) throws -> Bool {
        try world().rows("""
            SELECT count(*) FROM vigie_hub.comparable WHERE observatory = \(observatory) AND quartier = '' AND commune = \(insee)
              AND category = '*' AND month = ANY(\(months)) AND previous_state = 'suppressed'
            """)[0].decode(Int.self) > 0
    }

    /// « partner/feed|month » of every fact feed's month received, as the observatory published it.
    func receivedFeeds(_ observatory: String) throws -> Set<String> {
        Set(try world().rows("""
            SELECT feed || '|' || month FROM vigie_hub.completeness WHERE observatory = \(observatory) AND role = 'fact' AND state = 'reçu'
            """).map { try $0.decode(String.self) })
    }

    func checkTotalsAgainstTheStores(_ period: Period) throws {
        let world = try world()
        let (now, then) = try DepartmentalBulletin.months(of: period)
        let texts = try writeBulletin(period, outlines: true)
        let csv = Self.parseCSV(texts["_communes.csv"] ?? "")
        XCTAssertEqual(csv.first?.prefix(6), ["observatoire", "commune", "code INSEE", "population", period.frenchName, period.previousYear.frenchName])
        let byInsee = Dictionary(csv.dropFirst().filter { $0[2] != "" }.map { ($0[2], $0) }, uniquingKeysWith: { a, _ in a })
        var checked = 0, secret = 0, notReceived = 0, flagged = 0
        for o in world.observatories {
            let store = try Self.storeFacts(o.location)
            let byFeed = try Self.storeFactsByFeed(o.location)
            let received = try receivedFeeds(o.id)
            for commune in try o.location.open().config.territory.communes {
                guard let row = byInsee[commune.insee] else { XCTFail("\(o.id) \(commune.insee) absent from the bulletin"); continue }
                XCTAssertEqual(row[3], String(commune.population), "\(o.id) \(commune.name) population")
                for (column, months, rateColumn) in [(4, now, 8), (5, then, 9)] {
                    let monthTexts = months.map(\.description)
                    // The year before, when compared, like for like: each month on the feeds received both then and a year later.
                    let likeForLike = column == 5 && row[6] != "non comparable"
                    let expected = likeForLike
                        ? zip(now.map(\.description), monthTexts).reduce(0) { sum, months in
                            sum + byFeed.filter { key, _ in
                                let p = key.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                                return p[0] == months.1 && p[1] == commune.insee && received.contains("\(p[3])|\(months.0)") && received.contains("\(p[3])|\(months.1)")
                            }.values.reduce(0, +)
                        }
                        : store.filter { key, _ in monthTexts.contains { key.hasPrefix("\($0)|\(commune.insee)|") } }.values.reduce(0, +)
                    if likeForLike ? try pairSuppressed(o.id, commune.insee, now.map(\.description)) : try hubSuppressed(o.id, commune.insee, monthTexts) {
                        XCTAssertEqual(row[column], "secret", "\(o.id) \(commune.name): a total with a hidden cell is never a number")
                        XCTAssertEqual(row[rateColumn], "—")
                        secret += 1
                        continue
                    }
                    // « non reçu » only when nothing of the observatory's facts came for the period.
                    guard let shown = Int(row[column]) else {
                        XCTAssertEqual(row[column], "non reçu", "\(o.id) \(commune.name) \(monthTexts)")
                        notReceived += 1
                        continue
                    }
                    XCTAssertEqual(shown, expected, "\(o.id) \(commune.name) \(monthTexts)")
                    XCTAssertEqual(row[rateColumn], Self.frenchRate(expected, commune.population), "\(o.id) \(commune.name) rate")
                    checked += 1
                }
                // The flag compares like for like: « +3 (12 à sources égales) » gives the current side when it differs from the figure shown.
                let sameSources = row[6].range(of: #"\((\d+) à sources égales\)"#, options: .regularExpression).map { Int(row[6][$0].dropFirst().prefix { $0.isNumber }) } ?? nil
                if let a = sameSources ?? Int(row[4]), let b = Int(row[5]), row[6] != "non comparable" {
                    XCTAssertEqual(row[7], Self.expectedFlag(a, b), "\(o.id) \(commune.name) \(b) → \(a)")
                    flagged += 1
                }
            }
        }
        // The hub's disclosure control hides several generated communes' totals (a homicide below
        // the commune, small quartiers): those lines must say « secret », the others the stores' sums.
        XCTAssertGreaterThanOrEqual(checked, 6, "commune totals compared with the stores")
        XCTAssertEqual(checked + secret + notReceived, try allCommunes().count * 2, "every commune, both periods")
        XCTAssertGreaterThan(secret, 0, "hidden totals at the hub, shown « secret »")
        XCTAssertGreaterThan(flagged, 0, "compared communes")
    }

    func testTheMonthlyBulletinsCommuneTotalsAndRatesAreTheStoresOwn() throws {
        try checkTotalsAgainstTheStores(.month(2026, 10))
    }

    func testTheSemesterBulletinsCommuneTotalsAndRatesAreTheStoresOwn() throws {
        try checkTotalsAgainstTheStores(.semester(2026, 1))
    }

    /// Val d'Orly's only fact feed never sent 2026-03: that month compares nothing (« non comparable »,
    /// never significant); its semester compares the five other months, naming the one left out.
    func testACommuneWhoseOnlyFeedWasNotReceivedIsNotComparedNorSignificant() throws {
        let generated = GeneratedObservatory.valDOrly // its incident list of 2026-03 never came
        let texts = try writeBulletin(.month(2026, 3), outlines: false)
        let csv = Self.parseCSV(texts["_communes.csv"] ?? "")
        for commune in generated.communes {
            guard let row = csv.first(where: { $0[2] == commune.insee }) else { XCTFail("\(commune.name) absent"); continue }
            XCTAssertEqual(row[6], "non comparable", commune.name)
            XCTAssertEqual(row[7], "", "no flag on a line not compared")
            XCTAssertTrue(row[10].contains("non comparable : Police nationale — commissariat de Orly (main courante) : non reçu"), row[10])
        }
        let markdown = texts[".md"] ?? ""
        let significant = markdown.components(separatedBy: "## Évolutions significatives").last?.components(separatedBy: "\n## ").first ?? ""
        for commune in generated.communes { XCTAssertFalse(significant.contains(commune.name), "\(commune.name) in « \(significant) »") }
        let missing = Self.parseCSV(texts["_flux-non-recus.csv"] ?? "")
        XCTAssertTrue(missing.contains { $0[0] == "Val d'Orly" && $0[2] == "non reçu" && $0[3].contains("mars 2026") }, "\(missing)")
        // The other generated observatory received everything that month: compared.
        for commune in GeneratedObservatory.bordsDeMarne.communes {
            XCTAssertNotEqual(csv.first { $0[2] == commune.insee }?[6], "non comparable", commune.name)
        }
        // The semester: compared on the other months, the month left out named (once, above the table).
        let semester = try writeBulletin(.semester(2026, 1), outlines: false)
        for commune in generated.communes {
            guard let row = Self.parseCSV(semester["_communes.csv"] ?? "").first(where: { $0[2] == commune.insee }) else { XCTFail("\(commune.name) absent"); continue }
            XCTAssertNotEqual(row[6], "non comparable", commune.name)
            XCTAssertTrue(row[10].contains("sans Police nationale — commissariat de Orly (main courante) : non reçu (mars 2026)"), row[10])
        }
        XCTAssertTrue((semester[".html"] ?? "").contains("comparaison à sources égales, sans Police nationale — commissariat de Orly (main courante) : non reçu (mars 2026)"))
    }

    /// Bords de Marne's landlord (Champigny only) never sent 2026-09: its communes are compared
    /// without it on both sides, as the local monthly bulletin compares them, and Champigny's
    /// line names it. Checked against that bulletin and against the store's own rows.
    func testAnObservatoryMissingOneFeedIsComparedWithoutItAsItsLocalBulletin() throws {
        let world = try world()
        let generated = GeneratedObservatory.bordsDeMarne
        let texts = try writeBulletin(.month(2026, 9), outlines: false)
        let csv = Self.parseCSV(texts["_communes.csv"] ?? "")
        let location = world.location(generated.id)
        let observatory = try location.open()
        let local = try MonthlyBulletin.build(month: .month(2026, 9), context: BulletinContext(config: observatory.config, store: observatory.store,
                                                                                                 today: Observatory.todayInParis()))
        let byFeed = try Self.storeFactsByFeed(location)
        var compared = 0
        for (i, commune) in generated.communes.enumerated() {
            guard let row = csv.first(where: { $0[2] == commune.insee }) else { XCTFail("\(commune.name) absent"); continue }
            XCTAssertNotEqual(row[6], "non comparable", commune.name)
            let note = "sans \(GeneratedObservatory.landlordLabel) : non reçu"
            XCTAssertEqual(row[10].contains(note), i == 0, "\(commune.name): « \(row[10]) »")
            // The store: this month as received (the landlord sent nothing), a year earlier without the landlord.
            let current = HubTests.storeCount(byFeed, month: "2026-09", commune: commune.insee, category: "*")
            let previous = HubTests.storeCount(byFeed, month: "2025-09", commune: commune.insee, category: "*", without: GeneratedObservatory.landlordFeed)
            let place = try XCTUnwrap(local.areas.first?.places.first { $0.kind == "commune" && $0.name == commune.name })
            guard row[4] != "secret", row[5] != "secret" else { continue }
            XCTAssertEqual([row[4], row[5]], [String(current), String(previous)], commune.name)
            XCTAssertEqual([row[4], row[5], row[6]], [place.current, place.previousYear, place.change], "\(commune.name): as the local bulletin")
            compared += 1
        }
        XCTAssertGreaterThan(compared, 0, "communes compared with numbers: \(csv.filter { $0[0] == "Bords de Marne" })")
        let total = try XCTUnwrap(csv.first { $0[0] == "Bords de Marne" && $0[1] == "ensemble" })
        XCTAssertNotEqual(total[6], "non comparable")
        XCTAssertTrue(total[10].contains("sans \(GeneratedObservatory.landlordLabel) : non reçu"), total[10])
    }

    /// Without --hub, the address is settings.yaml's `hub:`; with neither, the refusal says where to give it.
    func testTheBulletinFindsItsHubInTheSettingsOrSaysWhereToGiveIt() throws {
        let world = try world()
        let templatesOnly = try bulletinConfig(outlines: false)
        XCTAssertThrowsError(try HubBulletin(url: nil, passwordFile: nil, period: .month(2026, 10), config: templatesOnly, out: world.root.path).run()) { error in
            XCTAssertEqual((error as? VigieError)?.message, "aucun hub donné")
            XCTAssertTrue((error as? VigieError)?.hint?.contains("settings.yaml") ?? false)
        }
        // An observatory's configuration naming its hub: read with its own role, its own rows only (said at the top).
        let observatory = try XCTUnwrap(world.observatories.first)
        let config = observatory.location.configDirectory
        let settings = config.appendingPathComponent("settings.yaml")
        let before = try String(contentsOf: settings, encoding: .utf8)
        defer { try? before.write(to: settings, atomically: true, encoding: .utf8) }
        try (before + "\nhub:\n  url: postgresql://\(observatory.role)@127.0.0.1:\(world.server.port)/\(world.database)\n  password_file: \(observatory.passwordFile)\n")
            .write(to: settings, atomically: true, encoding: .utf8)
        let out = world.root.appendingPathComponent("bulletin-reglages-\(UUID().uuidString.prefix(6))")
        let result = try HubBulletin(url: nil, passwordFile: nil, period: .month(2026, 10), config: config, out: out.path).run()
        XCTAssertEqual(result.observatories, 1)
        let html = try String(contentsOfFile: try XCTUnwrap(result.files.first { $0.hasSuffix(".html") }), encoding: .utf8)
        XCTAssertTrue(html.contains("Lu avec le rôle de l&#39;observatoire"), String(html.prefix(2000)))
    }

    func testTheBulletinHasNoExternalResourceAndItsMapWhenOutlinesAreConfigured() throws {
        let withMap = try writeBulletin(.month(2026, 10), outlines: true)
        let html = withMap[".html"] ?? ""
        XCTAssertTrue(html.contains("<svg"), "the map is drawn")
        for commune in try allCommunes() { XCTAssertTrue(html.contains("data-quartier=\"\(commune.insee)\""), "\(commune.name) on the map") }
        XCTAssertFalse(html.contains("carte non disponible"))
        let without = try writeBulletin(.month(2026, 10), outlines: false)
        XCTAssertTrue((without[".html"] ?? "").contains("carte non disponible : contours des communes non configurés"))
        XCTAssertTrue((without[".md"] ?? "").contains("carte non disponible : contours des communes non configurés"))
        XCTAssertFalse((without[".html"] ?? "").contains("data-quartier"))
        for page in [html, without[".html"] ?? ""] {
            // The only « http » allowed is the SVG namespace, which loads nothing.
            let stripped = page.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            XCTAssertFalse(stripped.contains("http:") || stripped.contains("https:") || stripped.contains("//www."), "a link to another origin")
            XCTAssertNil(stripped.range(of: #"src\s*=\s*["'](?!data:)"#, options: .regularExpression), "a src= to a resource")
            XCTAssertFalse(stripped.contains("<link") || stripped.contains("@import") || stripped.contains("<script"))
            XCTAssertTrue(stripped.contains("<style>"), "the local bulletins' style, inline")
        }
    }

    /// The analyst's view: every observatory side by side.
    func testTheBulletinShowsEveryObservatorySideBySide() throws {
        let texts = try writeBulletin(.month(2026, 10), outlines: false)
        let csv = Self.parseCSV(texts["_communes.csv"] ?? "")
        let names = Set(csv.dropFirst().map { $0[0] })
        XCTAssertEqual(names.count, 3, "\(names)")
        XCTAssertTrue(names.contains("Val d'Orly") && names.contains("Bords de Marne"))
        XCTAssertEqual(csv.dropFirst().filter { $0[1] == "ensemble" }.count, 3, "one total line per observatory")
        XCTAssertEqual(csv.count - 1, try allCommunes().count + 3)
    }
}

/// The model alone, on rows written here: what is secret stays secret, what is not received is not compared.
final class DepartmentalBulletinModelTests: XCTestCase {
    func rows(currentFeedState: String = "reçu") -> HubBulletinRows {
        typealias F = HubBulletinRows.Fact
        typealias P = HubBulletinRows.Pair
        // B's pairs when its feed is missing: nothing compared, the feed named.
        let bLeftOut = currentFeedState == "reçu" ? [] : ["Bailleur (incidents) : \(currentFeedState)"]
        let bNow = currentFeedState == "reçu"
        return HubBulletinRows(
            observatories: [.init(id: "obs-a", name: "Observatoire A"), .init(id: "obs-b", name: "Observatoire B")],
            facts: [
                F(observatory: "obs-a", month: "2026-10", commune: "11111", category: "*", value: 40, state: "published"),
                F(observatory: "obs-a", month: "2025-10", commune: "11111", category: "*", value: 10, state: "published"),
                F(observatory: "obs-a", month: "2026-10", commune: "22222", category: "*", value: nil, state: "suppressed"),
                F(observatory: "obs-a", month: "2025-10", commune: "22222", category: "*", value: 12, state: "published"),
                F(observatory: "obs-a", month: "2026-10", commune: "*", category: "*", value: 43, state: "published"),
                F(observatory: "obs-a", month: "2025-10", commune: "*", category: "*", value: 22, state: "published"),
                F(observatory: "obs-a", month: "2026-10", commune: "*", category: "incendies", value: nil, state: "suppressed"),
                F(observatory: "obs-a", month: "2026-10", commune: "*", category: "rixes", value: 39, state: "published"),
                F(observatory: "obs-b", month: "2026-10", commune: "33333", category: "*", value: 50, state: "published"),
                F(observatory: "obs-b", month: "2025-10", commune: "33333", category: "*", value: 5, state: "published"),
                F(observatory: "obs-b", month: "2026-10", commune: "*", category: "rixes", value: 8, state: "published"),
            ],
            pairs: [
                P(observatory: "obs-a", month: "2026-10", commune: "11111", category: "*", current: 40, currentState: "published", previous: 10, previousState: "published"),
                P(observatory: "obs-a", month: "2026-10", commune: "22222", category: "*", current: nil, currentState: "suppressed", previous: 12, previousState: "published"),
                P(observatory: "obs-a", month: "2026-10", commune: "*", category: "*", current: 43, currentState: "published", previous: 22, previousState: "published"),
                P(observatory: "obs-a", month: "2026-10", commune: "*", category: "incendies", current: nil, currentState: "suppressed", previous: 0, previousState: "zero"),
                P(observatory: "obs-a", month: "2026-10", commune: "*", category: "rixes", current: 39, currentState: "published", previous: 30, previousState: "published"),
                P(observatory: "obs-b", month: "2026-10", commune: "33333", category: "*", current: bNow ? 50 : 0, currentState: bNow ? "published" : "zero",
                  previous: bNow ? 5 : 0, previousState: bNow ? "published" : "zero", leftOut: bLeftOut),
                P(observatory: "obs-b", month: "2026-10", commune: "*", category: "*", current: bNow ? 50 : 0, currentState: bNow ? "published" : "zero",
                  previous: bNow ? 5 : 0, previousState: bNow ? "published" : "zero", leftOut: bLeftOut),
                P(observatory: "obs-b", month: "2026-10", commune: "*", category: "rixes", current: bNow ? 8 : 0, currentState: bNow ? "published" : "zero",
                  previous: bNow ? 6 : 0, previousState: bNow ? "published" : "zero", leftOut: bLeftOut),
            ],
            populations: [.init(observatory: "obs-a", commune: "11111", name: "Aville", population: 10000),
                          .init(observatory: "obs-a", commune: "22222", name: "Bville", population: 5000),
                          .init(observatory: "obs-b", commune: "33333", name: "Cville", population: 20000)],
            completeness: [.init(observatory: "obs-a", feed: "p/f", label: "Police (main courante)", month: "2026-10", state: "reçu"),
                           .init(observatory: "obs-a", feed: "p/f", label: "Police (main courante)", month: "2025-10", state: "reçu"),
                           .init(observatory: "obs-b", feed: "q/g", label: "Bailleur (incidents)", month: "2026-10", state: currentFeedState),
                           .init(observatory: "obs-b", feed: "q/g", label: "Bailleur (incidents)", month: "2025-10", state: "reçu")])
    }

    func testASuppressedTotalIsSecretAndTheOthersAreComparedAndFlagged() throws {
        let b = try DepartmentalBulletin.build(period: .month(2026, 10), rows: rows(), levels: .standard)
        let a = try XCTUnwrap(b.observatories.first { $0.id == "obs-a" })
        let aville = try XCTUnwrap(a.communes.first { $0.insee == "11111" })
        XCTAssertEqual([aville.current, aville.previous, aville.rate, aville.previousRate], ["40", "10", "4,0", "1,0"])
        // 40 against 10: P(X ≥ 40 | n = 50, p = ½) is far below 0.01.
        XCTAssertEqual(aville.flag, "significatif")
        let bville = try XCTUnwrap(a.communes.first { $0.insee == "22222" })
        XCTAssertEqual([bville.current, bville.rate, bville.change, bville.flag], ["secret", "—", "—", ""])
        XCTAssertTrue(bville.note.contains("secret statistique"), bville.note)
        XCTAssertEqual(a.total.current, "43")
        // Nothing derived from the hidden cell: 43 − 40 = 3 is nowhere, nor the category's.
        let text = b.csvTables.map(\.text).joined()
        XCTAssertFalse(text.contains(";3;") || text.contains(";3\r"), text)
        let incendies = try XCTUnwrap(b.categories.first { $0.category == "incendies" })
        XCTAssertEqual(incendies.current, "secret", "its only cell is hidden: neither 0 nor a number")
        XCTAssertTrue(incendies.note.contains("1 case(s) secrète(s)"), incendies.note)
        XCTAssertEqual(b.categories.first { $0.category == "rixes" }?.current, "47")
        XCTAssertEqual(b.previousPhrase, "octobre 2025")
        let semester = try DepartmentalBulletin.build(period: .semester(2026, 1), rows: rows(), levels: .standard)
        XCTAssertEqual(semester.previousPhrase, "le 1er semestre 2025")
        XCTAssertTrue(b.significant.contains { $0.hasPrefix("Aville (Observatoire A)") }, "\(b.significant)")
        XCTAssertTrue(b.significant.contains { $0.hasPrefix("Cville (Observatoire B)") }, "\(b.significant)")
        XCTAssertFalse(b.significant.contains { $0.contains("Bville") })
        XCTAssertEqual(b.observatories.map(\.id), ["obs-a", "obs-b"])
        XCTAssertEqual(b.mapNotice, "carte non disponible : contours des communes non configurés")
    }

    func testCommuneOutlinesAreReadFromCommunesGeojsonAndCheckedInWords() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-contours-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertNil(try CommuneOutlines.load(directory: folder), "no file: no outlines")
        let square = "[[[2.3, 48.7], [2.32, 48.7], [2.32, 48.72], [2.3, 48.72], [2.3, 48.7]]]"
        try "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"properties\": {\"commune\": \"11111\"}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": \(square)}}]}"
            .write(to: folder.appendingPathComponent("communes.geojson"), atomically: true, encoding: .utf8)
        let outlines = try XCTUnwrap(try CommuneOutlines.load(directory: folder))
        XCTAssertEqual(outlines.map(\.quartier), ["11111"])
        let b = try DepartmentalBulletin.build(period: .month(2026, 10), rows: rows(), levels: .standard, outlines: outlines)
        XCTAssertTrue(b.map.contains("data-quartier=\"11111\""))
        XCTAssertTrue(b.map.contains(">Communes<"), "the key says communes")
        XCTAssertEqual(b.mapNotice, "")
        // Outlines of other communes only: said, not an empty map.
        let other = try DepartmentalBulletin.build(period: .month(2026, 10), rows: rows(), levels: .standard,
                                                   outlines: [QuartierShape(quartier: "99999", rings: outlines[0].rings)])
        XCTAssertEqual(other.map, "")
        XCTAssertTrue(other.mapNotice.hasPrefix("carte non disponible"), other.mapNotice)
        try "{\"type\": \"FeatureCollection\", \"features\": [{\"type\": \"Feature\", \"properties\": {\"nom\": \"Aville\"}, \"geometry\": {\"type\": \"Polygon\", \"coordinates\": \(square)}}]}"
            .write(to: folder.appendingPathComponent("communes.geojson"), atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try CommuneOutlines.load(directory: folder)) { error in
            XCTAssertTrue("\(error)".contains("communes.geojson") && "\(error)".contains("propriété « commune »"), "\(error)")
        }
    }

    /// A period not over is said provisional, with the day; one not begun is refused; one over is not flagged.
    func testAPeriodNotOverIsProvisionalAndOneNotBegunIsRefused() throws {
        let running = try DepartmentalBulletin.build(period: .month(2026, 10), rows: rows(), levels: .standard,
                                                     today: CivilDate(year: 2026, month: 10, day: 17))
        XCTAssertEqual(running.provisional, "période en cours : chiffres provisoires au 17 octobre")
        let semester = try DepartmentalBulletin.build(period: .semester(2026, 2), rows: rows(), levels: .standard,
                                                      today: CivilDate(year: 2026, month: 12, day: 3))
        XCTAssertEqual(semester.provisional, "période en cours : chiffres provisoires au 3 décembre")
        let over = try DepartmentalBulletin.build(period: .month(2026, 10), rows: rows(), levels: .standard,
                                                  today: CivilDate(year: 2026, month: 11, day: 1))
        XCTAssertEqual(over.provisional, "")
        XCTAssertThrowsError(try DepartmentalBulletin.build(period: .month(2026, 12), rows: rows(), levels: .standard,
                                                            today: CivilDate(year: 2026, month: 11, day: 30))) { error in
            XCTAssertTrue((error as? VigieError)?.message.contains("n'a pas commencé") ?? false, "\(error)")
        }
    }

    func testObservatoriesAndCommunesComeInNaturalOrder() throws {
        var r = rows()
        r.observatories = [.init(id: "x10", name: "Banc 10"), .init(id: "x2", name: "Banc 2"), .init(id: "x1", name: "banc 1")]
        r.populations = [.init(observatory: "x10", commune: "1", name: "C 10", population: 1), .init(observatory: "x10", commune: "2", name: "C 9", population: 1),
                         .init(observatory: "x2", commune: "3", name: "C", population: 1), .init(observatory: "x1", commune: "4", name: "C", population: 1)]
        r.facts = []
        let b = try DepartmentalBulletin.build(period: .month(2026, 10), rows: r, levels: .standard)
        XCTAssertEqual(b.observatories.map(\.name), ["banc 1", "Banc 2", "Banc 10"])
        XCTAssertEqual(b.observatories.last?.communes.map(\.name), ["C 9", "C 10"])
    }

    func testAnObservatoryThatReceivedNothingToCompareIsNonComparable() throws {
        let b = try DepartmentalBulletin.build(period: .month(2026, 10), rows: rows(currentFeedState: "non reçu"), levels: .standard)
        let cville = try XCTUnwrap(b.observatories.first { $0.id == "obs-b" }?.communes.first)
        XCTAssertEqual(cville.change, "non comparable")
        XCTAssertEqual(cville.flag, "")
        XCTAssertEqual(cville.current, "non reçu", "nothing of the month came: never 0, never 50")
        XCTAssertTrue(cville.note.contains("non comparable : Bailleur (incidents) : non reçu"), cville.note)
        XCTAssertEqual(b.observatories.first { $0.id == "obs-b" }?.comparability, "non comparable : Bailleur (incidents) : non reçu")
        XCTAssertEqual(cville.rowNote, "", "said once above the table")
        XCTAssertFalse(b.significant.contains { $0.contains("Cville") })
        XCTAssertTrue(b.notReceived.contains { $0.observatory == "Observatoire B" && $0.months == "octobre 2026" })
        // The département's rixes: A's 39 only; B received nothing of the month and adds nothing (its 8 is not counted).
        let rixes = try XCTUnwrap(b.categories.first { $0.category == "rixes" })
        XCTAssertEqual([rixes.current, rixes.previous], ["39", "30"], "B compares nothing: out of both sides")
        XCTAssertTrue(b.categoriesNote.contains("Observatoire B"), b.categoriesNote)
        // Neither received anything: « non reçu », never 0, and no département change.
        var none = rows(currentFeedState: "non reçu")
        none.completeness = none.completeness.map { var c = $0; if c.month == "2026-10" { c.state = "non reçu" }; return c }
        let nothing = try DepartmentalBulletin.build(period: .month(2026, 10), rows: none, levels: .standard)
        XCTAssertEqual(Set(nothing.categories.map(\.current)), ["non reçu"])
        XCTAssertEqual(Set(nothing.categories.map(\.change)), ["—"])
    }

    /// One of two feeds missing: compared on the other, like for like; the figure shown is
    /// everything received, the change says on what it was computed; a note the same for every
    /// line of the observatory is said once above its table, one line's own note on that line.
    func testAMissingFeedIsLeftOutOfBothSidesAndNamed() throws {
        typealias F = HubBulletinRows.Fact
        typealias P = HubBulletinRows.Pair
        typealias C = HubBulletinRows.Completeness
        let landlord = "Bailleur (incidents) : non reçu en 2025-10"
        let rows = HubBulletinRows(
            observatories: [.init(id: "obs", name: "Obs")],
            facts: [F(observatory: "obs", month: "2026-10", commune: "1", category: "*", value: 60, state: "published"),
                    F(observatory: "obs", month: "2026-10", commune: "2", category: "*", value: 30, state: "published"),
                    F(observatory: "obs", month: "2026-10", commune: "*", category: "*", value: 90, state: "published"),
                    F(observatory: "obs", month: "2026-10", commune: "*", category: "rixes", value: 90, state: "published")],
            pairs: [P(observatory: "obs", month: "2026-10", commune: "1", category: "*", current: 45, currentState: "published", previous: 40,
                      previousState: "published", leftOut: [landlord]),
                    P(observatory: "obs", month: "2026-10", commune: "2", category: "*", current: 30, currentState: "published", previous: 20,
                      previousState: "published"),
                    P(observatory: "obs", month: "2026-10", commune: "*", category: "*", current: 75, currentState: "published", previous: 60,
                      previousState: "published", leftOut: [landlord]),
                    P(observatory: "obs", month: "2026-10", commune: "*", category: "rixes", current: 75, currentState: "published", previous: 60,
                      previousState: "published", leftOut: [landlord])],
            populations: [.init(observatory: "obs", commune: "1", name: "Un", population: 1000), .init(observatory: "obs", commune: "2", name: "Deux", population: 1000)],
            completeness: [C(observatory: "obs", feed: "p/f", label: "Police (main courante)", month: "2026-10", state: "reçu"),
                           C(observatory: "obs", feed: "p/f", label: "Police (main courante)", month: "2025-10", state: "reçu"),
                           C(observatory: "obs", feed: "b/i", label: "Bailleur (incidents)", month: "2026-10", state: "reçu"),
                           C(observatory: "obs", feed: "b/i", label: "Bailleur (incidents)", month: "2025-10", state: "non reçu")])
        let b = try DepartmentalBulletin.build(period: .month(2026, 10), rows: rows, levels: .standard)
        let block = try XCTUnwrap(b.observatories.first)
        XCTAssertEqual(block.comparability, "", "the lines do not all say the same")
        let un = try XCTUnwrap(block.communes.first { $0.insee == "1" })
        // 60 shown (everything received), 45 against 40 on the feeds received both times: +5 (+13 %), said « à sources égales ».
        XCTAssertEqual([un.current, un.previous, un.rate, un.previousRate], ["60", "40", "60,0", "40,0"])
        XCTAssertEqual(un.change, "+5 (+13 %) (45 à sources égales)")
        XCTAssertEqual(un.note, "sans \(landlord)")
        XCTAssertEqual(un.rowNote, un.note)
        let deux = try XCTUnwrap(block.communes.first { $0.insee == "2" })
        XCTAssertEqual([deux.current, deux.previous, deux.change, deux.note], ["30", "20", "+10 (+50 %)", ""])
        XCTAssertEqual(block.total.change, "+15 (+25 %) (75 à sources égales)")
        let rixes = try XCTUnwrap(b.categories.first { $0.category == "rixes" })
        XCTAssertEqual([rixes.current, rixes.previous, rixes.change], ["90", "60", "+15 (+25 %) (75 à sources égales)"])
        // Every line leaving out the same feed: said once, above the table.
        var same = rows
        same.pairs = same.pairs.map { var p = $0; p.leftOut = [landlord]; return p }
        let once = try XCTUnwrap(try DepartmentalBulletin.build(period: .month(2026, 10), rows: same, levels: .standard).observatories.first)
        XCTAssertEqual(once.comparability, "comparaison à sources égales, sans \(landlord)")
        XCTAssertEqual(Set((once.communes + [once.total]).map(\.rowNote)), [""])
        XCTAssertEqual(Set((once.communes + [once.total]).map(\.note)), ["sans \(landlord)"], "the CSV keeps it on each line")
        // Nothing received on both sides, two feeds named: « non comparable : … ; … » said once above
        // the table, not on each line (seen on the demo hub's month not yet received).
        var none = same
        none.completeness = none.completeness.map { var c = $0; if c.month == "2026-10" { c.state = "non reçu" }; return c }
        let police = "Police (main courante) : non reçu en 2026-10"
        none.pairs = none.pairs.map { var p = $0; p.leftOut = [landlord, police]; return p }
        let nothing = try XCTUnwrap(try DepartmentalBulletin.build(period: .month(2026, 10), rows: none, levels: .standard).observatories.first)
        XCTAssertEqual(nothing.comparability, "non comparable : \(landlord) ; \(police)")
        XCTAssertEqual(Set((nothing.communes + [nothing.total]).map(\.change)), ["non comparable"])
        XCTAssertEqual(Set((nothing.communes + [nothing.total]).map(\.rowNote)), [""])
        XCTAssertTrue(nothing.communes.allSatisfy { $0.note.contains(nothing.comparability) }, "the CSV keeps it on each line")
        // A suppressed side of a pair: no change, never a number derived from it.
        var hidden = rows
        hidden.pairs[0].current = nil
        hidden.pairs[0].currentState = "suppressed"
        let secret = try XCTUnwrap(try DepartmentalBulletin.build(period: .month(2026, 10), rows: hidden, levels: .standard).observatories.first?.communes.first { $0.insee == "1" })
        XCTAssertEqual([secret.current, secret.change, secret.flag], ["60", "—", ""])
        XCTAssertTrue(secret.note.contains("secret statistique"), secret.note)
    }
}
