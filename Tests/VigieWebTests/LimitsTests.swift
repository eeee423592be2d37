import Foundation
import Hummingbird
import HummingbirdTesting
import VigieCore
import VigiePipeline
@testable import VigieWeb
import XCTest

/// The bounds of `web:` in settings.yaml: over each, a clear answer and nothing stored.
final class LimitsTests: XCTestCase {
    /// The demo with settings.yaml's limits set low.
    func lowLimits() throws -> (DemoSite, WebSite) {
        let demo = try DemoSite.make(for: self)
        let path = demo.config.appendingPathComponent("settings.yaml")
        var text = try String(contentsOf: path, encoding: .utf8)
        for (from, to) in [("upload_mb: 50", "upload_mb: 1"), ("files_per_minute: 30", "files_per_minute: 2"),
                           ("form_kb: 1024", "form_kb: 16"), ("header_kb: 32", "header_kb: 4")] {
            XCTAssertTrue(text.contains(from), from)
            text = text.replacingOccurrences(of: from, with: to)
        }
        try Data(text.utf8).write(to: path)
        let observatory = try Observatory(configDirectory: demo.config, databasePath: demo.observatory.store.path)
        XCTAssertEqual(observatory.config.settings.web.uploadBytes, 1 << 20)
        return (demo, try WebSite(observatory: observatory))
    }

    func testOverEachBoundTheAnswerSaysItAndNothingIsStored() async throws {
        let (demo, site) = try lowLimits()
        let token = try AddToken(partner: "strav", actor: "test").run(demo.observatory).token
        let before = try demo.observatory.store.submissions().count
        let row = "01/11/2026;J1;Descartes;Créteil;Agression d'agent;personne;main courante\r\n"
        let header = "Date de l'incident;Ligne;Arrêt;Ville;Type d'incident;Atteinte;Suites\r\n"
        let big = header + String(repeating: row, count: (1 << 20) / row.utf8.count + 10)
        try await Application(router: site.router()).test(.router) { client in
            let session = try await DemoSite.session(client, login: "marie")
            // Upload over 1 MB: the page says the bound.
            let tooBig = try await DepotsTests.upload(client, session, files: [("strav_incidents_2026-11.csv", Data(big.utf8))],
                                                      fields: ["flux": "strav/incidents-transport"])
            XCTAssertEqual(tooBig.status, .contentTooLarge)
            XCTAssertTrue(DemoSite.text(tooBig).contains("1 Mo pour des fichiers déposés"), DemoSite.text(tooBig))
            let apiTooBig = try await client.execute(uri: "/api/depots?flux=incidents-transport&nom=strav_incidents_2026-11.csv", method: .post,
                                                     headers: ApiTests.bearer(token), body: ByteBuffer(string: big))
            XCTAssertEqual(apiTooBig.status, .contentTooLarge)
            XCTAssertTrue(DemoSite.text(apiTooBig).contains("1 Mo au plus"))
            // Files per minute: three at once over a bound of two; then two pass, and one more waits.
            let small = header + row
            // Three different files (other months, other bytes).
            let three = [("strav_incidents_2026-11.csv", "01/11/2026"), ("strav_incidents_2026-12.csv", "01/12/2026"),
                         ("strav_incidents_2026-09.csv", "01/09/2026")].map { name, day in
                (name, Data((header + row.replacingOccurrences(of: "01/11/2026", with: day)).utf8))
            }
            let tooMany = try await DepotsTests.upload(client, session, files: three, fields: ["flux": "strav/incidents-transport"])
            XCTAssertEqual(tooMany.status, .tooManyRequests)
            XCTAssertTrue(DemoSite.text(tooMany).contains("Trop de fichiers déposés en une minute (2 au plus)"), DemoSite.text(tooMany))
            XCTAssertEqual(try demo.observatory.store.submissions().count, before, "nothing stored")
            let two = try await DepotsTests.upload(client, session, files: Array(three.prefix(2)), fields: ["flux": "strav/incidents-transport"])
            XCTAssertEqual(two.status, .ok, DemoSite.text(two))
            let third = try await DepotsTests.upload(client, session, files: [("strav_incidents_2024-12.csv", Data(small.utf8))],
                                                     fields: ["flux": "strav/incidents-transport"])
            XCTAssertEqual(third.status, .tooManyRequests)
            // A form over 16 KB; headers over 4 KB.
            let longForm = try await session.post(client, "/faits-marquants/commentaires",
                                                  ["semaine": "2026-W47", "commune": "94028", "texte": String(repeating: "a", count: 20_000)])
            XCTAssertEqual(longForm.status, .contentTooLarge)
            var headers = session.headers
            headers[.userAgent] = String(repeating: "x", count: 5000)
            let longHeaders = try await client.execute(uri: "/", method: .get, headers: headers)
            XCTAssertEqual(longHeaders.status, .requestHeaderFieldsTooLarge)
            XCTAssertTrue(DemoSite.text(longHeaders).contains("4 Ko au plus"))
        }
        XCTAssertEqual(try demo.observatory.store.submissions().count, before + 2, "only the two files within the bound")
        XCTAssertTrue(try ListComments(bulletin: .weekly, period: Period.isoWeek(2026, 47)).run(demo.observatory).comments.isEmpty)
    }

    func testLimitsOutOfTheirRangeAreRefusedWithTheLine() throws {
        let demo = try DemoSite.make(for: self)
        let path = demo.config.appendingPathComponent("settings.yaml")
        let text = try String(contentsOf: path, encoding: .utf8)
        for (from, to, message) in [("upload_mb: 50", "upload_mb: 0", "un nombre de mégaoctets de 1 à 500 est attendu"),
                                    ("files_per_minute: 30", "files_per_minute: 5000", "un nombre de fichiers par minute de 1 à 1000 est attendu")] {
            try Data(text.replacingOccurrences(of: from, with: to).utf8).write(to: path)
            XCTAssertThrowsError(try Observatory(configDirectory: demo.config, databasePath: demo.observatory.store.path)) { error in
                XCTAssertTrue("\(error)".contains(message), "\(error)")
            }
        }
    }
}
