import Foundation
import Mustache
import VigieCore

/// The Mustache templates of `Config/templates/` (`weekly.html.mustache`, `weekly.md.mustache`,
/// …, partials such as `style.mustache`), read when Vigie starts so an observatory can restyle
/// its bulletins without rebuilding. A template that does not parse stops with its file name.
public struct TemplateRenderer: Sendable {
    let library: MustacheLibrary
    let directory: URL

    public init(directory: URL) throws {
        self.directory = directory
        ByteHTML.registered()
        var library = MustacheLibrary()
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".mustache") {
            let url = directory.appendingPathComponent(file)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw VigieError(.config, "modèle illisible (UTF-8 attendu)", at: SourceLocation(file: "templates/\(file)"))
            }
            // A template that names no content type is HTML, escaped by `ByteHTML` (the pragma
            // is put on its first line, which keeps its line numbers).
            let source = text.contains("{{% CONTENT_TYPE:") ? text : ByteHTML.pragma + text
            do {
                try library.register(source, named: String(file.dropLast(".mustache".count)))
            } catch {
                throw VigieError(.config, "modèle incorrect : \(error)", at: SourceLocation(file: "templates/\(file)"),
                                 hint: "Vérifiez les balises {{#…}} / {{/…}} du modèle.")
            }
        }
        self.library = library
    }

    /// `text` escaped for HTML as the templates escape every `{{value}}`.
    public static func escapeHTML(_ text: String) -> String { ByteHTML().escapeText(text) }

    /// Renders `object` with the template `name` (e.g. `monthly.html`).
    public func render(_ name: String, _ object: Any) throws -> String {
        try render([name], object)[0]
    }

    /// Renders `object` with each template of `names` (a bulletin's HTML and Markdown): the
    /// object made plain once, the templates rendered side by side (a dense weekly takes seconds each).
    public func render(_ names: [String], _ object: Any) throws -> [String] {
        for name in names where library.getTemplate(named: name) == nil {
            throw VigieError(.config, "modèle introuvable : templates/\(name).mustache",
                             hint: "Les modèles sont dans \(directory.path).")
        }
        // Read only by the renderings below; `[String: Any]` is not Sendable.
        nonisolated(unsafe) let plain = Self.plain(object)
        guard names.count > 1 else { return names.map { self.library.render(plain, withTemplate: $0) ?? "" } }
        nonisolated(unsafe) var texts = [String](repeating: "", count: names.count)
        let library = self.library
        texts.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let out = buffer
            DispatchQueue.concurrentPerform(iterations: names.count) { i in
                out[i] = library.render(plain, withTemplate: names[i]) ?? ""
            }
        }
        return texts
    }

    /// `value` with every struct turned into a `[String: Any]` of its stored properties (nil
    /// ones left out) and every array's elements likewise. The template engine looks a name up
    /// in a dictionary directly but reflects a struct again at each lookup, which made a weekly
    /// of 19,000 entries take a minute; reflecting each value once renders the same text.
    static func plain(_ value: Any) -> Any {
        switch value {
        case is String, is Int, is Bool, is Double: return value
        case let fields as TemplateFields: return fields.templateFields
        case let array as [Any]: return array.map(plain)
        case let dictionary as [String: Any]: return dictionary.mapValues(plain)
        case let optional as OptionalValue: return optional.wrapped.map(plain) as Any
        case is CustomReflectable: return value  // Date, URL, …: rendered as they are
        default: break
        }
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .struct else { return value }
        var fields: [String: Any] = [:]
        for child in mirror.children {
            guard let label = child.label else { continue }
            if let optional = child.value as? OptionalValue, optional.wrapped == nil { continue }
            fields[label] = plain(child.value)
        }
        return fields
    }
}

/// A value that hands the templates its fields itself: what a bulletin lists by the thousand
/// (a weekly's entries), where reflecting each one was most of a dense week's time.
protocol TemplateFields {
    var templateFields: [String: Any] { get }
}

/// Any optional, to tell an empty one from a value without reflecting it.
private protocol OptionalValue {
    var wrapped: Any? { get }
}

extension Optional: OptionalValue {
    var wrapped: Any? { self.map { $0 as Any } }
}

/// Mustache's HTML escaping — the same five characters, `< > & " '` — done on UTF-8 bytes. The
/// engine's own goes character by character through a dictionary: 80 % of the time of a web page
/// showing a week of 400 faits marquants. Registered under the name « HTML ».
struct ByteHTML: MustacheContentType {
    static let pragma = "{{% CONTENT_TYPE: HTML}}"

    private static let registration: Void = MustacheContentTypes.register(ByteHTML(), named: "HTML")
    static func registered() { _ = registration }

    func escapeText(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: { $0 == 0x3C || $0 == 0x3E || $0 == 0x26 || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + utf8.count / 8)
        for byte in utf8 {
            switch byte {
            case 0x3C: out.append(contentsOf: "&lt;".utf8)
            case 0x3E: out.append(contentsOf: "&gt;".utf8)
            case 0x26: out.append(contentsOf: "&amp;".utf8)
            case 0x22: out.append(contentsOf: "&quot;".utf8)
            case 0x27: out.append(contentsOf: "&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A string renders as itself. Without this the engine tries two more casts, `Optional`
/// unwrapping and `String(describing:)` on each `{{value}}`: a weekly of 10,000 entries
/// renders hundreds of thousands. The text is the same (`escapeText` of the string).
extension String: @retroactive MustacheCustomRenderable {
    public var renderText: String { self }
    public var isNull: Bool { false }
}
