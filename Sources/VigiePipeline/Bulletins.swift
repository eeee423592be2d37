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
        let scope = commune ?? "territoire"
        let last = try writer.lastFigures(kind: MonthlyBulletin.kind, period: month.description, scope: scope)
        return try writer.write(MonthlyBulletin.build(month: month, context: context, lastFigures: last,
                                                      communes: try commune.map { try communes($0) }))
    }

    /// The semester study; `texts` is the coordinator's Markdown file of free text sections.
    public func semester(_ semester: Period, texts: URL? = nil) throws -> [URL] {
        var markdown: String?
        if let texts {
            guard let text = try? String(contentsOf: texts, encoding: .utf8) else {
                throw VigieError(.usage, "fichier de textes illisible : \(texts.path)", hint: "Un fichier Markdown en UTF-8 est attendu.")
            }
            markdown = text
        }
        return try writer.write(SemesterBulletin.build(semester: semester, context: context, texts: markdown))
    }

    public func diagnostic(area: Diagnostic.Area, category: String?, from: Period, to: Period) throws -> [URL] {
        try writer.write(Diagnostic.build(area: area, category: category, from: from, to: to, context: context))
    }

    private func communes(_ commune: String?) throws -> [String] {
        let all = context.config.territory.communes.map(\.insee)
        guard let commune else { return all }
        if all.contains(commune) { return [commune] }
        if let c = context.config.territory.communes.first(where: { $0.name.matchKey == commune.matchKey }) { return [c.insee] }
        throw VigieError(.usage, "commune inconnue « \(commune) »",
                         hint: "Communes : " + context.config.territory.communes.map { "\($0.insee) (\($0.name))" }.joined(separator: ", ") + ".")
    }
}

extension Observatory {
    /// What bulletins are built from: the configuration, today, and a snapshot of the store taken now.
    func bulletinContext() throws -> BulletinContext {
        BulletinContext(config: config, store: try store.snapshot(), today: context.today)
    }
}
