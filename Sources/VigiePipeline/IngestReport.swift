import Foundation
import VigieCore
import VigieStore

/// The load report of one file, as printed by `vigie ingest` (French text) or as JSON.
public struct IngestReport: Codable, Sendable {
    public enum Status: String, Codable, Sendable {
        case loaded
        case alreadyLoaded = "already-loaded"
        case refused
        case unreadable
    }

    public struct Reject: Codable, Sendable {
        public var sheet: String?
        public var row: Int?
        public var column: String?
        public var value: String?
        public var reason: String
    }

    public struct Superseded: Codable, Sendable {
        public var submission: Int64
        public var file: String
        public var receivedAt: String
    }

    public var file: String
    public var partner: String
    public var feed: String
    public var status: Status
    public var submission: Int64?
    public var layout: String?
    public var periods: [String]
    public var rowsRead: Int
    public var rowsLoaded: Int
    public var rowsRejected: Int
    public var valuesLoaded: Int
    public var rejects: [Reject]
    public var superseded: [Superseded]
    public var message: String?
    public var notes: [String]
    /// Incidents placed at each level: quartier, sector, address, coordinates, commune (« non localisé »).
    public var placeLevels: [String: Int]
    /// Natures loaded as « non classé », with their number of rows.
    public var unclassifiedNatures: [String: Int]
    /// True for `vigie ingest --dry-run`: what would happen, nothing was stored.
    public var dryRun: Bool

    public init(_ result: IngestResult, dryRun: Bool = false) {
        self.dryRun = dryRun
        file = result.file
        partner = result.partner
        feed = result.feed
        periods = []
        rowsRead = 0; rowsLoaded = 0; rowsRejected = 0; valuesLoaded = 0
        rejects = []
        superseded = []
        notes = []
        placeLevels = [:]
        unclassifiedNatures = [:]
        switch result.outcome {
        case .loaded(let report):
            status = .loaded
            submission = report.submission.id
            layout = report.submission.layout
            periods = report.periods.map(\.description)
            rowsRead = report.submission.rowsRead
            rowsLoaded = report.submission.rowsLoaded
            rowsRejected = report.submission.rowsRejected
            valuesLoaded = report.submission.valuesLoaded
            rejects = report.rejects.map { Reject(sheet: $0.sheet, row: $0.sourceRow, column: $0.sourceColumn, value: $0.value, reason: $0.reason) }
            superseded = report.superseded.map { Superseded(submission: $0.id ?? 0, file: $0.fileName, receivedAt: $0.receivedAt) }
            notes = report.summary.notes
            placeLevels = report.summary.placeLevels
            unclassifiedNatures = report.summary.unmappedNatures
        case .alreadyLoaded(let earlier):
            status = .alreadyLoaded
            submission = earlier.id
            message = "déjà intégré le \(earlier.receivedAt) (dépôt n° \(earlier.id ?? 0), fichier « \(earlier.fileName.shown()) ») : rien n'a changé"
        case .refused(let refused, let error):
            status = .refused
            submission = refused.id
            message = error.description
        case .none:
            status = .unreadable
            message = result.error?.description
        }
    }

    /// The report in French, for people.
    public var text: String {
        var lines: [String] = []
        switch status {
        case .loaded:
            lines.append("✔ \(file.shown()) — \(partner)/\(feed) : " + (dryRun ? "se chargerait (essai à blanc : rien n'a été enregistré)" : "chargé (dépôt n° \(submission ?? 0))"))
            if let layout { lines.append("  format reconnu : \(layout)") }
            lines.append("  période(s) : \(periods.joined(separator: ", "))")
            lines.append("  lignes lues : \(rowsRead), chargées : \(rowsLoaded), rejetées : \(rowsRejected) ; valeurs \(dryRun ? "à enregistrer" : "enregistrées") : \(valuesLoaded)")
            if !placeLevels.isEmpty {
                let total = placeLevels.values.reduce(0, +)
                let order: [(String, String)] = [("quartier", "quartier nommé"), ("sector", "secteur seul"), ("address", "adresse ou lieu"),
                                                 ("coordinates", "coordonnées"), ("commune", "non localisés (commune seule)")]
                let parts = order.compactMap { key, label in
                    placeLevels[key].map { "\(label) \($0) (\(Int((Double($0) * 100 / Double(max(total, 1))).rounded())) %)" }
                }
                lines.append("  localisation : " + parts.joined(separator: ", "))
            }
            if !unclassifiedNatures.isEmpty {
                lines.append("  natures non classées (chargées « non classé », à ajouter dans partners.yaml) : "
                    + unclassifiedNatures.sorted { $0.key < $1.key }.map { "« \($0.key.shown()) » (\($0.value))" }.joined(separator: ", "))
            }
            for note in notes { lines.append("  note : \(note.shown(limit: Self.lineLimit))") }
            for s in superseded {
                lines.append("  remplace le dépôt n° \(s.submission) (« \(s.file.shown()) », reçu le \(s.receivedAt)) pour ces périodes : ses chiffres ne comptent plus")
            }
            if !rejects.isEmpty {
                lines.append(dryRun ? "  rejets (à faire corriger par le partenaire) :" : "  rejets (conservés dans la base, à faire corriger par le partenaire) :")
                for r in rejects.prefix(50) {
                    lines.append("    - " + Self.place(r) + " : " + r.reason.shown(limit: Self.lineLimit))
                }
                if rejects.count > 50 { lines.append("    … et \(rejects.count - 50) autres (vigie status --json les donne tous)") }
            }
        case .alreadyLoaded:
            lines.append("= \(file.shown()) — \(partner)/\(feed) : \(message ?? "déjà intégré")")
        case .refused:
            lines.append("✘ \(file.shown()) — \(partner)/\(feed) : " + (dryRun ? "serait refusé (essai à blanc : rien n'a été enregistré)" : "fichier refusé, rien n'a été chargé"))
            lines.append(contentsOf: (message ?? "").split(separator: "\n").map { "  " + String($0).shown(limit: Self.lineLimit) })
        case .unreadable:
            lines.append("✘ \(file.shown()) — \(partner)/\(feed) : \(message ?? "fichier illisible")")
        }
        return lines.joined(separator: "\n")
    }

    /// The most characters of one reason, note or message line: a report line stays readable whatever the file holds.
    static let lineLimit = 600

    static func place(_ r: Reject) -> String {
        var parts: [String] = []
        if let sheet = r.sheet { parts.append("feuille « \(sheet.shown()) »") }
        if let row = r.row { parts.append("ligne \(row)") }
        if let column = r.column { parts.append("colonne \(column)") }
        if let value = r.value, !value.isEmpty { parts.append("valeur « \(value.shown()) »") }
        return parts.joined(separator: ", ")
    }
}

/// JSON as the command line prints it: sorted keys, snake_case, pretty.
public func vigieJSON<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.keyEncodingStrategy = .convertToSnakeCase
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
