import Foundation
import Hummingbird
import HummingbirdTesting
import VigieCore
import VigiePipeline
import VigieWeb
import XCTest

/// The demo observatory for the pages' tests: `vigie demo` run once per test process into a
/// template folder (a copy of Config/), then copied whole for each test (its web outbox in its own `envois/`),
/// so a test may change the store or partners.yaml without touching another's.
struct DemoSite: Sendable {
    /// The test's own folder: `Config/`, `demo/vigie.sqlite`, `demo/bulletins/`, `envois/`.
    var directory: URL
    var observatory: Observatory
    var site: WebSite

    var config: URL { directory.appendingPathComponent("Config") }
    var outbox: URL { directory.appendingPathComponent("envois") }
    func app() -> some ApplicationProtocol { Application(router: site.router()) }

    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let password = "une phrase de passe assez longue"

    /// The template, built by the first test that asks (the demo takes a few seconds).
    private static let template: Result<URL, any Error> = Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-web-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("Config")
        try FileManager.default.copyItem(at: repo.appendingPathComponent("Config"), to: config)
        _ = try RunDemo(config: config, out: directory.appendingPathComponent("demo").path,
                        sampleData: repo.appendingPathComponent("SampleData").path, pdf: false).run()
        let observatory = try Observatory(configDirectory: config, databasePath: directory.appendingPathComponent("demo/vigie.sqlite").path)
        _ = try AddUser(login: "marie", role: .assistant, name: "Marie Durand", password: password, actor: "test", cost: 4).run(observatory)
        _ = try AddUser(login: "claire", role: .coordinateur, name: "Claire Martin", password: password, actor: "test", cost: 4).run(observatory)
        return directory
    }

    /// A fresh copy of the demo observatory for one test (removed at its end); accounts « marie »
    /// (assistant) and « claire » (coordinateur), both with `DemoSite.password`.
    /// `today` replaces the date in Paris (what is late, which week is « last week »).
    static func make(for test: XCTestCase, today: CivilDate? = nil) throws -> DemoSite {
        let template = try template.get()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-web-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: template, to: directory)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let settings = directory.appendingPathComponent("Config/settings.yaml")
        let text = try String(contentsOf: settings, encoding: .utf8) + "\n  outbox: \(directory.appendingPathComponent("envois").path)\n"
        try Data(text.utf8).write(to: settings)
        let observatory = try Observatory(configDirectory: directory.appendingPathComponent("Config"),
                                          databasePath: directory.appendingPathComponent("demo/vigie.sqlite").path, today: today)
        return DemoSite(directory: directory, observatory: observatory, site: try WebSite(observatory: observatory, today: today))
    }

    // MARK: A browser's gestures

    /// Logs in as `login` and returns the session cookie and a page's CSRF token.
    static func session(_ client: some TestClientProtocol, login: String = "marie") async throws -> Session {
        let page = try await client.execute(uri: "/connexion", method: .get)
        let token = try XCTUnwrap(csrf(text(page)))
        let response = try await client.execute(uri: "/connexion", method: .post,
                                                headers: formHeaders(["vigie_connexion": token]),
                                                body: form(["login": login, "password": password, "csrf": token]))
        XCTAssertEqual(response.status, .seeOther, text(response))
        let cookie = try XCTUnwrap(response.headers[values: .setCookie].first { $0.hasPrefix("vigie_session=") })
            .dropFirst("vigie_session=".count).prefix { $0 != ";" }
        var home = try await client.execute(uri: "/", method: .get, headers: formHeaders(["vigie_session": String(cookie)]))
        if home.status == .seeOther, let space = home.headers[.location] {   // a partner's or an elected official's space
            home = try await client.execute(uri: space, method: .get, headers: formHeaders(["vigie_session": String(cookie)]))
        }
        return Session(cookie: String(cookie), csrf: try XCTUnwrap(csrf(text(home))))
    }

    /// A logged-in browser: its cookie and the session's CSRF token.
    struct Session: Sendable {
        var cookie: String
        var csrf: String
        var headers: HTTPFields { DemoSite.formHeaders(["vigie_session": cookie]) }

        func get(_ client: some TestClientProtocol, _ uri: String) async throws -> TestResponse {
            try await client.execute(uri: uri, method: .get, headers: headers)
        }

        /// Posts a URL-encoded form with the session's CSRF token added.
        func post(_ client: some TestClientProtocol, _ uri: String, _ fields: [String: String]) async throws -> TestResponse {
            try await client.execute(uri: uri, method: .post, headers: headers,
                                     body: DemoSite.form(fields.merging(["csrf": csrf]) { a, _ in a }))
        }
    }

    static func text(_ response: TestResponse) -> String { String(buffer: response.body) }

    static func csrf(_ page: String) -> String? {
        page.firstMatch(of: /name="csrf" value="([0-9a-f]{64})"/).map { String($0.1) }
    }

    static func form(_ fields: [String: String]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return ByteBuffer(string: fields.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&"))
    }

    static func formHeaders(_ cookies: [String: String]) -> HTTPFields {
        var fields: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if !cookies.isEmpty { fields[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ") }
        return fields
    }
}
