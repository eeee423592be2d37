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

    /// Creates a request (its consent requests written in the outbox `envois`) and returns its identifier.
    func newRequest(_ cli: CLI, _ arguments: [String], requester: String = "Mairie de Créteil") throws -> String {
        let result = try cli.run(["request", "new", "--requester", requester, "--purpose", "Diagnostic local",
                                  "--outbox", cli.file("envois").path] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
        let match = try XCTUnwrap(result.stdout.range(of: "DR-[0-9]{4}-[0-9]{3}", options: .regularExpression), result.stdout)
        return String(result.stdout[match])
    }

    func consent(_ cli: CLI, _ id: String, _ arguments: [String]) throws {
        let result = try cli.run(["request", "consent", id] + arguments)
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func fulfil(_ cli: CLI, _ id: String) throws -> URL {
        let result = try cli.run(["request", "fulfil", id, "--out", cli.file("paquets").path, "--outbox", cli.file("envois").path])
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

        let early = try cli.run(["request", "fulfil", id, "--out", cli.file("paquets").path, "--outbox", cli.file("envois").path])
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
        // The package holds the data only: the mails went to the outbox.
        XCTAssertFalse(names.contains("copies"), "\(names)")

        let shown = try cli.run(["request", "show", id])
        XCTAssertTrue(shown.stdout.contains("Créteil Habitat SEMIC : refus — Données en cours de vérification"), shown.stdout)
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
        // Stored as codes, shown in French: the request, the consent request to the one owner, its
        // accord and reservation, the package written, the package to the requester, the owner's copy.
        let events = ["created", "consent-asked", "granted", "reservation", "fulfilled", "package-sent", "copy-mailed"]
        let french = ["création", "demande d'accord", "accord", "réserve", "paquet écrit", "envoi du paquet", "copie au propriétaire"]
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
        let lines = export.stdout.components(separatedBy: "\r\n")
        XCTAssertEqual(PackageCSV.fields(String(lines[0].dropFirst())), ["n°", "date", "demande", "événement", "acteur", "détail"], "French headers after the BOM")
        let rows = lines.dropFirst().filter { !$0.isEmpty }
        XCTAssertEqual(rows.map { PackageCSV.fields($0)[3] }, french)
        XCTAssertTrue(rows.allSatisfy { PackageCSV.fields($0)[2] == id })
        let before = try cli.run(["audit", "--to", "2026-01-01", "--format", "csv"])
        XCTAssertEqual(before.stdout.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count, 1, "the header only")
    }

    // MARK: - The mails of a request

    /// A message as Python's email parser reads it: addresses, subject, plain text, attachments' bytes.
    struct Mail {
        var to: [String]
        var subject: String
        var text: String
        var attachments: [String: Data]

        init(_ url: URL) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-c", """
                import sys, json, base64, email, email.policy, email.utils
                m = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
                print(json.dumps({"to": [a for _, a in email.utils.getaddresses(m.get_all("To", []) + m.get_all("Cc", []))],
                    "subject": str(m["Subject"]), "text": m.get_body(("plain",)).get_content(),
                    "attachments": {a.get_filename(): base64.b64encode(a.get_payload(decode=True)).decode() for a in m.iter_attachments()}}))
                """, url.path]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any], url.path)
            to = object["to"] as? [String] ?? []
            subject = object["subject"] as? String ?? ""
            text = object["text"] as? String ?? ""
            attachments = (object["attachments"] as? [String: String] ?? [:]).compactMapValues { Data(base64Encoded: $0) }
        }
    }

    /// Each partner's contact address, read from Config/partners.yaml as written.
    func partnerEmails() throws -> [String: String] {
        let text = try String(contentsOf: CLI.repo.appendingPathComponent("Config/partners.yaml"), encoding: .utf8)
        var emails: [String: String] = [:], current: String?
        for line in text.split(separator: "\n") {
            if line.hasPrefix("  - id: ") { current = String(line.dropFirst(8)) }
            if line.hasPrefix("    contact:"), let current, let start = line.range(of: "email: ") {
                emails[current] = String(line[start.upperBound...].prefix { $0 != "," && $0 != " " && $0 != "}" })
            }
        }
        return emails
    }

    func outboxFiles(_ cli: CLI) -> Set<String> {
        Set((try? FileManager.default.contentsOfDirectory(atPath: cli.file("envois").path)) ?? []).filter { $0.hasSuffix(".eml") }
    }

    /// The audit lines of one request's messages (CSV export): verb, actor, detail.
    func auditMessages(_ cli: CLI, _ id: String) throws -> [(verb: String, detail: String)] {
        let export = try cli.run(["audit", "--format", "csv"])
        XCTAssertEqual(export.status, 0, export.stderr)
        return export.stdout.components(separatedBy: "\r\n").dropFirst().filter { !$0.isEmpty }.map { PackageCSV.fields($0) }
            .filter { $0[2] == id && ["demande d'accord", "envoi du paquet", "copie au propriétaire", "avis de refus"].contains($0[3]) }
            .map { ($0[3], $0[5]) }
    }

    func testEachOwnerReceivesAConsentRequestNamingTheRequestAndItsArea() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { throw XCTSkip("python3 est absent") }
        let cli = try CLI()
        let emails = try partnerEmails()
        let id = try newRequest(cli, ["--data", "police-nationale/faits-marquants,creteil-habitat/incidents-residences",
                                      "--from", "2026-01", "--to", "2026-06", "--area", "mont mesly", "--by", "quartier"], requester: "ratp")
        let files = outboxFiles(cli)
        XCTAssertEqual(files.count, 2, "one consent request per owner: \(files)")
        var reached: Set<String> = []
        for file in files {
            let mail = try Mail(cli.file("envois").appendingPathComponent(file))
            reached.formUnion(mail.to)
            XCTAssertTrue(mail.subject.contains(id), mail.subject)
            XCTAssertTrue(mail.text.contains("Objet : Diagnostic local"), mail.text)
            XCTAssertTrue(mail.text.contains("Zone : quartier Mont-Mesly"), "the area by its name: \(mail.text)")
            XCTAssertTrue(mail.text.contains("Demandeur : RATP — Sûreté, département Val-de-Marne"), "the requester by its name: \(mail.text)")
            XCTAssertTrue(mail.text.contains("vigie request consent \(id) --owner"), "how the answer is recorded")
            XCTAssertTrue(mail.attachments.isEmpty)
        }
        XCTAssertEqual(reached, [emails["police-nationale"]!, emails["creteil-habitat"]!])
        let audit = try auditMessages(cli, id)
        XCTAssertEqual(audit.count, files.count)
        XCTAssertTrue(audit.allSatisfy { $0.detail.contains("écrit dans la boîte d'envoi") && !$0.detail.contains("envoyé") }, "\(audit)")

        // Asked again: only the owner who has not answered.
        try consent(cli, id, ["--owner", "police-nationale", "--grant"])
        try FileManager.default.removeItem(at: cli.file("envois"))
        let again = try cli.run(["request", "ask", id, "--outbox", cli.file("envois").path])
        XCTAssertEqual(again.status, 0, again.stderr)
        let reminders = try outboxFiles(cli).map { try Mail(cli.file("envois").appendingPathComponent($0)) }
        XCTAssertEqual(reminders.map(\.to), [[emails["creteil-habitat"]!]])
    }

    func testFulfilMailsThePackageACopyToTheConsentingOwnerAndOnlyANoticeToTheRefusingOne() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") else { throw XCTSkip("python3 est absent") }
        let cli = try CLI()
        _ = try loadResidences(cli)
        let pm = (1...6).map { Self.sample.appendingPathComponent(String(format: "mairie-creteil/police-municipale/pm_94028_2026-%02d.csv", $0)).path }
        XCTAssertLessThanOrEqual(try cli.run(["ingest"] + pm + ["--partner", "mairie-creteil", "--feed", "police-municipale"]).status, 1)
        let id = try newRequest(cli, ["--data", "mairie-creteil/police-municipale,creteil-habitat/incidents-residences",
                                      "--from", "2026-01", "--to", "2026-06", "--area", "Créteil", "--by", "quartier"], requester: "94028")
        try consent(cli, id, ["--owner", "Mairie de Créteil — Direction de la tranquillité publique", "--grant"])
        try consent(cli, id, ["--owner", "creteil-habitat", "--refuse", "--reason", "Données en cours de vérification"])
        let asked = outboxFiles(cli)
        let package = try fulfil(cli, id)
        let sent = outboxFiles(cli).subtracting(asked)
        XCTAssertEqual(sent.count, 3, "package, copy, notice: \(sent)")

        let emails = try partnerEmails()
        // The mairie's address is its commune's « to » in recipients.yaml.
        let recipients = try String(contentsOf: CLI.repo.appendingPathComponent("Config/recipients.yaml"), encoding: .utf8)
        let mayor = try XCTUnwrap(recipients.components(separatedBy: "\"94028\":").last?.components(separatedBy: "email: ").dropFirst().first?
            .prefix { $0 != " " && $0 != "}" })
        let written = try FileManager.default.contentsOfDirectory(atPath: package.path)
        let mails = try sent.map { try Mail(cli.file("envois").appendingPathComponent($0)) }
        func bytes(_ name: String) throws -> Data { try Data(contentsOf: package.appendingPathComponent(name)) }

        let toRequester = try XCTUnwrap(mails.first { $0.to == [String(mayor)] }, "\(mails.map(\.to))")
        XCTAssertEqual(Set(toRequester.attachments.keys), Set(written), "every file of the package")
        for (name, data) in toRequester.attachments { XCTAssertEqual(data, try bytes(name), name) }

        let copy = try XCTUnwrap(mails.first { $0.to == [emails["mairie-creteil"]!] })
        XCTAssertEqual(Set(copy.attachments.keys), Set(written.filter { $0.hasPrefix("mairie-creteil_") } + ["manifeste.json"]))
        for (name, data) in copy.attachments { XCTAssertEqual(data, try bytes(name), name) }

        let notice = try XCTUnwrap(mails.first { $0.to == [emails["creteil-habitat"]!] })
        XCTAssertTrue(notice.attachments.isEmpty, "nothing of the package: \(notice.attachments.keys)")
        XCTAssertFalse(notice.subject.contains("transmises"), notice.subject)
        XCTAssertTrue(notice.text.contains("Données en cours de vérification"), notice.text)
        XCTAssertFalse(notice.text.replacingOccurrences(of: id, with: "").contains { $0.isNumber }, "no figure: \(notice.text)")

        // The audit says what became of each message: written in the outbox, never « envoyé ».
        let audit = try auditMessages(cli, id)
        XCTAssertEqual(audit.count, asked.count + sent.count)
        XCTAssertEqual(audit.filter { $0.verb != "demande d'accord" }.map(\.verb).sorted(), ["avis de refus", "copie au propriétaire", "envoi du paquet"])
        for line in audit {
            XCTAssertTrue(line.detail.contains("écrit dans la boîte d'envoi"), line.detail)
            XCTAssertFalse(line.detail.contains("envoyé"), line.detail)
        }
        for mail in mails { XCTAssertEqual(audit.filter { $0.detail.contains("pour \(mail.to.joined(separator: ", ")) :") && $0.verb != "demande d'accord" }.count, 1) }
        let shown = try cli.run(["request", "show", id])
        XCTAssertTrue(shown.stdout.hasPrefix("Demande \(id) — Mairie de Créteil\n"), shown.stdout)
    }

    func testTheRequesterIsNamedAsPeopleNameIt() throws {
        let cli = try CLI()
        let data = ["--data", "police-nationale/faits-marquants", "--from", "2026-01", "--to", "2026-01"]
        for typed in ["mairie de creteil", "Créteil", "94028", "CRETEIL"] { _ = try newRequest(cli, data, requester: typed) }
        XCTAssertEqual(try cli.sql("SELECT group_concat(DISTINCT requester) FROM data_request"), "mairie:94028")
        let list = try cli.run(["request", "list"])
        XCTAssertEqual(list.stdout.components(separatedBy: "Mairie de Créteil — Diagnostic local").count - 1, 4, list.stdout)
        _ = try newRequest(cli, data, requester: "Ratp")
        XCTAssertTrue(try cli.run(["request", "list"]).stdout.contains("RATP — Sûreté, département Val-de-Marne — Diagnostic local"))

        let before = outboxFiles(cli)
        let wrong = try cli.run(["request", "new", "--requester", "Mairie de Creteuil", "--purpose", "x", "--outbox", cli.file("envois").path] + data)
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stderr.contains("demandeur inconnu « Mairie de Creteuil »"), wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("Mairie de Créteil"), "the closest names: \(wrong.stderr)")
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM data_request"), "5", "nothing recorded")
        XCTAssertEqual(outboxFiles(cli), before, "nothing written")
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
