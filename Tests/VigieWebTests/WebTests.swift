import Foundation
import Hummingbird
import HummingbirdTesting
import VigieCore
import VigiePipeline
import VigieWeb
import XCTest

/// The web application in process: sessions, CSRF, throttled logins, the audit of every form,
/// security headers, and partners' markup escaped on the dashboard.
final class WebTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let password = "une phrase de passe assez longue"
    static let script = "<script>alert(1)</script>"
    static let image = "\"><img src=x onerror=alert(2)>"

    /// A temporary observatory: a copy of Config/ whose pages' relances go to an outbox, an empty
    /// store, the account « marie » (assistant).
    struct Fixture: Sendable {
        var directory: URL
        var observatory: Observatory
        var site: WebSite
        var outbox: URL { directory.appendingPathComponent("envois") }

        func app() -> some ApplicationProtocol { Application(router: site.router()) }
    }

    func fixture(secure: Bool = false) throws -> Fixture {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("Config")
        try FileManager.default.copyItem(at: Self.repo.appendingPathComponent("Config"), to: config)
        let settings = config.appendingPathComponent("settings.yaml")
        var text = try String(contentsOf: settings, encoding: .utf8)
        text += "\n  outbox: \(directory.appendingPathComponent("envois").path)\n"
        if secure { text = text.replacingOccurrences(of: "secure_cookies: false", with: "secure_cookies: true") }
        try Data(text.utf8).write(to: settings)
        let observatory = try Observatory(configDirectory: config, databasePath: directory.appendingPathComponent("vigie.sqlite").path)
        _ = try AddUser(login: "marie", role: .assistant, name: "Marie Durand", password: Self.password, actor: "test", cost: 4).run(observatory)
        return Fixture(directory: directory, observatory: observatory, site: try WebSite(observatory: observatory))
    }

    // MARK: Helpers

    /// The value of the cookie `name` set by `response`, and the whole Set-Cookie line.
    static func setCookie(_ response: TestResponse, _ name: String) -> (value: String, line: String)? {
        for line in response.headers[values: .setCookie] where line.hasPrefix(name + "=") {
            let value = line.dropFirst(name.count + 1).prefix { $0 != ";" }
            return (String(value), line)
        }
        return nil
    }

    static func body(_ response: TestResponse) -> String { String(buffer: response.body) }

    /// The first hidden CSRF field of a page.
    static func csrf(_ page: String) -> String? {
        guard let match = page.firstMatch(of: /name="csrf" value="([0-9a-f]{64})"/) else { return nil }
        return String(match.1)
    }

    static func form(_ fields: [String: String]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let text = fields.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        return ByteBuffer(string: text)
    }

    static func headers(cookies: [String: String]) -> HTTPFields {
        var fields: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if !cookies.isEmpty { fields[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        return fields
    }

    /// Posts the login form as a browser does (the form's token and its cookie); `extra` adds cookies.
    static func logIn(_ client: some TestClientProtocol, login: String = "marie", password: String = WebTests.password,
                      extra: [String: String] = [:]) async throws -> TestResponse {
        let page = try await client.execute(uri: "/connexion", method: .get)
        let token = try XCTUnwrap(csrf(body(page)))
        let cookie = try XCTUnwrap(setCookie(page, "vigie_connexion")).value
        XCTAssertEqual(cookie, token)
        return try await client.execute(uri: "/connexion", method: .post,
                                        headers: headers(cookies: extra.merging(["vigie_connexion": cookie]) { a, _ in a }),
                                        body: form(["login": login, "password": password, "csrf": token]))
    }

    /// Logs in and returns the session cookie and the dashboard's CSRF token.
    static func session(_ client: some TestClientProtocol) async throws -> (cookie: String, csrf: String) {
        let response = try await logIn(client)
        XCTAssertEqual(response.status, .seeOther)
        let cookie = try XCTUnwrap(setCookie(response, "vigie_session")).value
        let dashboard = try await client.execute(uri: "/", method: .get, headers: headers(cookies: ["vigie_session": cookie]))
        XCTAssertEqual(dashboard.status, .ok)
        return (cookie, try XCTUnwrap(csrf(body(dashboard))))
    }

    static func audit(_ f: Fixture) throws -> [String] {
        try ListWebAudit().run(f.observatory).events.map { "\($0.login) | \($0.action) | \($0.detail)" }
    }

    static func outboxFiles(_ f: Fixture) -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: f.outbox.path)) ?? []
    }

    // MARK: Tests

    /// A browser asks /connexion again (another tab, the favicon's redirect): the form on screen stays valid.
    func testTheLoginPageKeepsTheTokenTheBrowserAlreadyHas() async throws {
        let f = try fixture()
        try await f.app().test(.router) { client in
            let first = try await client.execute(uri: "/connexion", method: .get)
            let token = try XCTUnwrap(Self.setCookie(first, "vigie_connexion")).value
            let again = try await client.execute(uri: "/connexion", method: .get, headers: Self.headers(cookies: ["vigie_connexion": token]))
            XCTAssertEqual(Self.csrf(Self.body(again)), token)
            let forged = try await client.execute(uri: "/connexion", method: .get, headers: Self.headers(cookies: ["vigie_connexion": "<x>"]))
            XCTAssertNotEqual(Self.csrf(Self.body(forged)), token)
            XCTAssertEqual(Self.csrf(Self.body(forged))?.count, 64)
            let response = try await client.execute(uri: "/connexion", method: .post, headers: Self.headers(cookies: ["vigie_connexion": token]),
                                                    body: Self.form(["login": "marie", "password": Self.password, "csrf": token]))
            XCTAssertEqual(response.status, .seeOther)
        }
    }

    func testEveryPageWithoutASessionRedirectsToTheLogin() async throws {
        let f = try fixture()
        try await f.app().test(.router) { client in
            for (method, uri) in [(HTTPRequest.Method.get, "/"), (.post, "/relances"), (.post, "/deconnexion"), (.get, "/inconnue")] {
                for cookies in [[:], ["vigie_session": String(repeating: "a", count: 64)], ["vigie_session": "x"]] {
                    let response = try await client.execute(uri: uri, method: method, headers: Self.headers(cookies: cookies),
                                                            body: Self.form(["csrf": "x", "partner": "ogif"]))
                    XCTAssertEqual(response.status, .seeOther, "\(method) \(uri) \(cookies)")
                    XCTAssertEqual(response.headers[.location], "/connexion", "\(method) \(uri)")
                }
            }
            let health = try await client.execute(uri: "/sante", method: .get)
            XCTAssertEqual(health.status, .ok)
            XCTAssertEqual(Self.body(health), "ok\n")
            let login = try await client.execute(uri: "/connexion", method: .get)
            XCTAssertEqual(login.status, .ok)
            XCTAssertTrue(Self.body(login).contains("Mot de passe"))
        }
        XCTAssertEqual(Self.outboxFiles(f), [])
    }

    func testAWrongPasswordFailsAndTheSixthAttemptIsThrottled() async throws {
        let f = try fixture()
        try await f.app().test(.router) { client in
            for _ in 1...5 {
                let response = try await Self.logIn(client, password: "pas le bon mot de passe")
                XCTAssertEqual(response.status, .unauthorized)
                XCTAssertTrue(Self.body(response).contains("Identifiant ou mot de passe incorrect."))
                XCTAssertNil(Self.setCookie(response, "vigie_session"))
            }
            // The right password, too late: refused without being checked.
            let sixth = try await Self.logIn(client)
            XCTAssertEqual(sixth.status, .tooManyRequests)
            XCTAssertTrue(Self.body(sixth).contains("Trop de tentatives : attendez 60 secondes"), Self.body(sixth))
            XCTAssertNil(Self.setCookie(sixth, "vigie_session"))
            // Another login from the same address is throttled too.
            let other = try await Self.logIn(client, login: "paul")
            XCTAssertEqual(other.status, .tooManyRequests)
        }
        let events = try Self.audit(f)
        XCTAssertEqual(events.filter { $0.hasPrefix("marie | connexion refusée") }.count, 5, events.joined(separator: "\n"))
        XCTAssertEqual(events.filter { $0.contains("connexion bloquée") }.count, 2, events.joined(separator: "\n"))
        XCTAssertFalse(events.contains { $0.hasPrefix("marie | connexion |") })
    }

    func testALoginSetsAStrictHttpOnlyCookieWithANewSessionID() async throws {
        let f = try fixture()
        let planted = String(repeating: "ab", count: 32)
        try await f.app().test(.router) { client in
            let response = try await Self.logIn(client, extra: ["vigie_session": planted])
            XCTAssertEqual(response.status, .seeOther)
            XCTAssertEqual(response.headers[.location], "/")
            let (value, line) = try XCTUnwrap(Self.setCookie(response, "vigie_session"))
            XCTAssertNotEqual(value, planted, "a session id given before the login is not kept")
            XCTAssertEqual(value.count, 64)
            XCTAssertTrue(line.contains("HttpOnly"), line)
            XCTAssertTrue(line.contains("SameSite=Strict"), line)
            XCTAssertTrue(line.contains("Path=/"), line)
            XCTAssertFalse(line.contains("Secure"), "not behind HTTPS by default: \(line)")
            let dashboard = try await client.execute(uri: "/", method: .get, headers: Self.headers(cookies: ["vigie_session": value]))
            XCTAssertEqual(dashboard.status, .ok)
            XCTAssertTrue(Self.body(dashboard).contains("Marie Durand"))
            let withPlanted = try await client.execute(uri: "/", method: .get, headers: Self.headers(cookies: ["vigie_session": planted]))
            XCTAssertEqual(withPlanted.status, .seeOther)
            // A second login: another id again.
            let again = try await Self.logIn(client)
            XCTAssertNotEqual(try XCTUnwrap(Self.setCookie(again, "vigie_session")).value, value)
            // The login form without its token (or with another) is refused.
            let forged = try await client.execute(uri: "/connexion", method: .post, headers: Self.headers(cookies: ["vigie_connexion": planted]),
                                                  body: Self.form(["login": "marie", "password": Self.password, "csrf": String(repeating: "cd", count: 32)]))
            XCTAssertEqual(forged.status, .forbidden)
            XCTAssertNil(Self.setCookie(forged, "vigie_session"))
        }
    }

    func testBehindHTTPSTheCookiesAreSecure() async throws {
        let f = try fixture(secure: true)
        XCTAssertTrue(f.observatory.config.settings.web.secureCookies)
        try await f.app().test(.router) { client in
            let page = try await client.execute(uri: "/connexion", method: .get)
            XCTAssertTrue(try XCTUnwrap(Self.setCookie(page, "vigie_connexion")).line.contains("Secure"))
            let response = try await Self.logIn(client)
            let line = try XCTUnwrap(Self.setCookie(response, "vigie_session")).line
            XCTAssertTrue(line.contains("Secure") && line.contains("HttpOnly") && line.contains("SameSite=Strict"), line)
        }
    }

    func testAPostWithAWrongOrMissingCSRFTokenIsRefusedAndChangesNothing() async throws {
        let f = try fixture()
        try await f.app().test(.router) { client in
            let (cookie, csrf) = try await Self.session(client)
            let before = try Self.audit(f)
            for fields in [["partner": "ogif"], ["partner": "ogif", "csrf": String(repeating: "0", count: 64)], ["partner": "ogif", "csrf": ""]] {
                for uri in ["/relances", "/deconnexion"] {
                    let response = try await client.execute(uri: uri, method: .post, headers: Self.headers(cookies: ["vigie_session": cookie]),
                                                            body: Self.form(fields))
                    XCTAssertEqual(response.status, .forbidden, "\(uri) \(fields)")
                    XCTAssertTrue(Self.body(response).contains("Formulaire refusé"), Self.body(response))
                }
            }
            XCTAssertEqual(Self.outboxFiles(f), [], "no reminder written")
            let still = try await client.execute(uri: "/", method: .get, headers: Self.headers(cookies: ["vigie_session": cookie]))
            XCTAssertEqual(still.status, .ok, "the session is still open")
            let added = try Self.audit(f).dropFirst(before.count)
            XCTAssertEqual(added.count, 6)
            XCTAssertTrue(added.allSatisfy { $0.hasPrefix("marie | formulaire refusé (jeton CSRF)") }, added.joined(separator: "\n"))
            // With the token, the same form goes through.
            let good = try await client.execute(uri: "/relances", method: .post, headers: Self.headers(cookies: ["vigie_session": cookie]),
                                                body: Self.form(["partner": "ogif", "csrf": csrf]))
            XCTAssertEqual(good.status, .ok)
        }
    }

    func testEveryPostIsRecordedInTheWebAuditWithTheLogin() async throws {
        let f = try fixture()
        try await f.app().test(.router) { client in
            let (cookie, csrf) = try await Self.session(client)
            let relances = try await client.execute(uri: "/relances", method: .post, headers: Self.headers(cookies: ["vigie_session": cookie]),
                                                    body: Self.form(["partner": "ogif", "csrf": csrf]))
            XCTAssertEqual(relances.status, .ok)
            XCTAssertTrue(Self.body(relances).contains("OGIF"), Self.body(relances))
            let out = try await client.execute(uri: "/deconnexion", method: .post, headers: Self.headers(cookies: ["vigie_session": cookie]),
                                               body: Self.form(["csrf": csrf]))
            XCTAssertEqual(out.status, .seeOther)
            XCTAssertEqual(out.headers[.location], "/connexion")
            let after = try await client.execute(uri: "/", method: .get, headers: Self.headers(cookies: ["vigie_session": cookie]))
            XCTAssertEqual(after.status, .seeOther, "the session ended")
        }
        let events = try Self.audit(f)
        for expected in ["marie | connexion | local", "marie | formulaire /relances | partner=ogif → 200", "marie | déconnexion | ",
                         "marie | formulaire /deconnexion | → 303"] {
            XCTAssertTrue(events.contains(expected), "\(expected) in\n\(events.joined(separator: "\n"))")
        }
        XCTAssertTrue(events.contains("test | compte créé | marie (assistant) — Marie Durand"), events.joined(separator: "\n"))
    }

    func testSecurityHeadersAreOnEveryResponse() async throws {
        let f = try fixture()
        try await f.app().test(.router) { client in
            let (cookie, _) = try await Self.session(client)
            let session = Self.headers(cookies: ["vigie_session": cookie])
            var responses: [(String, TestResponse)] = []
            for uri in ["/sante", "/connexion", "/style.css", "/", "/inconnue"] {
                responses.append((uri, try await client.execute(uri: uri, method: .get, headers: session)))
            }
            responses.append(("POST /relances sans jeton", try await client.execute(uri: "/relances", method: .post, headers: session, body: Self.form([:]))))
            responses.append(("GET / sans session", try await client.execute(uri: "/", method: .get)))
            responses.append(("POST trop gros", try await client.execute(uri: "/relances", method: .post, headers: session,
                                                                          body: ByteBuffer(repeating: UInt8(ascii: "a"), count: (1 << 20) + 10))))
            for (what, response) in responses {
                XCTAssertEqual(response.headers[.contentSecurityPolicy],
                               "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'", what)
                XCTAssertEqual(response.headers[.xContentTypeOptions], "nosniff", what)
                XCTAssertEqual(response.headers[HTTPFields.Element.Name("Referrer-Policy")!], "no-referrer", what)
                XCTAssertEqual(response.headers[HTTPFields.Element.Name("X-Frame-Options")!], "DENY", what)
                XCTAssertNotNil(response.headers[.cacheControl], what)
            }
            let statuses = Dictionary(uniqueKeysWithValues: responses.map { ($0.0, $0.1.status.code) })
            XCTAssertEqual(statuses["/inconnue"], 404)
            XCTAssertEqual(statuses["POST trop gros"], 413)
            XCTAssertEqual(responses.first { $0.0 == "/" }?.1.headers[.cacheControl], "no-store")
            // No external resource: every src and href of the pages is on the server.
            for (what, response) in responses where response.headers[.contentType]?.hasPrefix("text/html") == true {
                let html = Self.body(response)
                XCTAssertNil(html.firstMatch(of: /(?:src|href|action)="(?:https?:)?\/\//), what)
            }
        }
    }

    func testPartnersMarkupIsEscapedOnTheDashboard() async throws {
        let f = try fixture()
        // A nature OGIF sent that partners.yaml does not know (« non classé »), and a refused file with a hostile name.
        let counts = f.directory.appendingPathComponent("ogif.csv")
        try Data("Période;Groupe;Type d'incident;Nb\noctobre 2025;Franceschi;\(Self.script);3\n".utf8).write(to: counts)
        let loaded = try f.observatory.ingest(counts, partner: "ogif", feed: "incidents-residences")
        XCTAssertNotNil(loaded.outcome)
        let junk = f.directory.appendingPathComponent("junk.csv")
        try Data("rien;de;ce;qui;est;attendu\n1;2;3;4;5;6\n".utf8).write(to: junk)
        _ = try f.observatory.ingest(junk, partner: "creteil-habitat", feed: "incidents-residences", displayName: Self.image + ".csv")
        let status = try ShowStatus().run(f.observatory)
        XCTAssertTrue(status.todo.unclassified.contains { $0.nature == Self.script }, "\(status.todo.unclassified)")
        XCTAssertTrue(status.todo.refused.contains { $0.file.contains("onerror") }, "\(status.todo.refused)")
        try await f.app().test(.router) { client in
            let (cookie, _) = try await Self.session(client)
            let page = Self.body(try await client.execute(uri: "/", method: .get, headers: Self.headers(cookies: ["vigie_session": cookie])))
            XCTAssertTrue(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), page)
            XCTAssertTrue(page.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;.csv"), page)
            XCTAssertFalse(page.lowercased().contains("<script"))
            XCTAssertFalse(page.lowercased().contains("<img"))
        }
    }

    func testADisabledUserCannotLogInAndItsSessionsStop() async throws {
        let f = try fixture()
        try await f.app().test(.router) { client in
            let (cookie, _) = try await Self.session(client)
            _ = try DisableUser(login: "marie", actor: "coordinateur").run(f.observatory)
            let page = try await client.execute(uri: "/", method: .get, headers: Self.headers(cookies: ["vigie_session": cookie]))
            XCTAssertEqual(page.status, .seeOther)
            XCTAssertEqual(page.headers[.location], "/connexion")
            let login = try await Self.logIn(client)
            XCTAssertEqual(login.status, .unauthorized)
            XCTAssertNil(Self.setCookie(login, "vigie_session"))
        }
        XCTAssertTrue(try Self.audit(f).contains("coordinateur | compte désactivé | marie"))
    }
}
