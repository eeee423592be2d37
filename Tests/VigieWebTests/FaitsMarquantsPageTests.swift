import Foundation
import HummingbirdTesting
import VigieCore
import VigiePipeline
import VigieStore
import XCTest

/// The « Faits marquants » page on the demo store (week 2026-W47): each commune's message as
/// `vigie mail weekly` builds it, comments, and approve then send — the coordinator's only.
final class FaitsMarquantsPageTests: XCTestCase {
    static let week = Period.isoWeek(2026, 47)
    static let uri = "/faits-marquants?semaine=2026-W47"

    /// The part of the page about one commune (its section, up to the next one).
    static func section(_ page: String, _ insee: String) -> String {
        guard let start = page.range(of: "<section class=\"fm-commune\" id=\"commune-\(insee)\">") else { return "" }
        let end = page.range(of: "</section>", range: start.upperBound..<page.endIndex)?.lowerBound ?? page.endIndex
        return String(page[start.lowerBound..<end])
    }

    /// The message's text as shown: the <pre> of the commune's section.
    static func message(_ section: String) -> String {
        guard let start = section.range(of: "<pre class=\"fm-message\">"),
              let end = section.range(of: "</pre>", range: start.upperBound..<section.endIndex) else { return "" }
        return String(section[start.upperBound..<end.lowerBound])
    }

    /// The incidents of the week per commune in the weekly's feeds, counted by `vigie extract incidents`.
    static func faitsOfTheWeek(_ observatory: Observatory) throws -> [String: Int] {
        let feeds = Set(observatory.config.bulletinRules.feeds)
        let extract = try ExtractIncidents(groups: [.commune, .flux], step: .semaine, filter: ExtractFilter(from: week, to: week)).run(observatory)
        var counts: [String: Int] = [:]
        for row in extract.rows where feeds.contains(row.keys[1]) { counts[row.keys[0], default: 0] += row.count }
        return counts
    }

    func testEachCommuneShowsTheMessageMailWeeklyBuildsWithTheWeeksFaits() async throws {
        let demo = try DemoSite.make(for: self)
        let communes = try XCTUnwrap(demo.observatory.config.recipients).communes.keys.sorted()
        XCTAssertEqual(communes.count, 3)
        let faits = try Self.faitsOfTheWeek(demo.observatory)
        XCTAssertGreaterThan(faits["94028"] ?? 0, 0, "the demo has faits in Créteil in 2026-W47")
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let response = try await session.get(client, Self.uri)
            XCTAssertEqual(response.status, .ok)
            let page = DemoSite.text(response)
            let engine = try WeeklyMail(demo.observatory)
            for insee in communes {
                let section = Self.section(page, insee)
                let expected = try engine.prepare(week: Self.week, commune: insee, issuedAt: Date())
                XCTAssertEqual(Self.message(section), expected.message.text.htmlEscapedForTest, "message of \(insee)")
                XCTAssertTrue(section.contains(expected.subject.htmlEscapedForTest))
                XCTAssertTrue(section.contains("à approuver"), "nothing approved yet in \(insee)")
                // The week's totals by category add up to the incidents the store holds for the commune.
                let totals = Self.message(section).matches(of: /\n    [^\n]+ : (\d+) \(moyenne/).map { Int($0.1) ?? 0 }
                XCTAssertFalse(totals.isEmpty)
                XCTAssertEqual(totals.reduce(0, +), faits[insee] ?? 0, "faits of \(insee)")
            }
            // The assistant sees no approve or send button.
            XCTAssertFalse(page.contains("/faits-marquants/approuver"))
            XCTAssertFalse(page.contains("/faits-marquants/envoyer"))
            // The HTML part, as a file: the one the engine builds.
            let html = try await session.get(client, "/faits-marquants/message?semaine=2026-W47&commune=94028")
            XCTAssertEqual(html.headers[.contentType], "text/html; charset=utf-8")
            XCTAssertEqual(html.headers[.contentDisposition], "attachment; filename=\"faits-marquants_2026-W47_94028.html\"")
            XCTAssertEqual(DemoSite.text(html), try engine.prepare(week: Self.week, commune: "94028", issuedAt: Date()).message.html)
            let unknown = try await session.get(client, "/faits-marquants/message?semaine=2026-W47&commune=75056")
            XCTAssertEqual(unknown.status, .notFound)
            // A week that is not one: 400, in French.
            let bad = try await session.get(client, "/faits-marquants?semaine=2026-13")
            XCTAssertEqual(bad.status, .badRequest)
            XCTAssertTrue(DemoSite.text(bad).contains("Semaine « 2026-13 » incorrecte"))
        }
    }

    func testACommentAppearsInTheMessageAndGoesWhenRemoved() async throws {
        let demo = try DemoSite.make(for: self)
        let comment = "<script>alert(1)</script> Réunion de quartier prévue le 4 décembre"
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            let added = try await session.post(client, "/faits-marquants/commentaires",
                                               ["semaine": "2026-W47", "commune": "94028", "texte": comment])
            XCTAssertEqual(added.status, .seeOther)
            let stored = try ListComments(bulletin: .weekly, period: Self.week).run(demo.observatory).comments
            XCTAssertEqual(stored.map(\.text), [comment])
            XCTAssertEqual(stored.first?.commune, "94028")

            let page = DemoSite.text(try await session.get(client, Self.uri))
            XCTAssertFalse(page.contains("<script>alert(1)"), "the comment is shown as text")
            let creteil = Self.message(Self.section(page, "94028"))
            XCTAssertTrue(creteil.contains("Commentaires du coordonnateur :\n    \(comment.htmlEscapedForTest)"), creteil)
            XCTAssertFalse(Self.message(Self.section(page, "94002")).contains("Réunion de quartier prévue"), "only Créteil's message")

            // Removing another week's or an unknown comment: 404, nothing removed.
            let id = String(try XCTUnwrap(stored.first).id)
            let wrongWeek = try await session.post(client, "/faits-marquants/commentaires/supprimer", ["semaine": "2026-W46", "id": id])
            XCTAssertEqual(wrongWeek.status, .notFound)
            XCTAssertEqual(try ListComments(bulletin: .weekly, period: Self.week).run(demo.observatory).comments.count, 1)

            let removed = try await session.post(client, "/faits-marquants/commentaires/supprimer", ["semaine": "2026-W47", "id": id])
            XCTAssertEqual(removed.status, .seeOther)
            XCTAssertTrue(try ListComments(bulletin: .weekly, period: Self.week).run(demo.observatory).comments.isEmpty)
            let after = DemoSite.text(try await session.get(client, Self.uri))
            XCTAssertFalse(after.contains("Réunion de quartier prévue"))
            XCTAssertFalse(Self.message(Self.section(after, "94028")).contains("Commentaires du coordonnateur"))
        }
    }

    func testTheAssistantCannotApproveNorSend() async throws {
        let demo = try DemoSite.make(for: self)
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client)
            for action in ["approuver", "envoyer"] {
                let response = try await session.post(client, "/faits-marquants/\(action)", ["semaine": "2026-W47", "commune": "94028"])
                XCTAssertEqual(response.status, .forbidden)
                XCTAssertTrue(DemoSite.text(response).contains("réservé au coordinateur"), DemoSite.text(response))
            }
        }
        XCTAssertNil(try demo.observatory.store.lastApproval(bulletin: "weekly", period: "2026-W47", scope: "94028"))
        let files = (try? FileManager.default.contentsOfDirectory(atPath: demo.outbox.path)) ?? []
        XCTAssertEqual(files, [], "nothing in the outbox")
    }

    func testTheCoordinatorApprovesThenSendsAndTheOutboxHoldsTheApprovedMessage() async throws {
        let demo = try DemoSite.make(for: self)
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client, login: "claire")
            _ = try await session.post(client, "/faits-marquants/commentaires",
                                       ["semaine": "2026-W47", "commune": "94028", "texte": "Réunion du groupe de travail jeudi."])
            let before = DemoSite.text(try await session.get(client, Self.uri))
            XCTAssertTrue(before.contains("/faits-marquants/approuver"))
            XCTAssertFalse(Self.section(before, "94028").contains("/faits-marquants/envoyer"), "not approved yet: no send button")

            // Sending before approving: held, 409, nothing written.
            let early = try await session.post(client, "/faits-marquants/envoyer", ["semaine": "2026-W47", "commune": "94028"])
            XCTAssertEqual(early.status, .conflict)
            XCTAssertTrue(DemoSite.text(early).contains("pas encore approuvé"))
            XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: demo.outbox.path)) ?? [], [])

            let approved = try await session.post(client, "/faits-marquants/approuver", ["semaine": "2026-W47", "commune": "94028"])
            XCTAssertEqual(approved.status, .seeOther)
            let approval = try XCTUnwrap(try demo.observatory.store.lastApproval(bulletin: "weekly", period: "2026-W47", scope: "94028"))
            XCTAssertEqual(approval.by, "Claire Martin")
            let page = DemoSite.text(try await session.get(client, Self.uri))
            let section = Self.section(page, "94028")
            XCTAssertTrue(section.contains(">approuvé<"))
            XCTAssertTrue(section.contains("par Claire Martin"))
            XCTAssertTrue(section.contains("/faits-marquants/envoyer"))
            let shown = Self.message(section)

            let sent = try await session.post(client, "/faits-marquants/envoyer", ["semaine": "2026-W47", "commune": "94028"])
            XCTAssertEqual(sent.status, .seeOther)
            let files = try FileManager.default.contentsOfDirectory(atPath: demo.outbox.path)
            XCTAssertEqual(files, ["weekly_2026-W47_94028.eml"])
            let eml = try String(contentsOf: demo.outbox.appendingPathComponent(files[0]), encoding: .utf8)
            let text = try XCTUnwrap(Self.plainPart(eml))
            XCTAssertEqual(text.htmlEscapedForTest.trimmingCharacters(in: .newlines), shown.trimmingCharacters(in: .newlines),
                           "the message sent is the one approved and shown")
            XCTAssertTrue(text.contains("Réunion du groupe de travail jeudi."))
            // The message sent is the approved content: its hash is the approval's.
            let engine = try WeeklyMail(demo.observatory)
            let approvedAt = try XCTUnwrap(ISO8601DateFormatter().date(from: approval.at))
            XCTAssertEqual(try engine.prepare(week: Self.week, commune: "94028", issuedAt: approvedAt).message.text.trimmingCharacters(in: .newlines),
                           text.trimmingCharacters(in: .newlines))
            let after = Self.section(DemoSite.text(try await session.get(client, Self.uri)), "94028")
            XCTAssertTrue(after.contains("écrit dans la boîte d&#39;envoi le"), after)
        }
    }

    func testACommentAfterTheApprovalHoldsTheMessage() async throws {
        let demo = try DemoSite.make(for: self)
        try await demo.app().test(.router) { client in
            let session = try await DemoSite.session(client, login: "claire")
            let approved = try await session.post(client, "/faits-marquants/approuver", ["semaine": "2026-W47", "commune": "94002"])
            XCTAssertEqual(approved.status, .seeOther)
            _ = try await session.post(client, "/faits-marquants/commentaires",
                                       ["semaine": "2026-W47", "commune": "94002", "texte": "Ajout après relecture."])
            let section = Self.section(DemoSite.text(try await session.get(client, Self.uri)), "94002")
            XCTAssertTrue(section.contains("changé depuis l&#39;approbation"))
            XCTAssertTrue(section.contains("Approuver de nouveau"))
            let held = try await session.post(client, "/faits-marquants/envoyer", ["semaine": "2026-W47", "commune": "94002"])
            XCTAssertEqual(held.status, .conflict)
            XCTAssertTrue(DemoSite.text(held).contains("a changé depuis son approbation"))
            XCTAssertEqual((try? FileManager.default.contentsOfDirectory(atPath: demo.outbox.path)) ?? [], [])
        }
    }

    /// The text/plain part of a message, decoded (quoted-printable, UTF-8) — the test's own reading.
    static func plainPart(_ eml: String) -> String? {
        let normalized = eml.replacingOccurrences(of: "\r\n", with: "\n")
        guard let header = normalized.range(of: "Content-Type: text/plain; charset=utf-8\n", options: .caseInsensitive),
              let blank = normalized.range(of: "\n\n", range: header.upperBound..<normalized.endIndex),
              let end = normalized.range(of: "\n--", range: blank.upperBound..<normalized.endIndex) else { return nil }
        let body = normalized[blank.upperBound..<end.lowerBound].replacingOccurrences(of: "=\n", with: "")
        var bytes: [UInt8] = []
        var i = body.utf8.startIndex
        let utf8 = body.utf8
        while i < utf8.endIndex {
            let byte = utf8[i]
            if byte == UInt8(ascii: "="), let j = utf8.index(i, offsetBy: 3, limitedBy: utf8.endIndex),
               let value = UInt8(String(decoding: utf8[utf8.index(after: i)..<j], as: UTF8.self), radix: 16) {
                bytes.append(value)
                i = j
            } else {
                bytes.append(byte)
                i = utf8.index(after: i)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
