import Foundation
import Hummingbird
import HummingbirdTesting
import VigieCore
import VigiePipeline
import XCTest

/// « Demandes »: a data request from the form to its package, each step through the page.
final class DemandesPageTests: XCTestCase {
    /// Feeds of three owners (police twice): three consent requests, one per owner.
    static let feeds = ["police-nationale/faits-marquants", "police-nationale/etat4001", "creteil-habitat/incidents-residences",
                        "ogif/incidents-residences"]

    static func newRequestForm(purpose: String = "Diagnostic local de sécurité", feeds: [String] = feeds) -> [String: String] {
        var form = ["demandeur": "94028", "objet": purpose, "du": "2026-01", "au": "2026-06", "zone": "Créteil",
                    "niveau": "quartier", "colonnes": "category"]
        for feed in feeds { form["flux:" + feed] = "oui" }
        return form
    }

    /// The .eml files of the web outbox, by name.
    static func outbox(_ demo: DemoSite) -> [String: String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: demo.outbox.path)) ?? []
        var files: [String: String] = [:]
        for name in names where name.hasSuffix(".eml") {
            files[name] = try? String(contentsOf: demo.outbox.appendingPathComponent(name), encoding: .utf8)
        }
        return files
    }

    /// A message's header block (before the first blank line).
    static func headers(_ eml: String) -> String {
        String(eml.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n").first ?? "")
    }

    /// The contact email of a partner, read from partners.yaml by the test itself.
    static func email(_ demo: DemoSite, partner: String) throws -> String {
        let yaml = try String(contentsOf: demo.config.appendingPathComponent("partners.yaml"), encoding: .utf8)
        let block = try XCTUnwrap(yaml.components(separatedBy: "  - id: ").first { $0.hasPrefix(partner + "\n") })
        return try XCTUnwrap(block.firstMatch(of: /email: ([^,} ]+)/)).1.description
    }

    static func requestIDs(_ demo: DemoSite) throws -> [String] {
        try demo.observatory.store.requests().map(\.id)
    }

    /// Posts the form and returns the new request's id (from the redirect).
    static func create(_ client: some TestClientProtocol, _ session: DemoSite.Session, _ form: [String: String]) async throws -> String {
        let response = try await session.post(client, "/demandes", form)
        XCTAssertEqual(response.status, .seeOther, DemoSite.text(response))
        let location = try XCTUnwrap(response.headers[.location])
        return try XCTUnwrap(location.firstMatch(of: /^\/demandes\/(DR-[0-9]{4}-[0-9]{3})\?/)).1.description
    }

    func testANewRequestThroughTheFormWritesOneConsentMessagePerOwnerAndIsListed() async throws {
        let demo = try DemoSite.make(for: self)
        let owners = Set(Self.feeds.map { String($0.split(separator: "/")[0]) })
        XCTAssertEqual(owners.count, 3)
        let before = try Self.requestIDs(demo)
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let form = try DemoSite.text(await session.get(client, "/demandes"))
            for feed in Self.feeds { XCTAssertTrue(form.contains("name=\"flux:\(feed)\""), "\(feed) is offered") }
            XCTAssertTrue(form.contains(">Mairie de Créteil</option>"))

            let id = try await Self.create(client, session, Self.newRequestForm())
            XCTAssertEqual(try Self.requestIDs(demo), before + [id])
            let messages = Self.outbox(demo)
            XCTAssertEqual(messages.count, owners.count, "one consent request per owner: \(messages.keys.sorted())")
            for owner in owners {
                let email = try Self.email(demo, partner: owner)
                XCTAssertEqual(messages.values.filter { Self.headers($0).contains(email) }.count, 1, "one message to \(owner) <\(email)>")
            }
            XCTAssertEqual(try demo.observatory.store.answers(request: id).map(\.owner).sorted(), owners.sorted())

            let list = try DemoSite.text(await session.get(client, "/demandes"))
            XCTAssertTrue(list.contains("href=\"/demandes/\(id)\""))
            XCTAssertTrue(list.contains("Diagnostic local de sécurité"))
            XCTAssertTrue(list.contains("Mairie de Créteil"))
            let page = try await session.get(client, "/demandes/\(id)?fait=creee")
            XCTAssertEqual(page.status, .ok)
            let text = DemoSite.text(page)
            XCTAssertEqual(text.components(separatedBy: "<td>\("demande d'accord".htmlEscapedForTest)</td>").count - 1, owners.count, "the journal has each consent request")
            for name in demo.observatory.config.partners.filter({ owners.contains($0.id) }).map(\.name) {
                XCTAssertTrue(text.contains("Enregistrer la réponse de \(name.htmlEscapedForTest)"), name)
            }
        }
    }

    func testAnswersThenFulfilWriteThePackageAndTheMessages() async throws {
        let demo = try DemoSite.make(for: self)
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client, login: "claire")
            let id = try await Self.create(client, session, Self.newRequestForm())
            let asked = Set(Self.outbox(demo).keys)

            // Not before every owner has answered.
            let early = try await session.post(client, "/demandes/\(id)/traitement", [:])
            XCTAssertEqual(early.status, .conflict)
            XCTAssertTrue(DemoSite.text(early).contains("attend encore la réponse"))

            let answers: [[String: String]] = [
                ["proprietaire": "police-nationale", "decision": "accord"],
                ["proprietaire": "creteil-habitat", "decision": "reserve", "reserve": "Pas de détail sous le secteur",
                 "regle:pas-sous-secteur": "oui", "seuil": "10"],
                ["proprietaire": "ogif", "decision": "refus", "motif": "Données en cours de vérification"],
            ]
            for answer in answers {
                let response = try await session.post(client, "/demandes/\(id)/reponse", answer)
                XCTAssertEqual(response.status, .seeOther, DemoSite.text(response))
            }
            let stored = Dictionary(uniqueKeysWithValues: try demo.observatory.store.answers(request: id).map { ($0.owner, $0) })
            XCTAssertEqual(stored["police-nationale"]?.decision, .granted)
            XCTAssertEqual(stored["creteil-habitat"]?.decision, .granted)
            XCTAssertEqual(stored["creteil-habitat"]?.reservation, "Pas de détail sous le secteur")
            XCTAssertEqual(stored["creteil-habitat"]?.rules, [.pasSousSecteur, .seuil(10)])
            XCTAssertEqual(stored["ogif"]?.decision, .refused)
            XCTAssertEqual(stored["ogif"]?.reason, "Données en cours de vérification")

            let done = try await session.post(client, "/demandes/\(id)/traitement", [:])
            XCTAssertEqual(done.status, .seeOther, DemoSite.text(done))
            let folder = demo.directory.appendingPathComponent("demo/demandes/\(id)")
            let onDisk = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            // A CSV and its cells per consented feed, nothing of the refusing owner's feed.
            for feed in Self.feeds.filter({ !$0.hasPrefix("ogif/") }) {
                XCTAssertTrue(onDisk.contains(feed.replacingOccurrences(of: "/", with: "_") + ".csv"), "\(feed) in \(onDisk)")
            }
            XCTAssertFalse(onDisk.contains { $0.hasPrefix("ogif_") })
            XCTAssertTrue(onDisk.contains("manifeste.json") && onDisk.contains("analyse.html"))

            let page = try DemoSite.text(await session.get(client, "/demandes/\(id)"))
            let links = page.matches(of: /href="\/demandes\/DR-[0-9-]+\/paquet\/([^"]+)"/).map { String($0.1) }
            XCTAssertEqual(links.sorted(), onDisk)
            XCTAssertFalse(page.contains(">Traiter la demande</button>"), "no second fulfilment")
            for event in ["accord", "refus", "réserve", "paquet écrit", "envoi du paquet", "copie au propriétaire", "avis de refus"] {
                XCTAssertTrue(page.contains("<td>\(event.htmlEscapedForTest)</td>"), "journal: \(event)")
            }

            // The package to the mayor of recipients.yaml, a copy to each consenting owner, a notice to the refusing one.
            let sent = Self.outbox(demo).filter { !asked.contains($0.key) }
            XCTAssertEqual(sent.count, 4, "\(sent.keys.sorted())")
            let recipients = try String(contentsOf: demo.config.appendingPathComponent("recipients.yaml"), encoding: .utf8)
            let mayor = try XCTUnwrap(recipients.firstMatch(of: /"94028":\n(?:.*\n)*?    to: \[\{ name: [^,]+, email: ([^ }]+)/)).1.description
            func message(to email: String) throws -> String {
                let found = sent.values.filter { Self.headers($0).contains(email) }
                XCTAssertEqual(found.count, 1, "one message to \(email)")
                return try XCTUnwrap(found.first)
            }
            let package = try message(to: mayor)
            for file in onDisk { XCTAssertTrue(package.contains(file), "\(file) attached to the package") }
            for (owner, other) in [("police-nationale", "creteil-habitat"), ("creteil-habitat", "police-nationale")] {
                let copy = try message(to: try Self.email(demo, partner: owner))
                XCTAssertTrue(copy.contains("\(owner)_"), "the copy carries \(owner)'s own files")
                XCTAssertFalse(copy.contains("\(other)_"), "and not \(other)'s")
                XCTAssertTrue(copy.contains("manifeste.json"))
            }
            let notice = try message(to: try Self.email(demo, partner: "ogif"))
            XCTAssertFalse(notice.lowercased().contains("content-disposition: attachment"), "nothing attached to a refusal notice")

            // Fulfilled: answers and a second fulfilment are refused, nothing changes.
            let late = try await session.post(client, "/demandes/\(id)/reponse", ["proprietaire": "ogif", "decision": "accord"])
            XCTAssertEqual(late.status, .conflict)
            XCTAssertEqual(try demo.observatory.store.answers(request: id).first { $0.owner == "ogif" }?.decision, .refused)
            let again = try await session.post(client, "/demandes/\(id)/traitement", [:])
            XCTAssertEqual(again.status, .conflict)
            XCTAssertEqual(Self.outbox(demo).count, asked.count + 4)
        }
    }

    func testAPackageFileDownloadsByteForByteAndNothingElseDoes() async throws {
        let demo = try DemoSite.make(for: self)
        // The demo's own request, fulfilled by `vigie demo` into demo/demandes/ beside the store.
        let id = try XCTUnwrap(try demo.observatory.store.requests().first { $0.fulfilledAt != nil }?.id)
        let folder = demo.directory.appendingPathComponent("demo/demandes/\(id)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        XCTAssertFalse(files.isEmpty)
        XCTAssertTrue(FileManager.default.fileExists(atPath: demo.directory.appendingPathComponent("demo/vigie.sqlite").path))
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            for name in files {
                let response = try await session.get(client, "/demandes/\(id)/paquet/\(name)")
                XCTAssertEqual(response.status, .ok, name)
                XCTAssertEqual(Data(response.body.readableBytesView), try Data(contentsOf: folder.appendingPathComponent(name)), name)
                XCTAssertEqual(response.headers[.contentDisposition], "attachment; filename=\"\(name)\"")
            }
            for path in ["/demandes/\(id)/paquet/..%2F..%2Fvigie.sqlite", "/demandes/\(id)/paquet/..%2Fvigie.sqlite",
                         "/demandes/\(id)/paquet/../../vigie.sqlite", "/demandes/\(id)/paquet/%2E%2E", "/demandes/\(id)/paquet/inconnu.csv",
                         "/demandes/\(id)/paquet/.", "/demandes/DR-2099-999/paquet/manifeste.json", "/demandes/DR-2099-999",
                         "/demandes/n-importe-quoi", "/demandes/\(id)%2F..%2F..%2Fvigie.sqlite"] {
                let response = try await session.get(client, path)
                XCTAssertEqual(response.status, .notFound, path)
                XCTAssertFalse(DemoSite.text(response).contains("SQLite format"), path)
            }
            let unknown = DemoSite.text(try await session.get(client, "/demandes/DR-2099-999"))
            XCTAssertTrue(unknown.contains("Cette demande n'existe pas".htmlEscapedForTest))
        }
    }

    func testAPurposeWithAScriptIsShownAsText() async throws {
        let demo = try DemoSite.make(for: self)
        let purpose = "<script>alert('x')</script> & \"étude\""
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let id = try await Self.create(client, session, Self.newRequestForm(purpose: purpose))
            XCTAssertEqual(try demo.observatory.store.request(id).purpose, purpose, "kept as typed")
            for path in ["/demandes", "/demandes/\(id)"] {
                let page = DemoSite.text(try await session.get(client, path))
                XCTAssertTrue(page.contains(purpose.htmlEscapedForTest), path)
                XCTAssertFalse(page.contains("<script>"), path)
            }
        }
    }

    func testAPostWithoutTheCSRFTokenChangesNothing() async throws {
        let demo = try DemoSite.make(for: self)
        let before = try Self.requestIDs(demo)
        let open = try XCTUnwrap(try demo.observatory.store.requests().first { $0.fulfilledAt != nil }?.id)
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let response = try await client.execute(uri: "/demandes", method: .post, headers: session.headers,
                                                    body: DemoSite.form(Self.newRequestForm()))
            XCTAssertEqual(response.status, .forbidden)
            XCTAssertEqual(try Self.requestIDs(demo), before)
            XCTAssertTrue(Self.outbox(demo).isEmpty)

            let id = try await Self.create(client, session, Self.newRequestForm())
            let outbox = Self.outbox(demo).count
            for (path, form) in [("/demandes/\(id)/reponse", ["proprietaire": "ogif", "decision": "refus", "motif": "non"]),
                                 ("/demandes/\(id)/relance", [:]), ("/demandes/\(id)/traitement", [:]),
                                 ("/demandes/\(open)/traitement", ["csrf": String(repeating: "0", count: 64)])] {
                let response = try await client.execute(uri: path, method: .post, headers: session.headers, body: DemoSite.form(form))
                XCTAssertEqual(response.status, .forbidden, path)
            }
            XCTAssertEqual(try demo.observatory.store.answers(request: id).map(\.decision), [.pending, .pending, .pending])
            XCTAssertEqual(Self.outbox(demo).count, outbox)
        }
    }

    func testBadParametersAreRefusedInFrenchAndChangeNothing() async throws {
        let demo = try DemoSite.make(for: self)
        let before = try Self.requestIDs(demo)
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let good = Self.newRequestForm()
            let bad: [(String, [String: String], String)] = [
                ("unknown requester", good.merging(["demandeur": "inconnu"]) { $1 }, "Choisissez le demandeur"),
                ("empty purpose", good.merging(["objet": "  "]) { $1 }, "L'objet est vide"),
                ("long purpose", good.merging(["objet": String(repeating: "a", count: 501)]) { $1 }, "trop long"),
                ("no feed", Self.newRequestForm(feeds: []), "Cochez au moins un flux"),
                ("unknown feed", good.merging(["flux:police-nationale/inconnu": "oui"]) { $1 }, "n'existe pas dans la configuration"),
                ("bad period", good.merging(["du": "2026-13"]) { $1 }, "n'est pas une période"),
                ("reversed", good.merging(["du": "2026-06", "au": "2026-01"]) { $1 }, "après sa fin"),
                ("unknown area", good.merging(["zone": "Atlantide"]) { $1 }, "Atlantide"),
                ("bad level", good.merging(["niveau": "planete"]) { $1 }, "Choisissez le détail"),
            ]
            for (what, form, message) in bad {
                let response = try await session.post(client, "/demandes", form)
                XCTAssertEqual(response.status, .badRequest, what)
                let text = DemoSite.text(response)
                XCTAssertTrue(text.contains(message.htmlEscapedForTest), "\(what): \(text.firstMatch(of: /class="notice"[^<]*/).map { String($0.0) } ?? "")")
            }
            XCTAssertEqual(try Self.requestIDs(demo), before)
            XCTAssertTrue(Self.outbox(demo).isEmpty)

            let id = try await Self.create(client, session, good)
            let badAnswers: [(String, [String: String], String)] = [
                ("refusal without reason", ["proprietaire": "ogif", "decision": "refus"], "Un refus demande son motif"),
                ("not an owner", ["proprietaire": "ratp", "decision": "accord"], "n'est propriétaire d'aucune donnée"),
                ("no decision", ["proprietaire": "ogif"], "Choisissez la réponse"),
                ("reservation without text", ["proprietaire": "ogif", "decision": "reserve", "regle:pas-de-lieu": "oui"], "la réserve en clair"),
                ("low threshold", ["proprietaire": "ogif", "decision": "reserve", "reserve": "r", "seuil": "2"], "plus grand que"),
                ("refusal with a rule", ["proprietaire": "ogif", "decision": "refus", "motif": "m", "regle:pas-de-lieu": "oui"], "Un refus ne porte"),
            ]
            for (what, form, message) in badAnswers {
                let response = try await session.post(client, "/demandes/\(id)/reponse", form)
                XCTAssertEqual(response.status, .badRequest, what)
                XCTAssertTrue(DemoSite.text(response).contains(message.htmlEscapedForTest), what)
            }
            XCTAssertEqual(try demo.observatory.store.answers(request: id).map(\.decision), [.pending, .pending, .pending])
            let unknown = try await session.post(client, "/demandes/DR-2099-001/reponse", ["proprietaire": "ogif", "decision": "accord"])
            XCTAssertEqual(unknown.status, .notFound)

            let audit = try await session.get(client, "/demandes/journal.csv?du=2026-13-01")
            XCTAssertEqual(audit.status, .badRequest)
            XCTAssertTrue(DemoSite.text(audit).contains("n'est pas une date".htmlEscapedForTest))
        }
    }

    func testTheAuditDownloadHasOneLinePerEventOfTheStore() async throws {
        let demo = try DemoSite.make(for: self)
        let events = try demo.observatory.store.auditEvents()
        XCTAssertFalse(events.isEmpty)
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let response = try await session.get(client, "/demandes/journal.csv")
            XCTAssertEqual(response.status, .ok)
            XCTAssertEqual(response.headers[.contentDisposition], "attachment; filename=\"journal-des-demandes.csv\"")
            let text = DemoSite.text(response)
            XCTAssertTrue(text.contains("n°;date;demande;événement;acteur;détail"))
            for event in events { XCTAssertTrue(text.contains("\r\n\(event.id);\(event.at);\(event.requestID);"), "event \(event.id)") }
        }
    }
}
