import Foundation
import Mustache
import XCTest
@testable import VigieReports

/// The renderer hands the template engine plain dictionaries instead of structs: the text
/// must be the one the engine writes from the structs themselves.
final class TemplateRendererTests: XCTestCase {
    struct Row { var name: String; var note: String?; var count: Int; var tags: [String]; var flagged: Bool }
    struct Page { var title: String; var note: String; var rows: [Row]; var empty: [Row]; var when: Date }

    let template = """
        {{title}} {{when}}
        {{#rows}}[{{name}}|{{note}}|{{count}}|{{#flagged}}!{{/flagged}}{{^flagged}}-{{/flagged}}|{{#tags}}<{{.}}>{{/tags}}]{{/rows}}
        {{^empty}}aucun{{/empty}}
        """

    func testPlainValuesRenderTheSameTextAsTheStructs() throws {
        let page = Page(title: "Semaine <47>", note: "note de la page", rows: [
            Row(name: "Créteil & co", note: nil, count: 3, tags: ["a", "b"], flagged: true),
            Row(name: "Maisons-Alfort", note: "« vu »", count: 0, tags: [], flagged: false),
        ], empty: [], when: Date(timeIntervalSince1970: 0))
        var library = MustacheLibrary()
        try library.register(template, named: "t")
        let fromStructs = try XCTUnwrap(library.render(page, withTemplate: "t"))
        let fromPlain = try XCTUnwrap(library.render(TemplateRenderer.plain(page), withTemplate: "t"))
        XCTAssertEqual(fromPlain, fromStructs)
        // A nil field is looked up in the enclosing value, as with the struct.
        XCTAssertTrue(fromPlain.contains("[Créteil &amp; co|note de la page|3|!|<a><b>]"), fromPlain)
        XCTAssertTrue(fromPlain.contains("[Maisons-Alfort|« vu »|0|-|]"), fromPlain)
        XCTAssertTrue(fromPlain.contains("aucun"), fromPlain)
    }

    func testStructsBecomeDictionariesOfTheirStoredProperties() throws {
        let row = Row(name: "x", note: nil, count: 2, tags: ["t"], flagged: false)
        let plain = try XCTUnwrap(TemplateRenderer.plain(row) as? [String: Any])
        XCTAssertEqual(Set(plain.keys), ["name", "count", "tags", "flagged"])
        XCTAssertEqual(plain["count"] as? Int, 2)
        XCTAssertEqual(plain["tags"] as? [String], ["t"])
    }
}
