import Foundation
import Hummingbird
import HummingbirdTesting
import VigieCore
import VigiePipeline
import XCTest

/// The partners' API: a token opens its partner's feeds and submissions only; every answer is the
/// one the OpenAPI document describes.
final class ApiTests: XCTestCase {
    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any], DemoSite.text(response))
    }

    /// The document's schema `name`: its required and allowed properties.
    static func schema(_ document: [String: Any], _ name: String) throws -> (required: Set<String>, allowed: Set<String>) {
        let schemas = try XCTUnwrap((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let schema = try XCTUnwrap(schemas[name] as? [String: Any])
        return (Set(schema["required"] as? [String] ?? []), Set((schema["properties"] as? [String: Any] ?? [:]).keys))
    }

    static func conforms(_ object: [String: Any], to schema: (required: Set<String>, allowed: Set<String>), _ what: String) {
        XCTAssertTrue(schema.required.isSubset(of: Set(object.keys)), "\(what): missing \(schema.required.subtracting(object.keys))")
        XCTAssertTrue(Set(object.keys).isSubset(of: schema.allowed), "\(what): undocumented \(Set(object.keys).subtracting(schema.allowed))")
    }

    func testATokenOpensItsPartnersFeedsAndSubmissionsOnly() async throws {
        let demo = try DemoSite.make(for: self)
        let token = try AddToken(partner: "strav", label: "supervision", actor: "test").run(demo.observatory).token
        let revoked = try AddToken(partner: "strav", actor: "test").run(demo.observatory)
        _ = try RevokeToken(id: revoked.id, actor: "test").run(demo.observatory)
        XCTAssertFalse(try String(contentsOfFile: demo.observatory.store.path, encoding: .isoLatin1).contains(token), "the token is not stored")
        let sample = try String(contentsOf: DemoSite.repo.appendingPathComponent("SampleData/strav/incidents-transport/strav_incidents_2026-10.csv"),
                                encoding: .utf8).replacingOccurrences(of: "/10/2026", with: "/11/2026")
        let rows = sample.split(whereSeparator: \.isNewline).count - 1
        let before = try ListDepots(partner: "strav", feed: nil, page: 1).run(demo.observatory).total
        let other = try XCTUnwrap(try ListDepots(partner: "ratp", feed: nil, page: 1).run(demo.observatory).entries.first)
        try await demo.app().test(.router) { client in
            let documentResponse = try await client.execute(uri: "/api/openapi.json", method: .get)
            XCTAssertEqual(documentResponse.status, .ok)
            let document = try Self.object(documentResponse)
            XCTAssertTrue((document["openapi"] as? String)?.hasPrefix("3.") == true)
            let paths = try XCTUnwrap(document["paths"] as? [String: [String: Any]])
            XCTAssertEqual(Set(paths.keys), ["/api/depots", "/api/depots/{id}"])
            XCTAssertEqual(Set(paths["/api/depots"]?.keys ?? [:].keys), ["get", "post"])
            let depotSchema = try Self.schema(document, "Depot"), errorSchema = try Self.schema(document, "Erreur")

            // Without a valid token: 401, on every operation.
            for (method, uri) in [(HTTPRequest.Method.get, "/api/depots"), (.post, "/api/depots?flux=incidents-transport&nom=a.csv"),
                                  (.get, "/api/depots/\(other.id)")] {
                for headers in [HTTPFields(), Self.bearer("0000"), Self.bearer(revoked.token), [.authorization: "Basic Zm9vOmJhcg=="]] {
                    let response = try await client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: "x"))
                    XCTAssertEqual(response.status, .unauthorized, "\(method) \(uri)")
                    XCTAssertEqual(response.headers[.wwwAuthenticate], "Bearer realm=\"vigie\"")
                    Self.conforms(try Self.object(response), to: errorSchema, "401")
                }
            }
            // An upload: loaded, its report, then listed and readable; another partner's is not.
            let upload = try await client.execute(uri: "/api/depots?flux=incidents-transport&nom=strav_incidents_2026-11.csv", method: .post,
                                                  headers: Self.bearer(token), body: ByteBuffer(string: sample))
            XCTAssertEqual(upload.status, .created, DemoSite.text(upload))
            let report = try Self.object(upload)
            Self.conforms(report, to: depotSchema, "upload")
            XCTAssertEqual(report["lignes_lues"] as? Int, rows)
            XCTAssertEqual(report["lignes_chargees"] as? Int, rows)
            XCTAssertEqual(report["etat"] as? String, "chargé")
            let id = try XCTUnwrap(report["depot"] as? Int)
            let again = try await client.execute(uri: "/api/depots?flux=incidents-transport&nom=strav_incidents_2026-11.csv", method: .post,
                                                 headers: Self.bearer(token), body: ByteBuffer(string: sample))
            XCTAssertEqual(again.status, .ok, "the same bytes: already loaded, not twice")
            let list = try Self.object(try await client.execute(uri: "/api/depots", method: .get, headers: Self.bearer(token)))
            XCTAssertEqual(list["total"] as? Int, before + 1)
            let depots = try XCTUnwrap(list["depots"] as? [[String: Any]])
            XCTAssertEqual(depots.first?["depot"] as? Int, id)
            for depot in depots { Self.conforms(depot, to: depotSchema, "list") }
            let own = try await client.execute(uri: "/api/depots/\(id)", method: .get, headers: Self.bearer(token))
            XCTAssertEqual(own.status, .ok)
            Self.conforms(try Self.object(own), to: depotSchema, "own")
            let foreign = try await client.execute(uri: "/api/depots/\(other.id)", method: .get, headers: Self.bearer(token))
            XCTAssertEqual(foreign.status, .notFound)
            XCTAssertFalse(DemoSite.text(foreign).contains(other.file))
            // Another partner's feed, a name with a path, an empty body: 400, nothing stored.
            for uri in ["/api/depots?flux=faits-marquants&nom=fm.csv", "/api/depots?flux=incidents-transport&nom=..%2Fetc%2Fpasswd",
                        "/api/depots?flux=incidents-transport"] {
                let refused = try await client.execute(uri: uri, method: .post, headers: Self.bearer(token), body: ByteBuffer(string: sample))
                XCTAssertEqual(refused.status, .badRequest, uri)
                Self.conforms(try Self.object(refused), to: errorSchema, uri)
            }
        }
        XCTAssertEqual(try ListDepots(partner: "strav", feed: nil, page: 1).run(demo.observatory).total, before + 1)
        XCTAssertEqual(try ListDepots(partner: "police-nationale", feed: "faits-marquants", page: 1).run(demo.observatory).entries
                        .filter { $0.file == "fm.csv" }.count, 0)
    }
}
