import Foundation
import XCTest

/// `vigie request` and `vigie audit` run as the coordinator runs them: a request, the owners'
/// answers, the package under disclosure control, and the audit trail.
final class RequestCommandTests: XCTestCase {
    static let sample = CLI.repo.appendingPathComponent("SampleData")

    /// Loads the police's weekly files of 2026-W02…W26 (all dated January to June 2026); returns the rows loaded.
    func loadPoliceWeeks(_ cli: CLI) throws -> Int {
        let files = (2...26).map { Self.sample.appendingPathComponent(String(format: "police-nationale/faits-marquants/faits-marquants_2026-W%02d.csv", $0)).path }
        let result = try cli.run(["ingest"] + files + ["--partner", "police-nationale", "--feed", "faits-marquants", "--json"])
        XCTAssertLessThanOrEqual(result.status, 1, "loaded, some rows maybe rejected: \(result.stderr)")
        let reports = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        return reports.map { $0["rows_loaded"] as? Int ?? 0 }.reduce(0, +)
    }

    /// Loads Créteil Habitat's monthly files of 2026-01…06; returns every name of its residences:
    /// as the files write them and as Config/places.yaml names them.
    func loadResidences(_ cli: CLI) throws -> (inFiles: Set<String>, inConfig: Set<String>) {
        let files = (1...6).map { Self.sample.appendingPathComponent(String(format: "creteil-habitat/incidents-residences/ch_incidents_2026-%02d.csv", $0)) }
        let result = try cli.run(["ingest"] + files.map(\.path) + ["--partner", "creteil-habitat", "--feed", "incidents-residences"])
        XCTAssertEqual(result.status, 0, result.stderr)
        var inFiles: Set<String> = []
        for file in files {
            let text = String(decoding: try Data(contentsOf: file), as: UTF8.self)
            for line in text.split(whereSeparator: \.isNewline).dropFirst() { inFiles.insert(String(line.split(separator: ";")[1])) }
        }
        let places = try String(contentsOf: CLI.repo.appendingPathComponent("Config/places.yaml"), encoding: .utf8)
        let inConfig = places.split(separator: "\n").filter { $0.contains("owner: creteil-habitat") }.compactMap { line -> String? in
            guard let start = line.range(of: "name: "), let end = line[start.upperBound...].firstIndex(of: ",") else { return nil }
            return String(line[start.upperBound..<end])
        }
        return (inFiles, Set(inConfig))
    }

    /// Creates a request and returns its identifier.
    func newRequest(_ cli: CLI, _ arguments: [String]) throws -> String {
        let result = try cli.run(["request", "new", "--requester", "Mairie de Créteil", "--purpose", "Diagnostic local"] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        let match = try XCTUnwrap(result.stdout.range(of: "DR-[0-9]{4}-[0-9]{3}", options: .regularExpression), result.stdout)
        return String(result.stdout[match])
    }

    func consent(_ cli: CLI, _ id: String, _ arguments: [String]) throws {
        let result = try cli.run(["request", "consent", id] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func fulfil(_ cli: CLI, _ id: String) throws -> URL {
        let result = try cli.run(["request", "fulfil", id, "--out", cli.file("paquets").path])
        XCTAssertEqual(result.status, 0, result.stderr)
        return cli.file("paquets").appendingPathComponent(id)
    }

    // MARK: - Reading a package, independently of the code that wrote it

    /// A package CSV: its header lines (key → value) and its table (first line: column names).
    struct PackageCSV {
        var header: [String: [String]] = [:]
        var table: [[String]] = []

        init(_ url: URL) throws {
            let data = try Data(contentsOf: url)
            XCTAssertEqual(Array(data.prefix(3)), [0xEF, 0xBB, 0xBF], "UTF-8 with BOM")
            let text = String(decoding: data.dropFirst(3), as: UTF8.self)
            var inTable = false
            for line in text.components(separatedBy: "\r\n").dropLast() {
                let fields = Self.fields(line)
                if line.isEmpty { inTable = true } else if inTable { table.append(fields) } else { header[fields[0], default: []].append(fields.dropFirst().joined(separator: ";")) }
            }
        }

        /// `;`-separated fields (or `separator`), `"` quoting with `""` for a quote.
        static func fields(_ line: String, separator: Character = ";") -> [String] {
            var fields: [String] = [], current = "", quoted = false
            var chars = Array(line)[...]
            while let c = chars.popFirst() {
                if quoted {
                    if c == "\"" { if chars.first == "\"" { current.append("\""); chars.removeFirst() } else { quoted = false } } else { current.append(c) }
                } else if c == "\"" { quoted = true } else if c == separator { fields.append(current); current = "" } else { current.append(c) }
            }
            return fields + [current]
        }

        var rowLabels: [String] { table.dropFirst().dropLast().map { $0[0] } }

        /// Checks every row and column equation of the table, totals included: none holds exactly
        /// one hidden cell, and in a line with no hidden cell the cells add up to the total.
        func assertNoSecretCanBeComputed(file: StaticString = #filePath, line: UInt = #line) {
            let body = table.dropFirst().map { Array($0.dropFirst()) }
            guard let width = body.first?.count else { return XCTFail("empty table", file: file, line: line) }
            func hidden(_ s: String) -> Bool { s == "s" || s.hasPrefix("< ") }
            var lines: [[String]] = body
            lines += (0..<width).map { c in body.map { $0[c] } }
            for l in lines {
                let secrets = l.filter(hidden).count
                XCTAssertNotEqual(secrets, 1, "a hidden cell could be computed from \(l)", file: file, line: line)
                if secrets == 0 {
                    XCTAssertEqual(l.dropLast().compactMap { Int($0) }.reduce(0, +), Int(l.last ?? ""), "\(l)", file: file, line: line)
                }
            }
        }
    }

    // MARK: - Tests

    func testARefusedFeedGivesNoDataAndTheManifestSaysWhy() throws {
        let cli = try CLI()
        let loaded = try loadPoliceWeeks(cli)
        _ = try loadResidences(cli)
        let id = try newRequest(cli, ["--data", "police-nationale/faits-marquants,creteil-habitat/incidents-residences",
                                      "--from", "2026-01", "--to", "2026-06", "--by", "commune"])

        let early = try cli.run(["request", "fulfil", id, "--out", cli.file("paquets").path])
        XCTAssertEqual(early.status, 2)
        XCTAssertTrue(early.stderr.contains("attend encore la réponse de : police-nationale, creteil-habitat"), early.stderr)

        try consent(cli, id, ["--owner", "police-nationale", "--grant"])
        try consent(cli, id, ["--owner", "creteil-habitat", "--refuse", "--reason", "Données en cours de vérification"])
        let package = try fulfil(cli, id)

        let names = try FileManager.default.contentsOfDirectory(atPath: package.path)
        XCTAssertTrue(names.contains("police-nationale_faits-marquants.csv"), "\(names)")
        XCTAssertFalse(names.contains { $0.hasPrefix("creteil-habitat") }, "no data of the refused feed: \(names)")

        let police = try PackageCSV(package.appendingPathComponent("police-nationale_faits-marquants.csv"))
        XCTAssertEqual(police.header["Période"], ["2026-01 à 2026-06"])
        XCTAssertEqual(police.header["Regroupement"], ["par commune × catégorie"])
        XCTAssertTrue(police.header["Secret statistique"]?.first?.contains("« < 5 »") ?? false)
        XCTAssertEqual(police.table.last?.last, String(loaded), "the grand total is every row loaded")
        police.assertNoSecretCanBeComputed()

        let manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: package.appendingPathComponent("manifeste.json"))) as? [String: Any])
        let feeds = try XCTUnwrap(manifest["flux"] as? [[String: Any]])
        XCTAssertEqual(feeds.map { $0["statut"] as? String }, ["fourni", "refuse"])
        XCTAssertEqual(feeds[1]["motif"] as? String, "Données en cours de vérification")
        // Every file listed with the SHA-256 of its bytes, as sha256sum computes it.
        let files = try XCTUnwrap(manifest["fichiers"] as? [[String: Any]])
        XCTAssertEqual(Set(files.compactMap { $0["nom"] as? String }), Set(names.filter { $0 != "manifeste.json" && $0 != "copies" }))
        for file in files {
            let name = try XCTUnwrap(file["nom"] as? String)
            let sum = try run("/usr/bin/sha256sum", [package.appendingPathComponent(name).path]).stdout
            XCTAssertEqual(String(sum.prefix(64)), file["sha256"] as? String, name)
        }
        let analysis = try String(contentsOf: package.appendingPathComponent("analyse.html"), encoding: .utf8)
        XCTAssertTrue(analysis.contains("Refusé par Créteil Habitat"), analysis)
        XCTAssertTrue(analysis.contains("Données en cours de vérification"))
        // A copy for each owner, the one who refused included.
        let copies = try FileManager.default.contentsOfDirectory(atPath: package.appendingPathComponent("copies").path).sorted()
        XCTAssertEqual(copies, ["creteil-habitat.eml", "police-nationale.eml"])

        let shown = try cli.run(["request", "show", id])
        XCTAssertTrue(shown.stdout.contains("creteil-habitat : refus — Données en cours de vérification"), shown.stdout)
        XCTAssertTrue(shown.stdout.contains("satisfaite le"), shown.stdout)
    }

    func testAReservationWithoutResidenceDetailGivesQuartiersOnly() throws {
        let cli = try CLI()
        let residences = try loadResidences(cli)
        XCTAssertEqual(residences.inConfig.count, 5)
        let arguments = ["--data", "creteil-habitat/incidents-residences", "--from", "2026-01", "--to", "2026-06", "--by", "lieu"]

        // Without a reservation the table is by residence…
        let open = try newRequest(cli, arguments)
        try consent(cli, open, ["--owner", "creteil-habitat", "--grant"])
        let byResidence = try PackageCSV(fulfil(cli, open).appendingPathComponent("creteil-habitat_incidents-residences.csv"))
        XCTAssertFalse(byResidence.rowLabels.isEmpty)
        XCTAssertTrue(Set(byResidence.rowLabels).isSubset(of: residences.inConfig), "\(byResidence.rowLabels)")
        byResidence.assertNoSecretCanBeComputed()

        // …and with « pas de détail par résidence », by quartier, no residence named.
        let reserved = try newRequest(cli, arguments)
        try consent(cli, reserved, ["--owner", "creteil-habitat", "--grant", "--reserve", "pas de détail par résidence", "--reserve-rule", "pas-de-lieu"])
        let byQuartier = try PackageCSV(fulfil(cli, reserved).appendingPathComponent("creteil-habitat_incidents-residences.csv"))
        XCTAssertEqual(byQuartier.header["Regroupement"], ["par quartier × catégorie"])
        XCTAssertTrue(byQuartier.header["Note"]?.first?.contains("pas-de-lieu") ?? false, "\(byQuartier.header)")
        XCTAssertTrue(Set(byQuartier.rowLabels).isDisjoint(with: residences.inConfig.union(residences.inFiles)), "\(byQuartier.rowLabels)")
        XCTAssertEqual(byQuartier.table.last?.last, byResidence.table.last?.last, "the same incidents, grouped otherwise")
        byQuartier.assertNoSecretCanBeComputed()
    }

    /// A secteur cannot hold the commune's facts that have no secteur: the package says how many
    /// are left out, and that number is the « secteur non localisé » row of the commune by secteur.
    func testARequestForASecteurSaysHowManyFactsOfItsCommuneCouldNotBePlaced() throws {
        let cli = try CLI()
        // Créteil's police municipale places some interventions at the commune only.
        let files = (1...6).map { Self.sample.appendingPathComponent(String(format: "mairie-creteil/police-municipale/pm_94028_2026-%02d.csv", $0)).path }
        let loaded = try cli.run(["ingest"] + files + ["--partner", "mairie-creteil", "--feed", "police-municipale"])
        XCTAssertLessThanOrEqual(loaded.status, 1, loaded.stderr)
        let common = ["--data", "mairie-creteil/police-municipale", "--from", "2026-01", "--to", "2026-06"]
        let commune = try newRequest(cli, common + ["--area", "commune:94028", "--by", "secteur"])
        try consent(cli, commune, ["--owner", "mairie-creteil", "--grant"])
        let bySecteur = try PackageCSV(fulfil(cli, commune).appendingPathComponent("mairie-creteil_police-municipale.csv"))
        let unplacedRow = try XCTUnwrap(bySecteur.table.first { $0.first == "secteur non localisé" }, "\(bySecteur.rowLabels)")
        let unplaced = try XCTUnwrap(Int(unplacedRow.last ?? ""), "the row total is shown: \(unplacedRow)")
        XCTAssertGreaterThan(unplaced, 0)

        let secteur = try newRequest(cli, common + ["--area", "secteur:creteil-centre", "--by", "quartier"])
        try consent(cli, secteur, ["--owner", "mairie-creteil", "--grant"])
        let package = try fulfil(cli, secteur)
        let notes = try PackageCSV(package.appendingPathComponent("mairie-creteil_police-municipale.csv")).header["Note"] ?? []
        XCTAssertTrue(notes.contains { $0.hasPrefix("\(unplaced) donnée(s) de Créteil sans secteur connu") }, "\(notes)")
        let manifest = try String(contentsOf: package.appendingPathComponent("manifeste.json"), encoding: .utf8)
        XCTAssertTrue(manifest.contains("\(unplaced) donnée(s) de Créteil sans secteur connu"), manifest)
    }

    func testAFormulaInAPartnersNatureLabelComesOutNeutralized() throws {
        let cli = try CLI()
        // The police municipale's May file, with one nature replaced by a formula.
        let source = Self.sample.appendingPathComponent("mairie-creteil/police-municipale/pm_94028_2026-05.csv")
        var lines = String(decoding: try Data(contentsOf: source), as: UTF8.self).components(separatedBy: "\r\n")
        let formula = "=HYPERLINK(\"http://exemple.fr/x\";\"clic\")"
        var fields = lines[1].components(separatedBy: ";")
        fields[3] = "\"" + formula.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        lines[1] = fields.joined(separator: ";")
        let file = cli.file("pm_94028_2026-05.csv")
        try Data(lines.joined(separator: "\r\n").utf8).write(to: file)
        let ingest = try cli.run(["ingest", file.path, "--partner", "mairie-creteil", "--feed", "police-municipale"])
        XCTAssertEqual(ingest.status, 0, ingest.stderr)

        let id = try newRequest(cli, ["--data", "mairie-creteil/police-municipale", "--from", "2026-05", "--to", "2026-05", "--by", "commune,nature"])
        try consent(cli, id, ["--owner", "mairie-creteil", "--grant"])
        let package = try fulfil(cli, id)
        let wide = try PackageCSV(package.appendingPathComponent("mairie-creteil_police-municipale.csv"))
        XCTAssertTrue(wide.table[0].contains("'" + formula), "\(wide.table[0])")
        let cells = try PackageCSV(package.appendingPathComponent("mairie-creteil_police-municipale_cellules.csv"))
        for csv in [wide, cells] {
            let all = csv.table.flatMap { $0 } + csv.header.values.flatMap { $0 }
            XCTAssertFalse(all.contains { $0.hasPrefix("=") || $0.hasPrefix("@") }, "\(all)")
        }
        let analysis = try String(contentsOf: package.appendingPathComponent("analyse.html"), encoding: .utf8)
        XCTAssertFalse(analysis.contains("\"clic\""), "escaped in HTML")
    }

    /// Homicides and attempts leave at the commune at most: by quartier they are out of the
    /// table and its totals (no « 0 » here and « < 5 » there to place them), with a note; by
    /// commune they are a column like the others.
    func testHomicidesArePublishedAtTheCommuneOnly() throws {
        let cli = try CLI()
        _ = try loadPoliceWeeks(cli)
        let common = ["--data", "police-nationale/faits-marquants", "--from", "2026-01", "--to", "2026-06"]
        let byCommune = try newRequest(cli, common + ["--by", "commune"])
        try consent(cli, byCommune, ["--owner", "police-nationale", "--grant"])
        let communes = try PackageCSV(fulfil(cli, byCommune).appendingPathComponent("police-nationale_faits-marquants.csv"))
        XCTAssertTrue(communes.table[0].contains("Homicides et tentatives"), "the sample has some: \(communes.table[0])")

        let byQuartier = try newRequest(cli, common + ["--area", "commune:94028", "--by", "quartier"])
        try consent(cli, byQuartier, ["--owner", "police-nationale", "--grant"])
        let quartiers = try PackageCSV(fulfil(cli, byQuartier).appendingPathComponent("police-nationale_faits-marquants.csv"))
        XCTAssertEqual(quartiers.header["Regroupement"], ["par quartier × catégorie"])
        XCTAssertFalse(quartiers.table[0].contains("Homicides et tentatives"), "\(quartiers.table[0])")
        XCTAssertTrue(quartiers.header["Note"]?.contains { $0.hasPrefix("homicides et tentatives : publiés seulement à la commune") } ?? false,
                      "\(quartiers.header)")
        quartiers.assertNoSecretCanBeComputed()
    }

    func testTheAuditLogIsAppendOnlyAndExported() throws {
        let cli = try CLI()
        _ = try loadResidences(cli)
        let id = try newRequest(cli, ["--data", "creteil-habitat/incidents-residences", "--from", "2026-01", "--to", "2026-03"])
        try consent(cli, id, ["--owner", "creteil-habitat", "--grant", "--reserve", "seuil relevé", "--reserve-rule", "seuil:10"])
        _ = try fulfil(cli, id)
        // created, granted, reservation, fulfilled, copy-sent
        let events = ["created", "granted", "reservation", "fulfilled", "copy-sent"]
        XCTAssertEqual(try cli.sql("SELECT group_concat(event, ',') FROM (SELECT event FROM audit ORDER BY id)"), events.joined(separator: ","))

        let update = try run("/usr/bin/sqlite3", [cli.db, "UPDATE audit SET actor = 'personne' WHERE id = 1"])
        XCTAssertNotEqual(update.status, 0)
        XCTAssertTrue(update.stderr.contains("le journal d'audit ne se modifie pas"), update.stderr)
        let delete = try run("/usr/bin/sqlite3", [cli.db, "DELETE FROM audit"])
        XCTAssertNotEqual(delete.status, 0)
        XCTAssertTrue(delete.stderr.contains("le journal d'audit ne s'efface pas"), delete.stderr)
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) || ':' || MIN(actor) FROM audit WHERE id = 1"), "1:Mairie de Créteil")
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM audit"), String(events.count))

        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        let c = calendar.dateComponents([.year, .month, .day], from: Date())
        let today = String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
        let export = try cli.run(["audit", "--from", today, "--to", today, "--format", "csv"])
        XCTAssertEqual(export.status, 0, export.stderr)
        let rows = export.stdout.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }
        XCTAssertEqual(rows.map { PackageCSV.fields($0)[3] }, events)
        XCTAssertTrue(rows.allSatisfy { PackageCSV.fields($0)[2] == id })
        let before = try cli.run(["audit", "--to", "2026-01-01", "--format", "csv"])
        XCTAssertEqual(before.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count, 1, "the header only")
    }

    func run(_ executable: String, _ arguments: [String]) throws -> CLI.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return try CLI().finish((process, out, err))
    }
}
