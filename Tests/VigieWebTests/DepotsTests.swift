import Foundation
import HummingbirdTesting
import NIOCore
import VigieCore
import VigiePipeline
import XCTest

/// « Dépôts »: uploads loaded as the inbox loads them, the ledger with each original downloadable,
/// a file refused for its columns mapped in partners.yaml and loaded again.
final class DepotsTests: XCTestCase {
    static let sample = DemoSite.repo.appendingPathComponent("SampleData/strav/incidents-transport/strav_incidents_2026-10.csv")

    /// The sample's lines: header first, then data rows (blank lines left out).
    static func sampleLines() throws -> [String] {
        try String(contentsOf: sample, encoding: .utf8).split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }

    func testAnUploadLoadsItsRowsSupersedesTheEarlierFileAndTheLedgerServesTheOriginalByteForByte() async throws {
        let demo = try DemoSite.make(for: self)
        // A correction of STRAV's October: the sample less its last row.
        let lines = try Self.sampleLines()
        let rows = lines.count - 2
        let bytes = Data((lines.dropLast().joined(separator: "\r\n") + "\r\n").utf8)
        let name = "strav_octobre_corrigé.csv"
        let earlier = try XCTUnwrap(demo.observatory.store.submissions(partner: "strav", feed: "incidents-transport")
            .first { $0.fileName == Self.sample.lastPathComponent })
        let before = try demo.observatory.store.submissions().count
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            let response = try await Self.upload(client, s, files: [(name, bytes)], fields: ["flux": "strav/incidents-transport"])
            let page = DemoSite.text(response)
            XCTAssertEqual(response.status, .ok, page)
            let ledger = try demo.observatory.store.submissions()
            XCTAssertEqual(ledger.count, before + 1)
            let new = try XCTUnwrap(ledger.first)
            XCTAssertEqual(new.fileName, name)
            XCTAssertEqual(new.status, .loaded)
            XCTAssertEqual(new.rowsRead, rows)
            XCTAssertEqual(new.rowsLoaded, rows)
            XCTAssertTrue(page.contains("<tr><th>Lignes lues</th><td class=\"n\">\(rows)</td></tr>"), page)
            XCTAssertTrue(page.contains("<tr><th>Lignes chargées</th><td class=\"n\">\(rows)</td></tr>"), page)
            XCTAssertTrue(page.contains("Remplace le <a href=\"/depots/\(earlier.id ?? 0)\">dépôt n° \(earlier.id ?? 0)</a>"), page)

            let list = DemoSite.text(try await s.get(client, "/depots"))
            XCTAssertTrue(list.contains("<a href=\"/depots/\(new.id ?? 0)/original\">\(name)</a>"), list)
            let download = try await s.get(client, "/depots/\(new.id ?? 0)/original")
            XCTAssertEqual(download.status, .ok)
            XCTAssertEqual(Data(download.body.readableBytesView), bytes)
            XCTAssertEqual(download.headers[.contentDisposition],
                           "attachment; filename=\"strav_octobre_corrig_.csv\"; filename*=UTF-8''strav_octobre_corrig%C3%A9.csv")
            // The demo's own files were loaded from SampleData/, not kept by Vigie: no download.
            for uri in ["/depots/\(earlier.id ?? 0)/original", "/depots/999999", "/depots/abc", "/depots/999999/original"] {
                let response = try await s.get(client, uri)
                XCTAssertEqual(response.status, .notFound, uri)
            }
        }
    }

    func testARejectedRowIsShownWithItsRowAndColumn() async throws {
        let demo = try DemoSite.make(for: self)
        var lines = try Self.sampleLines()
        // Data row 3 is line 4 of the file (the header is line 1): its date cannot be read.
        var cells = lines[3].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        cells[0] = "31/02/2026"
        lines[3] = cells.joined(separator: ";")
        let bytes = Data(lines.joined(separator: "\n").utf8)
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client, login: "claire")
            let response = try await Self.upload(client, s, files: [("strav_2026-10_v2.csv", bytes)],
                                                 fields: ["flux": "strav/incidents-transport"])
            let page = DemoSite.text(response)
            XCTAssertEqual(response.status, .ok)
            XCTAssertTrue(page.contains("<tr><td class=\"n\">4</td><td>A</td><td>31/02/2026</td>"), page)
            XCTAssertTrue(page.contains("<tr><th>Lignes rejetées</th><td class=\"n\">1</td></tr>"), page)
        }
    }

    func testAFileRefusedForItsColumnsIsMappedInPartnersYamlAndLoadedAgain() async throws {
        let demo = try DemoSite.make(for: self)
        var lines = try Self.sampleLines()
        let rows = lines.count - 1
        // The partner renamed three columns: « Date de l'incident », « Ville », « Type d'incident ».
        lines[0] = "Date incident;Ligne;Arrêt;Commune;Nature de l'incident;Atteinte;Suites"
        let bytes = Data(lines.joined(separator: "\n").utf8)
        let partners = demo.config.appendingPathComponent("partners.yaml")
        let yaml = try String(contentsOf: partners, encoding: .utf8)
        let comments = yaml.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            let page = DemoSite.text(try await Self.upload(client, s, files: [("strav_2026-10_nouveau.csv", bytes)],
                                                           fields: ["flux": "strav/incidents-transport"]))
            let refused = try XCTUnwrap(demo.observatory.store.submissions().first)
            XCTAssertEqual(refused.status, .refused)
            XCTAssertTrue(page.contains("refusé"), page)
            XCTAssertTrue(page.contains("« Date de l&#39;incident »"), page)
            XCTAssertTrue(page.contains("<a href=\"/depots/\(refused.id ?? 0)\">Faire correspondre"), page)

            let form = DemoSite.text(try await s.get(client, "/depots/\(refused.id ?? 0)"))
            for header in ["A : Date incident", "D : Commune", "E : Nature de l&#39;incident"] {
                XCTAssertTrue(form.contains(header), "\(header) missing: \(form)")
            }
            XCTAssertTrue(form.contains("name=\"colonne.date\""), form)
            XCTAssertTrue(form.contains("name=\"colonne.commune\""), form)
            XCTAssertTrue(form.contains("name=\"colonne.nature\""), form)

            // Without the CSRF token: refused, nothing written.
            let forged = try await client.execute(uri: "/depots/\(refused.id ?? 0)/colonnes", method: .post, headers: s.headers,
                                                  body: DemoSite.form(["colonne.date": "0"]))
            XCTAssertEqual(forged.status, .forbidden)
            XCTAssertEqual(try String(contentsOf: partners, encoding: .utf8), yaml)
            // A header index the file does not have: refused, nothing written.
            let wrong = try await s.post(client, "/depots/\(refused.id ?? 0)/colonnes", ["colonne.date": "42"])
            XCTAssertEqual(wrong.status, .badRequest)
            XCTAssertEqual(try String(contentsOf: partners, encoding: .utf8), yaml)

            // Headers are indexed as the file has them: 0 = A, 3 = D, 4 = E.
            let mapped = try await s.post(client, "/depots/\(refused.id ?? 0)/colonnes",
                                          ["colonne.date": "0", "colonne.commune": "3", "colonne.nature": "4"])
            XCTAssertEqual(mapped.status, .ok, DemoSite.text(mapped))
            let reloaded = try XCTUnwrap(demo.observatory.store.submissions().first)
            XCTAssertEqual(reloaded.status, .loaded)
            XCTAssertEqual(reloaded.rowsLoaded, rows)
            XCTAssertTrue(DemoSite.text(mapped).contains("<tr><th>Lignes chargées</th><td class=\"n\">\(rows)</td></tr>"))
        }
        let written = try String(contentsOf: partners, encoding: .utf8)
        XCTAssertTrue(written.contains("columns: { date: Date incident, line: Ligne, place: Arrêt, commune: Commune, nature: Nature de l'incident, target: Atteinte, follow_up: Suites }"), written)
        XCTAssertEqual(written.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }, comments)
        let backups = try FileManager.default.contentsOfDirectory(atPath: demo.config.path).filter { $0.hasPrefix("partners.yaml.") && $0.hasSuffix(".bak") }
        XCTAssertEqual(backups.count, 1)
        XCTAssertEqual(try String(contentsOf: demo.config.appendingPathComponent(backups[0]), encoding: .utf8), yaml)
        // Only STRAV's columns changed: RATP's, the same feed's id, did not.
        let config = try Observatory(configDirectory: demo.config, databasePath: demo.observatory.store.path).config
        XCTAssertEqual(try config.feed(partner: "ratp", feed: "incidents-transport").columns,
                       try demo.observatory.config.feed(partner: "ratp", feed: "incidents-transport").columns)
    }

    func testForgedHostileOrOversizedUploadsChangeNothing() async throws {
        let demo = try DemoSite.make(for: self)
        let bytes = try Data(contentsOf: Self.sample)
        let before = try demo.observatory.store.submissions().count
        let partners = try Data(contentsOf: demo.config.appendingPathComponent("partners.yaml"))
        let archive = demo.observatory.archiveDirectory
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            // No CSRF field.
            let forged = try await Self.upload(client, s, files: [("strav_2026-10_b.csv", bytes + Data("\n".utf8))],
                                               fields: ["flux": "strav/incidents-transport"], csrf: false)
            XCTAssertEqual(forged.status, .forbidden)
            // A path for a name.
            let hostile = try await Self.upload(client, s, files: [("../../Config/partners.yaml", bytes + Data("\n\n".utf8))],
                                                fields: ["flux": "strav/incidents-transport"])
            XCTAssertEqual(hostile.status, .badRequest)
            XCTAssertTrue(DemoSite.text(hostile).contains("Nom de fichier refusé"))
            // More than 50 MB.
            let big = try await Self.upload(client, s, files: [("gros.csv", Data(count: 50 << 20))], fields: ["flux": "strav/incidents-transport"])
            XCTAssertEqual(big.status, .contentTooLarge)
            // More than 20 files.
            let many = try await Self.upload(client, s, files: (0..<21).map { ("f\($0).csv", Data("x".utf8)) }, fields: [:])
            XCTAssertEqual(many.status, .badRequest)
            // A name no feed's pattern matches, shown as text.
            let unknown = try await Self.upload(client, s, files: [("<script>.csv", bytes)], fields: [:])
            XCTAssertEqual(unknown.status, .ok)
            XCTAssertTrue(DemoSite.text(unknown).contains("&lt;script&gt;.csv"))
            XCTAssertFalse(DemoSite.text(unknown).contains("<script>"))
            // An unknown feed.
            let feed = try await Self.upload(client, s, files: [("a.csv", bytes)], fields: ["flux": "strav/inconnu"])
            XCTAssertEqual(feed.status, .badRequest)
        }
        XCTAssertEqual(try demo.observatory.store.submissions().count, before)
        XCTAssertEqual(try Data(contentsOf: demo.config.appendingPathComponent("partners.yaml")), partners)
        XCTAssertFalse(FileManager.default.fileExists(atPath: archive.path))
    }

    func testAFileIsRecognizedByItsNameAsTheInboxRecognizesIt() async throws {
        let demo = try DemoSite.make(for: self)
        let folder = DemoSite.repo.appendingPathComponent("SampleData/police-nationale/etat4001")
        let name = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().last)
        let bytes = try Data(contentsOf: folder.appendingPathComponent(name))
        try await demo.app().test(.router) { client in
            let s = try await DemoSite.session(client)
            let page = DemoSite.text(try await Self.upload(client, s, files: [(name, bytes)], fields: [:]))
            // The demo loaded the same bytes: recognized as police-nationale/etat4001, and not loaded twice.
            XCTAssertTrue(page.contains("police-nationale / etat4001 — <strong>déjà intégré</strong>"), page)
        }
    }

    // MARK: A browser's multipart form

    static func upload(_ client: some TestClientProtocol, _ s: DemoSite.Session, files: [(String, Data)], fields: [String: String],
                       csrf: Bool = true, to uri: String = "/depots") async throws -> TestResponse {
        let boundary = "----vigie\(UUID().uuidString)"
        var body = Data()
        var all = fields
        if csrf { all["csrf"] = s.csrf }
        for (key, value) in all.sorted(by: { $0.key < $1.key }) {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(key)\"\r\n\r\n\(value)\r\n".utf8)
        }
        for (name, data) in files {
            body += Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"fichiers\"; filename=\"\(name)\"\r\nContent-Type: text/csv\r\n\r\n".utf8)
            body += data + Data("\r\n".utf8)
        }
        body += Data("--\(boundary)--\r\n".utf8)
        var headers = s.headers
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: body))
    }
}
