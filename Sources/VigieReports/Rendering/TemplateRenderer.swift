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
        var library = MustacheLibrary()
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".mustache") {
            let url = directory.appendingPathComponent(file)
            guard let text = try? String(contentsOf: url, encoding: .utf8) else {
                throw VigieError(.config, "modèle illisible (UTF-8 attendu)", at: SourceLocation(file: "templates/\(file)"))
            }
            do {
                try library.register(text, named: String(file.dropLast(".mustache".count)))
            } catch {
                throw VigieError(.config, "modèle incorrect : \(error)", at: SourceLocation(file: "templates/\(file)"),
                                 hint: "Vérifiez les balises {{#…}} / {{/…}} du modèle.")
            }
        }
        self.library = library
    }

    /// Renders `object` with the template `name` (e.g. `monthly.html`).
    public func render(_ name: String, _ object: Any) throws -> String {
        guard let text = library.render(object, withTemplate: name) else {
            throw VigieError(.config, "modèle introuvable : templates/\(name).mustache",
                             hint: "Les modèles sont dans \(directory.path).")
        }
        return text
    }
}
