import Foundation
import VigieCore
import VigieReports

/// `vigie bulletin …` and `vigie diagnostic`: builds each bulletin's model from the store,
/// renders it and writes it to `out`, recording the issue. Returns the files written. Every
/// figure comes from the store as it was when this value was made (a snapshot), so a load
/// committing meanwhile shows in none of them or, on the next run, in all.
public struct Bulletins: Sendable {
    let writer: BulletinWriter

    public init(_ observatory: Observatory, out: URL) throws {
        writer = try BulletinWriter(context: observatory.bulletinContext(), directory: out)
    }

    var context: BulletinContext { writer.context }

    /// The weekly faits marquants of `week`, one per commune (or only `commune`).
    public func weekly(week: Period, commune: String? = nil) throws -> [URL] {
        var files: [URL] = []
        for insee in try communes(commune) {
            files += try writer.write(WeeklyBulletin.build(week: week, commune: insee, context: context))
        }
        return files
    }

    /// The monthly bulletin of `month`: the territory and every commune, or one commune.
    public func monthly(month: Period, commune: String? = nil) throws -> [URL] {
        try writer.write(monthlyModel(month: month, commune: commune))
    }

    func monthlyModel(month: Period, commune: String?) throws -> MonthlyBulletin {
        let scope = commune ?? "territoire"
        let last = try writer.lastFigures(kind: MonthlyBulletin.kind, period: month.description, scope: scope)
        return try MonthlyBulletin.build(month: month, context: context, lastFigures: last, communes: try commune.map { try communes($0) })
    }

    /// The semester study; `texts` is the coordinator's Markdown file of free text sections.
    public func semester(_ semester: Period, texts: URL? = nil) throws -> [URL] {
        try writer.write(semesterModel(semester, texts: texts))
    }

    func semesterModel(_ semester: Period, texts: URL?, communes: [String]? = nil) throws -> SemesterBulletin {
        var markdown: String?
        if let texts {
            guard let text = try? String(contentsOf: texts, encoding: .utf8) else {
                throw VigieError(.usage, "fichier de textes illisible : \(texts.path)", hint: "Un fichier Markdown en UTF-8 est attendu.")
            }
            markdown = text
        }
        return try SemesterBulletin.build(semester: semester, context: context, texts: markdown, communes: communes.map(Set.init))
    }

    /// The models of `request`, checked (see `WriteBulletin.models`).
    func models(_ request: WriteBulletin.Request) throws -> [@Sendable () throws -> any Bulletin] { try WriteBulletin.models(request, self) }

    public func diagnostic(area: Diagnostic.Area, category: String?, from: Period, to: Period) throws -> [URL] {
        try writer.write(Diagnostic.build(area: area, category: category, from: from, to: to, context: context))
    }

    /// Every commune, or the one `commune` names (code, name or alias).
    func communes(_ commune: String?) throws -> [String] {
        let territory = context.config.territory
        guard let commune else { return territory.communes.map(\.insee) }
        return [try territory.place(commune, levels: [.commune]).code]
    }
}

extension Observatory {
    /// What bulletins are built from: the configuration, today, and a snapshot of the store taken now.
    func bulletinContext() throws -> BulletinContext {
        BulletinContext(config: config, store: try store.snapshot(), today: context.today)
    }
}

/// `vigie bulletin weekly|monthly|semester` and `vigie diagnostic`: writes one bulletin (every
/// commune's, or one) in `out` as HTML, Markdown and a CSV per table, and a PDF when asked.
public struct WriteBulletin: UseCase {
    /// Which bulletin, for which period and place (places as typed: code, name or alias).
    public enum Request: Sendable, Codable {
        case weekly(week: Period, commune: String?)
        case monthly(month: Period, commune: String?)
        /// `communes`: the faits marquants and repeated places of these communes only (`SemesterBulletin.build`).
        case semester(Period, texts: String?, communes: [String]? = nil)
        /// A quartier or a commune (`place`), one category or all, from one period to another.
        case diagnostic(place: String, category: String?, from: Period, to: Period)
    }

    public var request: Request
    public var out: String
    public var pdf: Bool

    public init(_ request: Request, out: String, pdf: Bool = false) {
        self.request = request
        self.out = out
        self.pdf = pdf
    }

    public struct Result: UseCaseResult {
        public var out: String
        public var files: [String]
        public var text: String {
            (files.filter { $0.hasSuffix(".html") || $0.hasSuffix(".pdf") }.map { "écrit : \($0)" }
                + ["\(files.count) fichier(s) écrit(s) dans \(out) (HTML, Markdown et CSV\(files.contains { $0.hasSuffix(".pdf") } ? ", PDF" : "")."])
                .joined(separator: "\n")
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let bulletins = try Bulletins(observatory, out: URL(fileURLWithPath: out))
        var files: [URL] = []
        try Prefetched.each(try bulletins.models(request)) { files += try bulletins.writer.write($0) }
        if pdf {
            files += try files.filter { $0.pathExtension == "html" }.map { try PDFExport.write($0) }
        }
        return Result(out: out, files: files.map(\.path))
    }

    /// The bulletin models `request` asks for (one per commune for the weekly without a commune),
    /// its period and places checked now; each built from `bulletins`' snapshot when called,
    /// neither written nor recorded.
    static func models(_ request: Request, _ bulletins: Bulletins) throws -> [@Sendable () throws -> any Bulletin] {
        let territory = bulletins.context.config.territory
        switch request {
        case .weekly(let week, let commune):
            try check(week, for: .weekly)
            return try bulletins.communes(commune).map { insee in { try WeeklyBulletin.build(week: week, commune: insee, context: bulletins.context) } }
        case .monthly(let month, let commune):
            try check(month, for: .monthly)
            return [{ try bulletins.monthlyModel(month: month, commune: commune) }]
        case .semester(let semester, let texts, let communes):
            try check(semester, for: .semester)
            return [{ try bulletins.semesterModel(semester, texts: texts.map { URL(fileURLWithPath: $0) }, communes: communes) }]
        case .diagnostic(let place, let category, let from, let to):
            let area: Diagnostic.Area = switch try territory.place(place, levels: [.quartier, .commune]) {
            case .quartier(let id): .quartier(id)
            case let other: .commune(other.code)
            }
            return [{ try Diagnostic.build(area: area, category: category, from: from, to: to, context: bulletins.context) }]
        }
    }

    static func check(_ period: Period, for kind: BulletinKind) throws {
        guard kind.covers(period) else {
            throw VigieError(.usage, "« \(period) » n'est pas \(kind.expectedPeriod)")
        }
    }
}
