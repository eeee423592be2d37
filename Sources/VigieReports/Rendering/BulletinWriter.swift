import Crypto
import Foundation
import VigieCore
import VigieStore

/// What every bulletin model offers the writer: its kind (the template's name), period and
/// scope, the figures a later issue compares with, and its tables as CSV.
public protocol Bulletin: Sendable {
    static var kind: String { get }
    var period: String { get }
    /// `territoire`, a commune's INSEE code or a quartier id: part of the file name.
    var scope: String { get }
    var figures: [String: Int] { get }
    var csvTables: [CSVTable] { get }
}

extension Bulletin {
    /// `<kind>_<period>[_<scope>]`: the name of its files (`…_<table>.csv` for each table).
    public var baseName: String { Self.baseName(period: period, scope: scope) }

    public static func baseName(period: String, scope: String) -> String {
        scope == "territoire" ? "\(kind)_\(period)" : "\(kind)_\(period)_\(scope)"
    }
}

/// The note under a shortened list: how many are shown, of how many, and the CSV that holds
/// them all. "" when nothing was left out.
public enum Shortened {
    public static func note(shown: Int, of total: Int, last: Bool = false, file: String) -> String {
        guard total > shown else { return "" }
        return "\(shown) \(last ? "derniers" : "premiers") sur \(total) ; liste complète : \(file)"
    }
}

/// Renders a bulletin with its templates, writes it to the output folder as HTML, Markdown and
/// one CSV per table, under `<kind>_<period>[_<scope>]`, and records the issue in the store.
public struct BulletinWriter: Sendable {
    public let context: BulletinContext
    public let renderer: TemplateRenderer
    public let directory: URL

    public init(context: BulletinContext, directory: URL) throws {
        self.context = context
        self.renderer = try TemplateRenderer(directory: context.config.directory.appendingPathComponent("templates"))
        self.directory = directory
    }

    /// The figures of the last issue of this bulletin, if any: what « révisé » compares with.
    public func lastFigures(kind: String, period: String, scope: String) throws -> [String: Int]? {
        try context.store.lastIssue(kind: kind, period: period, scope: scope)?.figures
    }

    /// A bulletin rendered: its file base name, HTML, Markdown and CSV tables.
    public struct Rendered: Sendable {
        public var baseName: String
        public var html: String
        public var markdown: String
        public var tables: [CSVTable]
        public var revisedCount: Int
    }

    /// Renders `bulletin` with the templates, marking the figures changed since its last issue.
    /// `extra` adds keys for the templates (the mail's `letter`).
    public func render<B: Bulletin>(_ bulletin: B, issuedAt: Date = Date(), extra: [String: Any] = [:]) throws -> Rendered {
        let kind = B.kind
        let (object, revisedCount) = try templateObject(bulletin, issuedAt: issuedAt, extra: extra)
        let texts = try renderer.render(["\(kind).html", "\(kind).md"], object)
        return Rendered(baseName: bulletin.baseName, html: texts[0], markdown: texts[1], tables: bulletin.csvTables, revisedCount: revisedCount)
    }

    /// Renders `bulletin` with one template, `<kind>.<variant>` (the mail's `weekly.txt`).
    public func render<B: Bulletin>(_ bulletin: B, variant: String, issuedAt: Date = Date(), extra: [String: Any] = [:]) throws -> String {
        try renderer.render("\(B.kind).\(variant)", try templateObject(bulletin, issuedAt: issuedAt, extra: extra).object)
    }

    private func templateObject<B: Bulletin>(_ bulletin: B, issuedAt: Date, extra: [String: Any]) throws -> (object: [String: Any], revisedCount: Int) {
        let last = try lastFigures(kind: B.kind, period: bulletin.period, scope: bulletin.scope)
        let revised = bulletin.figures.filter { key, value in last?[key].map { $0 != value } ?? false }.keys.sorted()
        let object: [String: Any] = [
            "b": bulletin,
            "observatory": "Observatoire de la délinquance — \(context.config.territory.name)",
            "issued": Self.frenchDate(issuedAt),
            "revised": !revised.isEmpty,
            "revisedCount": revised.count,
            "firstIssue": last == nil,
        ]
        return (object.merging(extra) { a, _ in a }, revised.count)
    }

    /// Writes `bulletin` and returns the files written, HTML first.
    @discardableResult
    public func write<B: Bulletin>(_ bulletin: B, issuedAt: Date = Date()) throws -> [URL] {
        let rendered = try render(bulletin, issuedAt: issuedAt)
        let base = rendered.baseName
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var written: [URL] = []
        for (ext, text) in [("html", rendered.html), ("md", rendered.markdown)] {
            let url = directory.appendingPathComponent("\(base).\(ext)")
            try Data(text.utf8).write(to: url, options: .atomic)
            written.append(url)
        }
        for table in rendered.tables {
            let url = directory.appendingPathComponent("\(base)_\(table.name).csv")
            try Data(table.bytes).write(to: url, options: .atomic)
            written.append(url)
        }
        let hash = SHA256.hash(data: Data(rendered.html.utf8)).hex
        try context.store.recordIssue(BulletinIssue(
            kind: B.kind, period: bulletin.period, scope: bulletin.scope, fileName: "\(base).html", contentSHA256: hash,
            figures: bulletin.figures, issuedAt: Timestamp.utc(issuedAt)))
        return written
    }

    public static func frenchDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .current
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return CivilDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1)?.french ?? ""
    }
}
