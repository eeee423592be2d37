import Foundation
import VigieCore
import VigieStore

/// `vigie status`: what needs doing today first — late feeds with their partner's contact, refused
/// files not yet replaced, natures « non classé », bulletins waiting for approval — in under a
/// screen; the whole ledger with `ledger` (and always in JSON).
public struct ShowStatus: UseCase {
    public var ledger: Bool

    public init(ledger: Bool = false) { self.ledger = ledger }

    public func run(_ observatory: Observatory) throws -> StatusReport {
        let status = try LedgerStatus(config: observatory.config, store: observatory.store, today: observatory.context.today)
        return StatusReport(today: observatory.context.today.description, todo: .init(status, awaiting: try awaitingApproval(observatory)),
                            ledger: status, showLedger: ledger)
    }

    /// Last week's faits marquants not yet sent nor approved, per commune of recipients.yaml, when
    /// approval is required; or the file they wait for. Whether an approved message has changed
    /// since is said when it is sent (it is built again then).
    func awaitingApproval(_ observatory: Observatory) throws -> [String] {
        guard observatory.config.settings.approval == .required, let recipients = observatory.config.recipients else { return [] }
        let week = Period.week(of: observatory.context.today.adding(days: -7))
        let territory = observatory.config.territory
        var waiting: [String] = []
        for commune in territory.communes where recipients.communes[commune.insee] != nil {
            let sent = try observatory.store.wasSent(bulletin: BulletinKind.weekly.rawValue, period: week.description, scope: commune.insee)
            let approved = try observatory.store.lastApproval(bulletin: BulletinKind.weekly.rawValue, period: week.description, scope: commune.insee)
            if !sent && approved == nil { waiting.append(commune.name) }
        }
        guard !waiting.isEmpty else { return [] }
        let missing = try WeeklyMail(observatory).missingRequiredFeeds(week: week)
        if let first = missing.first {
            return ["\(week) (\(waiting.joined(separator: ", "))) : attend le fichier « \(first.feed) » de \(first.partnerName), attendu le \(first.due)"]
        }
        return ["\(week) : \(waiting.joined(separator: ", ")) — relisez (vigie bulletin weekly --week \(week)) puis vigie mail weekly --week \(week) --approve"]
    }
}

/// The morning summary and the ledger behind it.
public struct StatusReport: UseCaseResult {
    /// What the coordinator or the assistant has to do today.
    public struct Todo: Codable, Sendable {
        /// A feed late for one or more periods, and whom to chase.
        public struct LateFeed: Codable, Sendable {
            public var partner: String
            public var partnerName: String
            public var feed: String
            public var periods: [Completeness.Late]
            public var contact: Contact?
        }

        /// A file refused whole and not yet followed by a file the feed loaded.
        public struct RefusedFile: Codable, Sendable {
            public var submission: Int64
            public var partner: String
            public var feed: String
            public var file: String
            public var receivedAt: String
            public var reason: String
        }

        public var late: [LateFeed]
        public var refused: [RefusedFile]
        public var unclassified: [UnclassifiedNature]
        /// Messages built but not approved (« vigie mail weekly --approve »).
        public var awaitingApproval: [String]

        public var isEmpty: Bool { late.isEmpty && refused.isEmpty && unclassified.isEmpty && awaitingApproval.isEmpty }

        init(_ status: LedgerStatus, awaiting: [String]) {
            late = status.completeness.lateFeeds.map {
                LateFeed(partner: $0.partner, partnerName: $0.partnerName, feed: $0.feed, periods: $0.late, contact: $0.contact)
            }
            refused = status.feeds.flatMap { f -> [RefusedFile] in
                let lastLoaded = f.submissions.filter { $0.status != "refused" }.map(\.id).max() ?? 0
                return f.submissions.filter { $0.status == "refused" && $0.id > lastLoaded }.map {
                    RefusedFile(submission: $0.id, partner: f.partner, feed: f.feed, file: $0.file, receivedAt: $0.receivedAt,
                                reason: ($0.message ?? "").split(separator: "\n").first.map(String.init) ?? "")
                }
            }
            unclassified = status.unclassifiedNatures
            awaitingApproval = awaiting
        }
    }

    public var today: String
    public var todo: Todo
    public var ledger: LedgerStatus
    /// The text shows the whole ledger after the summary (`vigie status --ledger`).
    public var showLedger: Bool

    /// At most this many lines per section in the summary; the rest is counted.
    static let sectionLines = 6

    public var text: String {
        var lines = ["À faire aujourd'hui, \(CivilDate(iso: today).map { "\($0.frenchDayMonth) \($0.year)" } ?? today) :"]
        if todo.isEmpty { lines.append("  rien : tous les fichiers attendus sont arrivés et chargés.") }
        func section<T>(_ title: String, _ items: [T], _ line: (T) -> [String]) {
            guard !items.isEmpty else { return }
            lines.append("")
            lines.append(title)
            for item in items.prefix(Self.sectionLines) { lines += line(item) }
            if items.count > Self.sectionLines { lines.append("  … et \(items.count - Self.sectionLines) autre(s) (vigie status --ledger)") }
        }
        section("Envois en retard (\(todo.late.count)) — vigie relances les écrit :", todo.late) { f in
            let count = f.periods.count
            let last = f.periods.last.map { "\($0.period), attendu le \($0.due)" } ?? ""
            var out = ["  ✘ \(f.partnerName) — « \(f.feed) » : " + (count == 1 ? last : "\(count) périodes, la dernière \(last)")]
            if let c = f.contact { out.append("      " + ([c.name, c.email, c.phone].compactMap { $0 }.joined(separator: " — "))) }
            else { out.append("      aucun contact dans partners.yaml") }
            return out
        }
        section("Fichiers refusés à faire renvoyer (\(todo.refused.count)) :", todo.refused) { r in
            ["  ✘ n° \(r.submission) « \(r.file.shown()) » (\(r.partner)/\(r.feed), reçu le \(r.receivedAt.prefix(10))) : \(r.reason.shown(limit: 160))"]
        }
        section("Natures non classées (à ajouter sous « natures » du flux dans partners.yaml, puis vigie reclassify) :", todo.unclassified) { n in
            ["  \(n.partner)/\(n.feed) : « \(n.nature.shown()) » (\(n.rows) ligne(s))"]
        }
        section("Faits marquants à approuver avant l'envoi :", todo.awaitingApproval) { ["  " + $0] }
        if showLedger {
            lines += ["", "Registre des envois :", "", ledger.text]
        } else {
            lines += ["", "Le registre complet des envois : vigie status --ledger."]
        }
        return lines.joined(separator: "\n")
    }

}
