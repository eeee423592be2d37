import Foundation
import Hummingbird
import HummingbirdTesting
import VigieCore
import VigiePipeline
import XCTest

/// Who may open what: every route called as nobody, as each role, and the objects of a space
/// as their owner and as another.
final class AccessTests: XCTestCase {
    /// Every route of the observatory's own pages, with an object of the demo where it takes one.
    static let staffRoutes: [(method: HTTPRequest.Method, path: String)] = [
        (.get, "/"), (.post, "/relances"),
        (.get, "/depots"), (.post, "/depots"), (.get, "/depots/1"), (.get, "/depots/1/original"), (.post, "/depots/1/colonnes"),
        (.get, "/classement"), (.post, "/classement"),
        (.get, "/faits-marquants"), (.get, "/faits-marquants/message?semaine=2026-W47&commune=94028"),
        (.post, "/faits-marquants/commentaires"), (.post, "/faits-marquants/commentaires/supprimer"),
        (.post, "/faits-marquants/approuver"), (.post, "/faits-marquants/envoyer"),
        (.get, "/bulletins"), (.get, "/bulletins/fichier"),
        (.post, "/bulletins/commentaires"), (.post, "/bulletins/commentaires/supprimer"),
        (.get, "/carte"), (.get, "/carte/quartier/creteil-mont-mesly"), (.get, "/recherche"),
        (.get, "/demandes"), (.post, "/demandes"), (.get, "/demandes/journal.csv"), (.get, "/demandes/DR-2026-001"),
        (.post, "/demandes/DR-2026-001/reponse"), (.post, "/demandes/DR-2026-001/relance"), (.post, "/demandes/DR-2026-001/traitement"),
        (.get, "/demandes/DR-2026-001/paquet/manifeste.json"),
    ]
    static let partnerRoutes: [(method: HTTPRequest.Method, path: String)] = [(.get, "/partenaire"), (.get, "/partenaire/depots/1")]
    static let eluRoutes: [(method: HTTPRequest.Method, path: String)] = [
        (.get, "/elu"), (.get, "/elu?semaine=2026-W47"), (.get, "/elu/bulletins"), (.get, "/elu/bulletins?type=mensuel&commune=94028&periode=2026-10"),
    ]

    func addAccounts(_ demo: DemoSite) throws {
        _ = try AddUser(login: "strav-web", role: .partenaire, name: "Sûreté STRAV", partner: "strav",
                        password: DemoSite.password, actor: "test", cost: 4).run(demo.observatory)
        _ = try AddUser(login: "maire-creteil", role: .elu, name: "Cabinet du maire", communes: ["Créteil"],
                        password: DemoSite.password, actor: "test", cost: 4).run(demo.observatory)
    }

    func testEveryRouteAsEveryRole() async throws {
        let demo = try DemoSite.make(for: self)
        try addAccounts(demo)
        try await demo.app().test(.router) { client in
            let staff = try await DemoSite.session(client, login: "claire")
            let partner = try await DemoSite.session(client, login: "strav-web")
            let elu = try await DemoSite.session(client, login: "maire-creteil")
            func call(_ route: (method: HTTPRequest.Method, path: String), as session: DemoSite.Session?) async throws -> TestResponse {
                var headers = session?.headers ?? DemoSite.formHeaders([:])
                headers[.contentType] = "application/x-www-form-urlencoded"
                return try await client.execute(uri: route.path, method: route.method, headers: headers,
                                                body: route.method == .post ? DemoSite.form(["csrf": session?.csrf ?? ""]) : nil)
            }
            for route in Self.staffRoutes + Self.partnerRoutes + Self.eluRoutes {
                let nobody = try await call(route, as: nil)
                XCTAssertEqual(nobody.status, .seeOther, "nobody \(route)")
                XCTAssertEqual(nobody.headers[.location], "/connexion", "nobody \(route)")
            }
            for route in Self.staffRoutes where route.path != "/" {
                for (who, session) in [("partenaire", partner), ("élu", elu)] {
                    let response = try await call(route, as: session)
                    XCTAssertEqual(response.status, .forbidden, "\(who) \(route)")
                    XCTAssertTrue(DemoSite.text(response).contains("Cette page n&#39;est pas ouverte à votre compte."), "\(who) \(route)")
                }
                let own = try await call(route, as: staff)
                XCTAssertNotEqual(own.status, .forbidden, "coordinateur \(route): \(DemoSite.text(own).prefix(300))")
            }
            for route in Self.partnerRoutes + Self.eluRoutes {
                let response = try await call(route, as: staff)
                XCTAssertEqual(response.status, .forbidden, "coordinateur \(route)")
            }
            for route in Self.eluRoutes {
                let response = try await call(route, as: partner)
                XCTAssertEqual(response.status, .forbidden, "partenaire \(route)")
            }
            let eluInPartnerSpace = try await call(Self.partnerRoutes[0], as: elu)
            XCTAssertEqual(eluInPartnerSpace.status, .forbidden)
            let partnerHome = try await call((.get, "/"), as: partner), eluHome = try await call((.get, "/"), as: elu)
            XCTAssertEqual(partnerHome.headers[.location], "/partenaire")
            XCTAssertEqual(eluHome.headers[.location], "/elu")
            // The API answers only a bearer token: no session cookie, of any role, opens it.
            for route in [(HTTPRequest.Method.get, "/api/depots"), (.get, "/api/depots/1"), (.post, "/api/depots?flux=incidents-transport&nom=a.csv")] {
                for (who, session) in [("nobody", nil), ("coordinateur", staff), ("partenaire", partner), ("élu", elu)] as [(String, DemoSite.Session?)] {
                    let response = try await call(route, as: session)
                    XCTAssertEqual(response.status, .unauthorized, "\(who) \(route)")
                }
            }
            // Each still logs out.
            let out = try await call((.post, "/deconnexion"), as: partner)
            XCTAssertEqual(out.headers[.location], "/connexion")
        }
    }

    /// A partner sees its own submissions and none of another's, even by guessing the number.
    func testAPartnerReadsOnlyItsOwnSubmissions() async throws {
        let demo = try DemoSite.make(for: self)
        try addAccounts(demo)
        let own = try ListDepots(partner: "strav", feed: nil, page: 1).run(demo.observatory)
        let other = try ListDepots(partner: "ratp", feed: nil, page: 1).run(demo.observatory)
        let ownEntry = try XCTUnwrap(own.entries.first), otherEntry = try XCTUnwrap(other.entries.first)
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client, login: "strav-web")
            let space = DemoSite.text(try await session.get(client, "/partenaire"))
            XCTAssertTrue(space.contains("Vos dépôts (\(own.total))"), space)
            XCTAssertTrue(space.contains(">\(ownEntry.file)<"), space)
            XCTAssertFalse(space.contains(otherEntry.file), "another partner's file is never listed")
            XCTAssertFalse(space.contains("href=\"/depots"), "no link into the observatory's ledger")
            let mine = try await session.get(client, "/partenaire/depots/\(ownEntry.id)")
            XCTAssertEqual(mine.status, .ok)
            XCTAssertTrue(DemoSite.text(mine).contains(ownEntry.file))
            let guessed = try await session.get(client, "/partenaire/depots/\(otherEntry.id)")
            XCTAssertEqual(guessed.status, .notFound)
            XCTAssertFalse(DemoSite.text(guessed).contains(otherEntry.file))
            let missing = try await session.get(client, "/partenaire/depots/999999")
            XCTAssertEqual(missing.status, .notFound)
        }
    }

    /// A partner uploads on its page: loaded as the nightly run loads it, the report at once, a
    /// corrected file replacing the first; another partner's feed is refused and nothing is stored.
    func testAPartnerUploadsReadsItsReportAndSendsACorrection() async throws {
        let demo = try DemoSite.make(for: self)
        try addAccounts(demo)
        let sample = try String(contentsOf: DemoSite.repo.appendingPathComponent("SampleData/strav/incidents-transport/strav_incidents_2026-10.csv"),
                                encoding: .utf8)
        // The October file moved to November (a month the demo does not have), then corrected: one row fewer.
        let november = sample.replacingOccurrences(of: "/10/2026", with: "/11/2026")
        let lines = november.split(whereSeparator: \.isNewline)   // CRLF: one Character
        let corrected = lines.dropLast().joined(separator: "\r\n") + "\r\n"
        let before = try ListDepots(partner: "strav", feed: nil, page: 1).run(demo.observatory).total
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client, login: "strav-web")
            let first = try await DepotsTests.upload(client, session, files: [("strav_incidents_2026-11.csv", Data(november.utf8))],
                                                     fields: ["flux": "incidents-transport"], to: "/partenaire/depots")
            var page = DemoSite.text(first)
            XCTAssertEqual(first.status, .ok, page)
            XCTAssertTrue(page.contains("<tr><th>Lignes lues</th><td class=\"n\">\(lines.count - 1)</td></tr>"), page)
            XCTAssertTrue(page.contains("<tr><th>Lignes chargées</th><td class=\"n\">\(lines.count - 1)</td></tr>"), page)
            XCTAssertFalse(page.contains("href=\"/depots") || page.contains("href=\"/classement\""), "no link into the staff's pages")
            let firstID = try XCTUnwrap(page.firstMatch(of: /href="\/partenaire\/depots\/([0-9]+)"/).map { String($0.1) })
            let second = try await DepotsTests.upload(client, session, files: [("strav_incidents_2026-11-corrige.csv", Data(corrected.utf8))],
                                                      fields: ["flux": "incidents-transport"], to: "/partenaire/depots")
            page = DemoSite.text(second)
            XCTAssertTrue(page.contains("<tr><th>Lignes chargées</th><td class=\"n\">\(lines.count - 2)</td></tr>"), page)
            XCTAssertTrue(page.contains("Remplace le <a href=\"/partenaire/depots/\(firstID)\">dépôt n° \(firstID)</a>"), page)
            let foreign = try await DepotsTests.upload(client, session, files: [("faits-marquants_2026-W48.csv", Data(november.utf8))],
                                                       fields: ["flux": "faits-marquants"], to: "/partenaire/depots")
            XCTAssertEqual(foreign.status, .badRequest)
        }
        let after = try ListDepots(partner: "strav", feed: nil, page: 1).run(demo.observatory)
        XCTAssertEqual(after.total, before + 2, "two submissions, the refused feed none")
        XCTAssertEqual(try ListDepots(partner: "police-nationale", feed: "faits-marquants", page: 1).run(demo.observatory).entries
                        .filter { $0.file == "faits-marquants_2026-W48.csv" }.count, 0)
    }

    /// The owner answers a request on its page, only for itself; the coordinator sees it at once;
    /// a partner that owns none of its data cannot read it.
    func testAnOwnerAnswersOnItsPageAndOnlyForItself() async throws {
        let demo = try DemoSite.make(for: self)
        try addAccounts(demo)
        _ = try AddUser(login: "ogif-web", role: .partenaire, partner: "ogif", password: DemoSite.password, actor: "test", cost: 4)
            .run(demo.observatory)
        try await demo.app().test(.router) { client in
            let coordinator = try await DemoSite.session(client, login: "claire")
            let id = try await DemandesPageTests.create(client, coordinator, DemandesPageTests.newRequestForm())
            let ogif = try await DemoSite.session(client, login: "ogif-web")
            let strav = try await DemoSite.session(client, login: "strav-web")
            let space = DemoSite.text(try await ogif.get(client, "/partenaire"))
            XCTAssertTrue(space.contains("href=\"/partenaire/demandes/\(id)\""), space)
            let page = DemoSite.text(try await ogif.get(client, "/partenaire/demandes/\(id)"))
            XCTAssertTrue(page.contains("Diagnostic local de sécurité") && page.contains("incidents-residences"), page)
            XCTAssertFalse(page.contains("etat4001"), "another owner's data is not listed")
            let stranger = try await strav.get(client, "/partenaire/demandes/\(id)")
            XCTAssertEqual(stranger.status, .notFound, "strav owns none of its data")
            let strangerAnswer = try await strav.post(client, "/partenaire/demandes/\(id)/reponse", ["decision": "accord"])
            XCTAssertEqual(strangerAnswer.status, .notFound)

            let noReason = try await ogif.post(client, "/partenaire/demandes/\(id)/reponse", ["decision": "refus"])
            XCTAssertEqual(noReason.status, .badRequest)
            XCTAssertTrue(DemoSite.text(noReason).contains("Un refus demande son motif"))
            // Naming another owner in the form changes nothing: the answer is the session's partner's.
            let refused = try await ogif.post(client, "/partenaire/demandes/\(id)/reponse",
                                              ["decision": "refus", "motif": "Données nominatives de résidents", "proprietaire": "police-nationale"])
            XCTAssertEqual(refused.status, .seeOther, DemoSite.text(refused))
            let staffPage = DemoSite.text(try await coordinator.get(client, "/demandes/\(id)"))
            XCTAssertTrue(staffPage.contains("refus — motif : Données nominatives de résidents"), "the coordinator sees it at once")
        }
        let detail = try XCTUnwrap(try RequestDetail(id: try XCTUnwrap(try demo.observatory.store.requests().last?.id)).run(demo.observatory).detail)
        XCTAssertEqual(detail.answers.first { $0.owner == "ogif" }?.decision, .refused)
        XCTAssertEqual(detail.answers.first { $0.owner == "police-nationale" }?.decision, .pending)
    }

    /// An elected official reads its communes' bulletins and diagnostics, and is refused another's.
    func testAnElectedOfficialReadsItsCommunesBulletinsAndIsRefusedAnother() async throws {
        let demo = try DemoSite.make(for: self)
        try addAccounts(demo)
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client, login: "maire-creteil")
            let form = DemoSite.text(try await session.get(client, "/elu/bulletins"))
            XCTAssertTrue(form.contains("<option value=\"94028\">Créteil</option>"), form)
            XCTAssertFalse(form.contains("Alfortville"), "only its communes to choose")
            let own = try await session.get(client, "/elu/bulletins?type=mensuel&commune=94028&periode=2026-10")
            XCTAssertEqual(own.status, .ok)
            XCTAssertTrue(DemoSite.text(own).contains("class=\"bulletin-view\""))
            for uri in ["/elu/bulletins?type=mensuel&commune=94002&periode=2026-10", "/elu/bulletins?type=mensuel&periode=2026-10",
                        "/elu/bulletins?type=semestriel&periode=2026-S1", "/elu/bulletins?type=diagnostic&lieu=Alfortville&du=2026-01&au=2026-06"] {
                let refused = try await session.get(client, uri)
                XCTAssertEqual(refused.status, .forbidden, uri)
                XCTAssertFalse(DemoSite.text(refused).contains("bulletin-view"), uri)
            }
            let quartier = try await session.get(client, "/elu/bulletins?type=diagnostic&lieu=Mont-Mesly&du=2026-01&au=2026-06")
            XCTAssertEqual(quartier.status, .ok, "a quartier of its commune: \(DemoSite.text(quartier).prefix(400))")
            let style = try await client.execute(uri: "/bulletins/bulletin.css", method: .get)
            XCTAssertEqual(style.status, .ok, "the bulletins' style sheet, no data, for every page")
        }
    }

    /// An elected official reads its communes' faits marquants, never another commune's.
    func testAnElectedOfficialReadsOnlyItsCommunes() async throws {
        let demo = try DemoSite.make(for: self)
        try addAccounts(demo)
        let review = try ReviewWeekly(week: Period("2026-W47")!).run(demo.observatory)
        let creteil = try XCTUnwrap(review.communes.first { $0.commune == "94028" })
        let others = review.communes.filter { $0.commune != "94028" }
        XCTAssertFalse(others.isEmpty)
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client, login: "maire-creteil")
            let page = DemoSite.text(try await session.get(client, "/elu?semaine=2026-W47"))
            XCTAssertTrue(page.contains(creteil.subject.replacingOccurrences(of: "'", with: "&#39;")), page)
            for other in others { XCTAssertFalse(page.contains(other.subject), "\(other.communeName) is not its commune") }
            XCTAssertTrue(page.contains("en préparation"), "not approved yet: said so")
            XCTAssertTrue(page.contains("Mes communes"), "its own navigation")
            XCTAssertFalse(page.contains("href=\"/depots\""), "no staff navigation")
        }
    }

    func testAccountsOfPartnersAndElectedOfficialsAreChecked() throws {
        let demo = try DemoSite.make(for: self)
        func add(_ role: WebRole, partner: String? = nil, communes: [String] = []) -> String {
            do {
                _ = try AddUser(login: "essai", role: role, partner: partner, communes: communes, password: DemoSite.password,
                                actor: "test", cost: 4).run(demo.observatory)
                return "créé"
            } catch let error as VigieError { return error.message } catch { return "\(error)" }
        }
        XCTAssertEqual(add(.partenaire), "un compte partenaire nomme son partenaire")
        XCTAssertEqual(add(.partenaire, partner: "inconnu"), "partenaire « inconnu » inconnu")
        XCTAssertEqual(add(.elu), "un compte d'élu nomme sa ou ses communes")
        XCTAssertEqual(add(.assistant, partner: "strav"), "--partner et --commune ne vont qu'avec --role partenaire ou elu")
        XCTAssertEqual(add(.elu, communes: ["Creteil", "94002", "créteil"]), "créé")
        let account = try XCTUnwrap(try ListUsers().run(demo.observatory).accounts.first { $0.login == "essai" })
        XCTAssertEqual(account.communes, ["94028", "94002"], "by any name, once each")
    }
}
