import Foundation
import Hummingbird
import HummingbirdTesting
import VigieCore
import VigiePipeline
import XCTest

/// Who may open what: every route called as nobody, as each role, and the objects of a space
/// as their owner and as another.
final class AccessTests: XCTestCase {
    /// The role rules the matrix is generated from, as the issue states them (written here, not
    /// read from `Access`): the login page, monitoring and style sheets are open; the API is its
    /// tokens'; /partenaire a partner's, /elu an elected official's; every other page the staff's.
    enum Space: String { case open, anyAccount, staff, partner, elu, api }

    static func space(of path: String) -> Space {
        if ["/connexion", "/sante", "/style.css", "/bulletins/bulletin.css", "/api/openapi.json"].contains(path) { return .open }
        if path == "/deconnexion" { return .anyAccount }
        if path.hasPrefix("/api/") { return .api }
        if path == "/partenaire" || path.hasPrefix("/partenaire/") { return .partner }
        if path == "/elu" || path.hasPrefix("/elu/") { return .elu }
        return .staff
    }

    /// One call of a route: its URI (captures filled, a query for objects named there), its form,
    /// and whether the object is the caller's own; a call on another's object must be refused with `refusal`.
    struct Call {
        var uri: String
        var form: [String: String] = [:]
        var own = true
        var refusal: HTTPResponse.Status = .notFound
    }

    func addAccounts(_ demo: DemoSite) throws {
        _ = try AddUser(login: "strav-web", role: .partenaire, name: "Sûreté STRAV", partner: "strav",
                        password: DemoSite.password, actor: "test", cost: 4).run(demo.observatory)
        _ = try AddUser(login: "maire-creteil", role: .elu, name: "Cabinet du maire", communes: ["Créteil"],
                        password: DemoSite.password, actor: "test", cost: 4).run(demo.observatory)
    }

    /// Every route the server registers, called as nobody, as a token of the API, and as each kind
    /// of account, on its own objects and on another's. A route added without objects here fails the
    /// test, so none is left out.
    func testEveryRegisteredRouteAsEveryRoleOnOwnAndOthersObjects() async throws {
        let demo = try DemoSite.make(for: self)
        try addAccounts(demo)
        let observatory = demo.observatory
        let stravDepot = try XCTUnwrap(try ListDepots(partner: "strav", feed: nil, page: 1).run(observatory).entries.first).id
        let ratpDepot = try XCTUnwrap(try ListDepots(partner: "ratp", feed: nil, page: 1).run(observatory).entries.first).id
        let stravToken = try AddToken(partner: "strav", actor: "test").run(observatory).token
        let ask = try AskDiagnostic(login: "maire-creteil", communes: ["94028"], place: "Mont-Mesly", from: Period("2026-01")!,
                                    to: Period("2026-06")!, note: nil).run(observatory).id
        let demoRequest = try XCTUnwrap(try observatory.store.requests().first).id
        let demoOwners = try XCTUnwrap(try RequestDetail(id: demoRequest).run(observatory).detail).answers.map(\.owner)
        XCTAssertFalse(demoOwners.contains("strav"), "the demo's request is another owner's")
        let routes = demo.site.router().routes.map { (method: $0.method, path: $0.path.description) }
        XCTAssertGreaterThan(routes.count, 40)

        try await demo.app().test(.router) { client in
            let staff = try await DemoSite.session(client, login: "claire")
            let partner = try await DemoSite.session(client, login: "strav-web")
            let elu = try await DemoSite.session(client, login: "maire-creteil")
            let stravRequest = try await DemandesPageTests.create(client, staff, DemandesPageTests.newRequestForm(feeds: ["strav/incidents-transport"]))
            // A file sent through the API: Vigie keeps its original (the demo's were loaded from a folder).
            let sample = try Data(contentsOf: DemoSite.repo.appendingPathComponent("SampleData/strav/incidents-transport/strav_incidents_2026-10.csv"))
            let sent = try await client.execute(uri: "/api/depots?flux=incidents-transport&nom=strav_incidents_2026-10.csv", method: .post,
                                                headers: ApiTests.bearer(stravToken), body: ByteBuffer(bytes: sample))
            let kept = try XCTUnwrap(try ApiTests.object(sent)["depot"] as? Int, DemoSite.text(sent))

            /// The objects of each route with a capture or a choice of object; the others are called as they are.
            let objects: [String: [Call]] = [
                "/depots/{id}": [Call(uri: "/depots/\(stravDepot)")],
                "/depots/{id}/original": [Call(uri: "/depots/\(kept)/original")],
                "/depots/{id}/colonnes": [Call(uri: "/depots/\(stravDepot)/colonnes")],
                "/carte/quartier/{id}": [Call(uri: "/carte/quartier/cre-mont-mesly")],
                "/demandes/{id}": [Call(uri: "/demandes/\(demoRequest)")],
                "/demandes/{id}/reponse": [Call(uri: "/demandes/\(demoRequest)/reponse")],
                "/demandes/{id}/relance": [Call(uri: "/demandes/\(demoRequest)/relance")],
                "/demandes/{id}/traitement": [Call(uri: "/demandes/\(demoRequest)/traitement")],
                "/demandes/{id}/paquet/{file}": [Call(uri: "/demandes/\(demoRequest)/paquet/manifeste.json")],
                "/diagnostics/{id}/traite": [Call(uri: "/diagnostics/\(ask)/traite")],
                "/faits-marquants/message": [Call(uri: "/faits-marquants/message?semaine=2026-W47&commune=94028")],
                "/partenaire/depots/{id}": [Call(uri: "/partenaire/depots/\(stravDepot)"),
                                            Call(uri: "/partenaire/depots/\(ratpDepot)", own: false)],
                "/partenaire/depots": [Call(uri: "/partenaire/depots", form: ["flux": "incidents-transport"]),
                                       Call(uri: "/partenaire/depots", form: ["flux": "faits-marquants"], own: false, refusal: .badRequest)],
                "/partenaire/demandes/{id}": [Call(uri: "/partenaire/demandes/\(stravRequest)"),
                                              Call(uri: "/partenaire/demandes/\(demoRequest)", own: false)],
                "/partenaire/demandes/{id}/reponse": [Call(uri: "/partenaire/demandes/\(stravRequest)/reponse"),
                                                      Call(uri: "/partenaire/demandes/\(demoRequest)/reponse", own: false)],
                "/elu": [Call(uri: "/elu?semaine=2026-W47")],
                "/elu/bulletins": [Call(uri: "/elu/bulletins?type=mensuel&commune=94028&periode=2026-10"),
                                   Call(uri: "/elu/bulletins?type=semestriel&periode=2026-S1"),
                                   Call(uri: "/elu/bulletins?type=diagnostic&lieu=Mont-Mesly&du=2026-01&au=2026-06"),
                                   Call(uri: "/elu/bulletins?type=mensuel&commune=94002&periode=2026-10", own: false, refusal: .forbidden),
                                   Call(uri: "/elu/bulletins?type=diagnostic&lieu=Alfortville&du=2026-01&au=2026-06", own: false, refusal: .forbidden)],
                "/elu/diagnostics": [Call(uri: "/elu/diagnostics", form: ["lieu": "Créteil", "du": "2026-01", "au": "2026-06"]),
                                     Call(uri: "/elu/diagnostics", form: ["lieu": "Alfortville", "du": "2026-01", "au": "2026-06"],
                                          own: false, refusal: .badRequest)],
                "/api/depots/{id}": [Call(uri: "/api/depots/\(stravDepot)"), Call(uri: "/api/depots/\(ratpDepot)", own: false)],
                "GET /api/depots": [Call(uri: "/api/depots?page=1")],
                "POST /api/depots": [Call(uri: "/api/depots?flux=incidents-transport&nom=a.csv"),
                                Call(uri: "/api/depots?flux=faits-marquants&nom=a.csv", own: false, refusal: .badRequest)],
            ]
            enum Caller { case nobody, token, account(String, DemoSite.Session, Space) }
            let callers: [Caller] = [.nobody, .token, .account("coordinateur", staff, .staff), .account("partenaire", partner, .partner),
                                     .account("élu", elu, .elu)]
            var checked = 0
            for route in routes.sorted(by: { ($0.path, $0.method.rawValue) < ($1.path, $1.method.rawValue) }) where route.path != "/deconnexion" {
                let space = Self.space(of: route.path.replacingOccurrences(of: "{id}", with: "1"))
                guard let calls = objects["\(route.method) \(route.path)"] ?? objects[route.path] ?? (route.path.contains("{") ? nil : [Call(uri: route.path)]) else {
                    XCTFail("\(route.method) \(route.path): no object for the matrix — add one to `objects`")
                    continue
                }
                for call in calls {
                    if route.method == .get, !call.form.isEmpty { continue }
                    for caller in callers {
                        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                        var form = call.form
                        let who: String
                        switch caller {
                        case .nobody: who = "nobody"
                        case .token: who = "jeton strav"; headers[.authorization] = "Bearer \(stravToken)"
                        case .account(let name, let session, _):
                            who = name
                            headers = session.headers
                            form["csrf"] = session.csrf
                        }
                        let response = try await client.execute(uri: call.uri, method: route.method, headers: headers,
                                                                body: route.method == .post ? DemoSite.form(form) : nil)
                        let what = "\(who) \(route.method) \(call.uri) (\(call.own ? "own" : "another's"))"
                        checked += 1
                        XCTAssertLessThan(response.status.code, 500, what)
                        // What the rules say this caller gets.
                        switch (space, caller) {
                        case (.open, _): XCTAssertNotEqual(response.status, .unauthorized, what)
                        case (.api, .token):
                            if call.own { XCTAssertFalse([401, 403, 404].contains(response.status.code), "\(what): \(DemoSite.text(response).prefix(200))") }
                            else { XCTAssertEqual(response.status, call.refusal, what) }
                        case (.api, _): XCTAssertEqual(response.status, .unauthorized, what)
                        case (_, .nobody), (_, .token):
                            XCTAssertEqual(response.status, .seeOther, what)
                            XCTAssertEqual(response.headers[.location], "/connexion", what)
                        case (let space, .account(_, _, let home)) where space != home:
                            if route.path == "/" { XCTAssertEqual(response.status, .seeOther, what) }   // to the account's own space
                            else {
                                XCTAssertEqual(response.status, .forbidden, what)
                                XCTAssertTrue(DemoSite.text(response).contains("Cette page n&#39;est pas ouverte à votre compte."), what)
                            }
                        case (_, .account):
                            if call.own {
                                XCTAssertFalse([401, 403, 404].contains(response.status.code), "\(what): \(DemoSite.text(response).prefix(300))")
                            } else {
                                XCTAssertEqual(response.status, call.refusal, "\(what): \(DemoSite.text(response).prefix(300))")
                            }
                        }
                    }
                }
            }
            XCTAssertGreaterThan(checked, 250)
            let partnerHome = try await partner.get(client, "/"), eluHome = try await elu.get(client, "/")
            XCTAssertEqual(partnerHome.headers[.location], "/partenaire")
            XCTAssertEqual(eluHome.headers[.location], "/elu")
            // Each logs out (last: it ends the session).
            for session in [staff, partner, elu] {
                let out = try await session.post(client, "/deconnexion", [:])
                XCTAssertEqual(out.headers[.location], "/connexion")
            }
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
                        "/elu/bulletins?type=diagnostic&lieu=Alfortville&du=2026-01&au=2026-06"] {
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

    /// The semester study for an elected official: its communes' faits marquants only (each of the
    /// week's faits of Créteil is counted, no other commune's is there); the coordinator's holds all.
    func testAnElectedOfficialsSemesterStudyHoldsOnlyItsCommunesFaitsMarquants() async throws {
        let demo = try DemoSite.make(for: self)
        try addAccounts(demo)
        /// The faits-by-commune-and-quartier table of a semester page: its rows' communes and counts.
        @Sendable func faitsByCommune(_ page: String) throws -> [String: Int] {
            let table = try XCTUnwrap(page.components(separatedBy: "<h3>Faits marquants retenus par commune et quartier</h3>").dropFirst().first)
                .components(separatedBy: "</table>")[0]
            var counts: [String: Int] = [:]
            for row in table.matches(of: /<tr><td>([^<]*)<\/td><td>[^<]*<\/td><td class="n">([0-9]+)<\/td><\/tr>/) {
                counts[String(row.1), default: 0] += Int(row.2) ?? 0
            }
            return counts
        }
        try await demo.app().test(.router) { client in
            let elu = try await DemoSite.session(client, login: "maire-creteil")
            let staff = try await DemoSite.session(client, login: "claire")
            let own = try await elu.get(client, "/elu/bulletins?type=semestriel&periode=2026-S1")
            XCTAssertEqual(own.status, .ok)
            let page = DemoSite.text(own)
            XCTAssertTrue(page.contains("Faits marquants et lieux aux faits répétés : ceux de Créteil seulement"), page)
            let full = DemoSite.text(try await staff.get(client, "/bulletins?type=semestriel&periode=2026-S1"))
            let all = try faitsByCommune(full), mine = try faitsByCommune(page)
            XCTAssertGreaterThan(all.keys.count, 1, "the territory's study holds several communes: \(all)")
            XCTAssertEqual(Set(mine.keys), ["Créteil"], "\(mine)")
            XCTAssertEqual(mine["Créteil"], all["Créteil"], "every fait of Créteil is there")
            XCTAssertFalse(full.contains("ceux de Créteil seulement"))
        }
    }

    /// An elected official asks the coordinator for a diagnostic: recorded, on the coordinator's
    /// dashboard and in `vigie status`, marked done there, and the official reads its state.
    func testAnElectedOfficialAsksForADiagnosticAndTheCoordinatorSeesIt() async throws {
        let demo = try DemoSite.make(for: self)
        try addAccounts(demo)
        try await demo.app().test(.router) { client in
            let elu = try await DemoSite.session(client, login: "maire-creteil")
            let staff = try await DemoSite.session(client, login: "claire")
            let outside = try await elu.post(client, "/elu/diagnostics", ["lieu": "Alfortville", "du": "2026-01", "au": "2026-06"])
            XCTAssertEqual(outside.status, .badRequest)
            XCTAssertTrue(DemoSite.text(outside).contains("n&#39;est pas l&#39;une de vos communes"), DemoSite.text(outside))
            let backwards = try await elu.post(client, "/elu/diagnostics", ["lieu": "Créteil", "du": "2026-06", "au": "2026-01"])
            XCTAssertEqual(backwards.status, .badRequest)
            XCTAssertTrue(try demo.observatory.store.diagnosticAsks().isEmpty, "nothing recorded for a refused ask")

            let asked = try await elu.post(client, "/elu/diagnostics", ["lieu": "Mont-Mesly", "du": "2026-01", "au": "2026-06",
                                                                         "precision": "Pour le conseil municipal <du 12>"])
            XCTAssertEqual(asked.status, .seeOther)
            var page = DemoSite.text(try await elu.get(client, try XCTUnwrap(asked.headers[.location])))
            XCTAssertTrue(page.contains("Demande transmise au coordinateur"), page)
            XCTAssertTrue(page.contains("Mont-Mesly, 2026-01 à 2026-06") && page.contains("en attente du coordinateur"), page)
            XCTAssertTrue(page.contains("Pour le conseil municipal &lt;du 12&gt;"), "escaped")

            let ask = try XCTUnwrap(try demo.observatory.store.diagnosticAsks().first)
            XCTAssertEqual(ask.login, "maire-creteil")
            let dashboard = DemoSite.text(try await staff.get(client, "/"))
            XCTAssertTrue(dashboard.contains("Diagnostics demandés par les élus"), dashboard)
            XCTAssertTrue(dashboard.contains("href=\"/bulletins?type=diagnostic&amp;lieu=Mont-Mesly&amp;du=2026-01&amp;au=2026-06\""), dashboard)
            XCTAssertTrue(try ShowStatus().run(demo.observatory).text.contains("n° \(ask.id) — Mont-Mesly, 2026-01 à 2026-06, demandé par maire-creteil"))
            XCTAssertTrue(try demo.observatory.store.webAuditEvents().contains { $0.action == "diagnostic demandé" && $0.login == "maire-creteil" })

            let done = try await staff.post(client, "/diagnostics/\(ask.id)/traite", [:])
            XCTAssertEqual(done.status, .seeOther)
            let after = DemoSite.text(try await staff.get(client, "/"))
            XCTAssertFalse(after.contains("Diagnostics demandés par les élus"))
            page = DemoSite.text(try await elu.get(client, "/elu/bulletins"))
            XCTAssertTrue(page.contains("traitée le"), page)
            let again = try await staff.post(client, "/diagnostics/\(ask.id)/traite", [:])
            XCTAssertEqual(again.status, .notFound, "already done")
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
