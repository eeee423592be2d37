import Foundation
import VigieConfig
import VigieCore
import VigieStore

/// The ledger as `vigie status` shows it: per partner and feed, the files received, their
/// periods, counts, rejects and state.
public struct LedgerStatus: Codable, Sendable {
    public struct FeedStatus: Codable, Sendable {
        public var partner: String
        public var partnerName: String
        public var feed: String
        public var kind: String
        public var cadence: String
        public var submissions: [SubmissionStatus]
    }

    public struct SubmissionStatus: Codable, Sendable {
        public var id: Int64
        public var file: String
        public var sha256: String
        public var receivedAt: String
        public var status: String
        public var periods: [String]
        /// Periods of this file that a later file replaced.
        public var supersededPeriods: [String]
        public var rowsRead: Int
        public var rowsLoaded: Int
        public var rowsRejected: Int
        public var valuesLoaded: Int
        public var rejects: [IngestReport.Reject]
        public var message: String?
    }

    public var feeds: [FeedStatus]
    public var completeness: Completeness
    /// Natures with no category yet (« non classé »): add them to the feed's `natures`.
    public var unclassifiedNatures: [UnclassifiedNature]

    public init(config: Configuration, store: Store, today: CivilDate) throws {
        completeness = try Completeness(config: config, store: store, today: today)
        unclassifiedNatures = try store.unclassifiedNatures()
        var feeds: [FeedStatus] = []
        for partner in config.partners {
            for feed in partner.feeds {
                let submissions = try store.submissions(partner: partner.id, feed: feed.id).map { s -> SubmissionStatus in
                    let id = s.id ?? 0
                    let periods = try store.periods(ofSubmission: id)
                    return SubmissionStatus(
                        id: id, file: s.fileName, sha256: s.sha256, receivedAt: s.receivedAt, status: s.status.rawValue,
                        periods: periods.map(\.period), supersededPeriods: periods.filter { $0.supersededBy != nil }.map(\.period),
                        rowsRead: s.rowsRead, rowsLoaded: s.rowsLoaded, rowsRejected: s.rowsRejected, valuesLoaded: s.valuesLoaded,
                        rejects: try store.rejects(ofSubmission: id).map {
                            IngestReport.Reject(sheet: $0.sheet, row: $0.sourceRow, column: $0.sourceColumn, value: $0.value, reason: $0.reason)
                        },
                        message: s.message)
                }
                feeds.append(FeedStatus(partner: partner.id, partnerName: partner.name, feed: feed.id, kind: feed.kind.rawValue,
                                        cadence: feed.cadence.rawValue, submissions: submissions))
            }
        }
        self.feeds = feeds
    }

    /// French text for people.
    public var text: String {
        var lines: [String] = []
        for f in feeds {
            lines.append("\(f.partnerName) — flux « \(f.feed) » (\(Self.kindLabel(f.kind)), \(Self.cadenceLabel(f.cadence)))")
            if f.submissions.isEmpty { lines.append("  aucun fichier reçu"); continue }
            for s in f.submissions {
                let state: String
                switch s.status {
                case "loaded": state = "chargé"
                case "partly-superseded": state = "en partie remplacé (\(s.supersededPeriods.joined(separator: ", ")))"
                case "superseded": state = "remplacé par un envoi plus récent"
                default: state = "REFUSÉ"
                }
                var line = "  n° \(s.id) \(s.receivedAt) « \(s.file.shown()) » : \(state)"
                if !s.periods.isEmpty { line += " — \(Self.periodSummary(s.periods))" }
                if s.status != "refused" {
                    line += " — \(s.rowsRead) lignes, \(s.valuesLoaded) valeurs, \(s.rowsRejected) ligne(s) rejetée(s)"
                }
                lines.append(line)
                if let message = s.message { lines.append("      " + message.replacingOccurrences(of: "\n", with: "\n      ")) }
                for r in s.rejects.prefix(10) { lines.append("      rejet : \(IngestReport.place(r)) : \(r.reason)") }
                if s.rejects.count > 10 { lines.append("      … et \(s.rejects.count - 10) autres rejets (--json les donne tous)") }
            }
        }
        lines.append("")
        lines.append(completeness.text)
        if !unclassifiedNatures.isEmpty {
            lines.append("")
            lines.append("Natures non classées (à ajouter sous « natures » du flux dans partners.yaml, puis lancer vigie reclassify) :")
            for n in unclassifiedNatures { lines.append("  \(n.partner)/\(n.feed) : « \(n.nature.shown()) » (\(n.rows) ligne(s))") }
        }
        return lines.joined(separator: "\n")
    }

    static func periodSummary(_ periods: [String]) -> String {
        periods.count <= 3 ? periods.joined(separator: ", ") : "\(periods.first ?? "") à \(periods.last ?? "") (\(periods.count) périodes)"
    }

    /// The kind of feed in French: its raw value stays in the JSON.
    static func kindLabel(_ kind: String) -> String {
        switch kind {
        case "etat4001": return "état 4001"
        case "incidents": return "faits"
        case "counts": return "données agrégées"
        default: return kind
        }
    }

    static func cadenceLabel(_ cadence: String) -> String {
        switch cadence {
        case "weekly": return "hebdomadaire"
        case "monthly": return "mensuel"
        case "yearly": return "annuel"
        case "school-year": return "par année scolaire"
        default: return "au fil de l'eau"
        }
    }
}
