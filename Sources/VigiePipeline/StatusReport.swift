import Foundation
import VigieCore
import VigieReports
import VigieStore

/// `vigie status`: what needs doing today first — late feeds with their partner's contact, refused
/// files not yet replaced, natures « non classé », bulletins waiting for approval — in under a
/// screen; the whole ledger with `ledger` (and always in JSON).
public struct ShowStatus: UseCase, Hashable {
    public var ledger: Bool

    public init(ledger: Bool = false) { self.ledger = ledger }

    public func run(_ observatory: Observatory) throws -> StatusReport {
        let status = try LedgerStatus(config: observatory.config, store: observatory.store, today: observatory.context.today)
        let week = Period.week(of: observatory.context.today.adding(days: -7))
        return StatusReport(today: observatory.context.today.description, todo: .init(status, awaiting: try awaitingApproval(observatory),
                                                                                   diagnostics: try observatory.store.diagnosticAsks().filter { $0.doneAt == nil }),
                            lastReception: .init(status), week: week.description, weekFacts: try weekFacts(observatory, week: week),
                            ledger: status, showLedger: ledger)
    }

    /// Last week's faits marquants per commune: the entries of each commune's weekly bulletin.
    func weekFacts(_ observatory: Observatory, week: Period) throws -> [StatusReport.CommuneCount] {
        let context = try observatory.bulletinContext()
        return try observatory.config.territory.communes.map {
            StatusReport.CommuneCount(commune: $0.insee, name: $0.name,
                                      count: try WeeklyBulletin.build(week: week, commune: $0.insee, context: context).entries.count)
        }
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
        /// Elected officials' asks for a diagnostic not yet dealt with, the newest first.
        public var diagnostics: [DiagnosticAsk]

        public var isEmpty: Bool { late.isEmpty && refused.isEmpty && unclassified.isEmpty && awaitingApproval.isEmpty && diagnostics.isEmpty }

        init(_ status: LedgerStatus, awaiting: [String], diagnostics: [DiagnosticAsk]) {
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
            self.diagnostics = diagnostics
        }
    }

    /// The files received on the last day anything was received (the last night's run, or the
    /// files dropped by hand that day), from the ledger.
    public struct Reception: Codable, Sendable {
        /// The day, in Paris (YYYY-MM-DD).
        public var day: String
        public var files: Int
        public var loaded: Int
        public var refused: Int
        public var rowsLoaded: Int
        public var rowsRejected: Int

        init?(_ status: LedgerStatus) {
            let all = status.feeds.flatMap(\.submissions)
            guard let day = all.map({ String($0.receivedAt.prefix(10)) }).max() else { return nil }
            let that = all.filter { $0.receivedAt.hasPrefix(day) }
            self.day = day
            files = that.count
            refused = that.filter { $0.status == "refused" }.count
            loaded = files - refused
            rowsLoaded = that.map(\.rowsLoaded).reduce(0, +)
            rowsRejected = that.map(\.rowsRejected).reduce(0, +)
        }
    }

    /// A number for one commune.
    public struct CommuneCount: Codable, Sendable {
        public var commune: String
        public var name: String
        public var count: Int
    }

    public var today: String
    public var todo: Todo
    public var lastReception: Reception?
    /// Last week (the one the faits marquants mail is about) and its faits marquants per commune.
    public var week: String
    public var weekFacts: [CommuneCount]
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
        section("Diagnostics demandés par les élus (vigie diagnostic les écrit) :", todo.diagnostics) { d in
            ["  n° \(d.id) — \(d.place.shown()), \(d.from) à \(d.to), demandé par \(d.login.shown()) le \(d.askedAt.prefix(10))"
             + (d.note.map { " : « \($0.shown(limit: 160)) »" } ?? "")]
        }
        lines.append("")
        if let r = lastReception {
            let day = CivilDate(iso: r.day).map { "\($0.frenchDayMonth) \($0.year)" } ?? r.day
            lines.append("Derniers fichiers reçus, le \(day) : \(r.files) fichier(s), \(r.loaded) chargé(s), \(r.refused) refusé(s) ; "
                         + "\(r.rowsLoaded) ligne(s) chargée(s), \(r.rowsRejected) rejetée(s).")
        } else {
            lines.append("Aucun fichier reçu pour l'instant.")
        }
        lines.append("Faits marquants de la semaine \(week) : " + weekFacts.map { "\($0.name) \($0.count)" }.joined(separator: ", ") + ".")
        if showLedger {
            lines += ["", "Registre des envois :", "", ledger.text]
        } else {
            lines += ["", "Le registre complet des envois : vigie status --ledger."]
        }
        return lines.joined(separator: "\n")
    }

}
