import Foundation
import VigieCore
import VigieReports

/// The web page « Bulletins »: one bulletin rendered exactly as `WriteBulletin` would write it (its
/// standalone HTML and its CSV tables), but nothing written and no issue recorded: looking is not
/// issuing. Computed from a snapshot of the store at each call (no cache).
public struct PreviewBulletin: UseCase {
    public var request: WriteBulletin.Request

    public init(_ request: WriteBulletin.Request) { self.request = request }

    public struct Result: UseCaseResult {
        /// One CSV table of the bulletin: its name (`<base>_<name>.csv`), header and rows.
        public struct Table: Codable, Sendable {
            public var name: String
            public var header: [String]
            public var rows: [[String]]
            /// The CSV file's text, as `vigie bulletin` writes it.
            public var csv: String { CSVTable(name: name, header: header, rows: rows).text }
        }

        /// `<kind>_<period>[_<scope>]`, the name of its files.
        public var baseName: String
        /// The standalone HTML document, with its own style.
        public var html: String
        public var tables: [Table]
        public var text: String { "\(baseName) : \(tables.count) tableau(x)" }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let bulletins = try Bulletins(observatory, out: FileManager.default.temporaryDirectory)
        guard let model = try bulletins.models(request).first?() else {
            throw VigieError(.usage, "aucun bulletin à montrer")
        }
        let rendered = try bulletins.writer.render(model)
        return Result(baseName: rendered.baseName, html: rendered.html,
                      tables: rendered.tables.map { Result.Table(name: $0.name, header: $0.header, rows: $0.rows) })
    }
}
