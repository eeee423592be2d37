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

    /// Vigie's byte-wise HTML escaping writes what the engine's own writes (a template without a
    /// pragma renders with the engine's escaping), on every character that matters and others…
    func testByteHTMLEscapesAsTheEngine() throws {
        var library = MustacheLibrary()
        try library.register("{{x}}", named: "engine")
        var samples = ["", "sans rien", "<b>gras</b> & « guillemets » \"doubles\" 'simples'", "Créteil — l'été ☀️ 🇫🇷",
                       "&amp; déjà", "a\r\nb\u{301}'", String(repeating: "<&>", count: 100)]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("<>&\"'aé€ 🇫🇷\n\t")
        for _ in 0..<300 {
            samples.append(String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }))
        }
        for sample in samples {
            XCTAssertEqual(ByteHTML().escapeText(sample), library.render(["x": sample], withTemplate: "engine"), sample)
        }
    }

    /// …except where the engine fails: a quote or a bracket followed by a combining mark is one
    /// Swift character the engine does not find in its table, and is left as it is — a way out
    /// of an attribute (`value="{{x}}"`). Every byte is escaped here.
    func testByteHTMLEscapesWhatTheEngineMisses() throws {
        var library = MustacheLibrary()
        try library.register("<input value=\"{{x}}\">", named: "engine")
        let attack = "\"\u{301} autofocus onfocus=alert(1) x=\"\u{301}"
        XCTAssertEqual(library.render(["x": attack], withTemplate: "engine"),
                       "<input value=\"\"\u{301} autofocus onfocus=alert(1) x=\"\u{301}\">", "the engine's escaping as found")
        XCTAssertEqual(ByteHTML().escapeText(attack), "&quot;\u{301} autofocus onfocus=alert(1) x=&quot;\u{301}")
        XCTAssertEqual(ByteHTML().escapeText("<\u{301}script>'\u{301}&\u{301}"), "&lt;\u{301}script&gt;&#39;\u{301}&amp;\u{301}")
    }

    /// A template naming no content type is rendered with it; one that says TEXT is not escaped.
    func testTemplatesWithoutAPragmaAreHTML() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        try Data("<p>{{x}}</p>\n{{> part}}".utf8).write(to: folder.appendingPathComponent("page.mustache"))
        try Data("[{{x}}]".utf8).write(to: folder.appendingPathComponent("part.mustache"))
        try Data("{{% CONTENT_TYPE: TEXT}}\n{{x}}".utf8).write(to: folder.appendingPathComponent("mail.txt.mustache"))
        let renderer = try TemplateRenderer(directory: folder)
        XCTAssertEqual(try renderer.render("page", ["x": "a<b & 'c'"]), "<p>a&lt;b &amp; &#39;c&#39;</p>\n[a&lt;b &amp; &#39;c&#39;]")
        XCTAssertEqual(try renderer.render("mail.txt", ["x": "a<b & 'c'"]), "a<b & 'c'")
    }
}
