import Foundation
import Hummingbird
import HummingbirdTesting
import XCTest

/// `make demo` leaves four web accounts (coordinator, assistant, a partner, an elected official) whose
/// passwords are only in demo/comptes-demo.txt (mode 600); each lands on its own space.
final class DemoAccountsTests: XCTestCase {
    func testTheDemoAccountsLogInWithThePasswordsOfTheirFileOnly() async throws {
        let demo = try DemoSite.make(for: self)
        let file = demo.directory.appendingPathComponent("demo/comptes-demo.txt")
        let mode = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: file.path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode & 0o077, 0, "readable by its owner only")
        let accounts = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
            .compactMap { $0.firstMatch(of: /^([a-z-]+) \((coordinateur|assistant|partenaire|elu)\) : (\S+)$/) }
            .map { (login: String($0.1), role: String($0.2), password: String($0.3)) }
        XCTAssertEqual(accounts.map(\.login), ["coordination", "assistante", "transports-strav", "mairie-creteil"])
        XCTAssertEqual(Set(accounts.map(\.password)).count, 4)
        let homes = ["coordinateur": "/", "assistant": "/", "partenaire": "/partenaire", "elu": "/elu"]
        let config = try String(contentsOf: demo.config.appendingPathComponent("settings.yaml"), encoding: .utf8)
        try await demo.app().test(.router) { client in
            for account in accounts {
                XCTAssertFalse(config.contains(account.password))
                let page = try await client.execute(uri: "/connexion", method: .get)
                let token = try XCTUnwrap(DemoSite.csrf(DemoSite.text(page)))
                for (password, status) in [(account.password + "x", HTTPResponse.Status.unauthorized), (account.password, .seeOther)] {
                    let response = try await client.execute(uri: "/connexion", method: .post, headers: DemoSite.formHeaders(["vigie_connexion": token]),
                                                            body: DemoSite.form(["login": account.login, "password": password, "csrf": token]))
                    XCTAssertEqual(response.status, status, account.login)
                    guard status == .seeOther, let cookie = response.headers[values: .setCookie].first(where: { $0.hasPrefix("vigie_session=") }) else { continue }
                    let home = try await client.execute(uri: "/", method: .get, headers: DemoSite.formHeaders(["vigie_session": String(cookie.dropFirst(14).prefix { $0 != ";" })]))
                    XCTAssertEqual(home.status == .ok ? "/" : home.headers[.location], homes[account.role], account.login)
                }
            }
        }
    }
}
