import Foundation
import VigieCore
import VigieDelivery
import VigieReports
import VigieStore

/// `vigie relances`: one reminder per late partner (its late feeds and periods, when they were
/// due, how to send) and one per refused file (the reason, the rows and columns rejected, what to
/// do), written from `Config/templates/relance-*.txt.mustache` and sent to the partner's contact
/// (partners.yaml). The dispatch log keeps each one; the same reminder is not sent again within
/// `relances: interval_days` (settings.yaml).
public struct Relances: UseCase {
    public var outgoing: Outgoing
    /// The day lateness is computed for; nil for the observatory's today (tests and essays give one).
    public var today: CivilDate?
    /// Only these partners' reminders (the web's « relancer » button of one partner); nil for all.
    public var partners: Set<String>?

    public init(outgoing: Outgoing, today: CivilDate? = nil, partners: Set<String>? = nil) {
        self.outgoing = outgoing
        self.today = today
        self.partners = partners
    }

    /// The bulletin kind of the dispatch log's reminder lines.
    public static let kind = "relance"

    /// One reminder and what became of it.
    public struct Message: Codable, Sendable {
        public enum Kind: String, Codable, Sendable {
            case late = "retard"
            case refused = "refus"
        }
        public enum Note: String, Codable, Sendable {
            /// Sent (or written) within the interval: not again.
            case alreadySent = "déjà relancé"
            /// The partner has no email in partners.yaml.
            case noAddress = "sans adresse"
        }
        public var kind: Kind
        public var partner: String
        public var partnerName: String
        public var to: [String]
        public var phone: String?
        public var subject: String
        /// What it is about: `partner/feed : periods` for a late feed, the file name for a refused file.
        public var about: [String]
        public var fate: MessageFate
        public var note: Note?
        /// When the same reminder last went (UTC), when it is not sent again.
        public var lastSent: String?
    }

    public struct Result: UseCaseResult {
        public var today: String
        public var intervalDays: Int
        public var outbox: String?
        public var messages: [Message]

        public var exitStatus: ExitStatus {
            messages.contains { $0.fate == .failed || $0.note == .noAddress } ? .attention : .ok
        }

        public var text: String {
            if messages.isEmpty { return "Aucune relance à faire au \(today) : aucun envoi en retard, aucun fichier refusé." }
            var lines = ["Relances au \(today) :"]
            for m in messages {
                let what = (m.kind == .late ? "retard — " : "fichier refusé — ") + m.about.joined(separator: " ; ")
                switch (m.fate, m.note) {
                case (_, .noAddress):
                    lines.append("☎ \(m.partnerName) : sans adresse : à relancer par téléphone\(m.phone.map { " (\($0))" } ?? "") — \(what)")
                case (_, .alreadySent):
                    lines.append("— déjà relancé le \(m.lastSent.map(MailWeekly.parisMinute) ?? "?") (pas avant \(intervalDays) jours) : \(m.partnerName) — \(what)")
                case (.outbox, _):
                    lines.append("✔ écrit dans \(outbox ?? "la boîte d'envoi") : « \(m.subject) » pour \(m.to.joined(separator: ", ")) — \(what)")
                default:
                    lines.append("\(m.fate == .sent ? "✔" : "✘") \(m.fate.rawValue) : « \(m.subject) » à \(m.to.joined(separator: ", ")) — \(what)")
                }
            }
            return lines.joined(separator: "\n")
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let config = observatory.config
        guard let recipients = config.recipients else {
            throw VigieError(.config, "expéditeur introuvable : Config/recipients.yaml manque",
                             hint: "Les relances partent de l'adresse « from » de recipients.yaml, réponses au coordonnateur.")
        }
        let day = today ?? observatory.context.today
        // Dispatch moments follow the day given, so that the interval is counted on one calendar.
        let now = today.map { Self.date(of: $0) } ?? Date()
        let interval = config.settings.relanceIntervalDays
        let transport = outgoing.transport(config.settings)
        // A trial (outbox) does not count as sent for a real send; it does for another trial.
        let countingOutbox = transport.name == "outbox"
        let renderer = try TemplateRenderer(directory: config.directory.appendingPathComponent("templates"))
        let ledger = try LedgerStatus(config: config, store: observatory.store, today: day)
        let observatoryName = "Observatoire de la délinquance — \(config.territory.name)"
        var result = Result(today: day.french, intervalDays: interval, outbox: nil, messages: [])
        if case .outbox(let folder) = outgoing { result.outbox = folder }

        func common(_ partner: Partner) -> [String: Any] {
            ["greeting": "Madame, Monsieur,", "observatory": observatoryName, "partnerName": partner.name,
             "signature": recipients.letter.signature, "coordinatorName": recipients.coordinator.name,
             "coordinatorEmail": recipients.coordinator.email]
        }
        /// True when every (scope, period) already went within the interval; gives the last moment.
        func alreadySent(_ keys: [(scope: String, period: String)]) throws -> String? {
            var last: String?
            for key in keys {
                guard let at = try observatory.store.lastDispatch(bulletin: Self.kind, period: key.period, scope: key.scope, countingOutbox: countingOutbox),
                      let sentDay = CivilDate(iso: String(at.prefix(10))), sentDay.adding(days: interval) > day else { return nil }
                last = max(last ?? at, at)
            }
            return last
        }
        func deliver(_ message: inout Message, text: String, name: String, keys: [(scope: String, period: String)], partner: Partner) throws {
            guard let email = partner.contact?.email else {
                message.fate = .held
                message.note = .noAddress
                return
            }
            if let last = try alreadySent(keys) {
                message.fate = .held
                message.note = .alreadySent
                message.lastSent = last
                return
            }
            let to = Mailbox(name: partner.contact?.name ?? partner.name, email: email)
            let mail = MailMessage(from: recipients.from, to: [to], replyTo: recipients.coordinator, subject: message.subject,
                                   text: text, html: Self.html(text), date: now)
            let data = try mail.rendered()
            let hash = WeeklyMail.contentHash(mail)
            var fate: MessageFate = transport.name == "outbox" ? .outbox : .sent
            var error: String?
            do {
                try transport.send(data, name: name)
            } catch let failure {
                fate = .failed
                error = "\(failure)"
            }
            for key in keys {
                try observatory.store.recordDispatch(Dispatch(
                    bulletin: Self.kind, period: key.period, scope: key.scope, recipients: [email], messageSHA256: hash,
                    transport: transport.name, at: Timestamp.utc(now),
                    result: fate == .failed ? .failed : fate == .outbox ? .outbox : .sent, error: error))
            }
            message.fate = fate
        }

        // Late partners: the completeness register, one message per partner with all its late feeds.
        let late = ledger.completeness.lateFeeds
        for partner in config.partners where partners?.contains(partner.id) ?? true {
            let feeds = late.filter { $0.partner == partner.id }
            guard !feeds.isEmpty else { continue }
            var feedObjects: [[String: Any]] = []
            for f in feeds {
                let feed = partner.feeds.first { $0.id == f.feed }
                let patterns = feed?.patterns ?? []
                let example = patterns.first.map { Self.example($0, period: f.late.last?.period ?? "") } ?? ""
                feedObjects.append(["feed": f.feed, "cadence": LedgerStatus.cadenceLabel(f.cadence),
                                    "late": f.late.map { ["period": Period($0.period).map { "\($0.frenchName) (\($0))" } ?? $0.period, "due": Self.dueLong($0.due)] },
                                    "inbox": "\(partner.id)/\(f.feed)/", "hasPatterns": !patterns.isEmpty,
                                    "patterns": patterns, "example": example])
            }
            var object = common(partner)
            object["feeds"] = feedObjects
            let text = try renderer.render("relance-retard.txt", object)
            let periods = feeds.flatMap(\.late).count
            var message = Message(kind: .late, partner: partner.id, partnerName: partner.name, to: partner.contact?.email.map { [$0] } ?? [],
                                  phone: partner.contact?.phone,
                                  subject: "Relance — \(periods) envoi(s) attendu(s) par l'observatoire — \(partner.name)",
                                  about: feeds.map { "\($0.partner)/\($0.feed) : \($0.late.map(\.period).joined(separator: ", "))" },
                                  fate: .held, note: nil, lastSent: nil)
            try deliver(&message, text: text, name: "relance_\(partner.id)_\(day)",
                        keys: feeds.map { ("\($0.partner)/\($0.feed)", $0.late.map(\.period).joined(separator: ", ")) }, partner: partner)
            result.messages.append(message)
        }

        // Refused files: each refused submission no later file of its feed has replaced.
        for feed in ledger.feeds {
            guard let partner = config.partners.first(where: { $0.id == feed.partner }),
                  partners?.contains(partner.id) ?? true else { continue }
            // Newest first: a refused file counts until a file of the same feed loads after it.
            for s in feed.submissions {
                guard s.status == "refused" else { break }
                var object = common(partner)
                let shown = s.rejects.prefix(30).map { r in
                    ["place": IngestReport.place(r).isEmpty ? "fichier" : IngestReport.place(r), "reason": r.reason]
                }
                object.merge(["file": s.file, "feed": feed.feed, "receivedAt": MailWeekly.parisMinute(s.receivedAt),
                              "reason": Self.forPartner(s.message), "hasRejects": !s.rejects.isEmpty,
                              "rejectCount": s.rejects.count, "rejects": shown, "hasMore": s.rejects.count > shown.count,
                              "moreRejects": s.rejects.count - shown.count, "inbox": "\(partner.id)/\(feed.feed)/"]) { _, new in new }
                let text = try renderer.render("relance-refus.txt", object)
                var message = Message(kind: .refused, partner: partner.id, partnerName: partner.name,
                                      to: partner.contact?.email.map { [$0] } ?? [], phone: partner.contact?.phone,
                                      subject: "Fichier refusé : « \(s.file.shown(limit: 80)) » — \(partner.name)",
                                      about: ["« \(s.file.shown()) » (\(feed.partner)/\(feed.feed)) : \((s.message ?? "refusé").oneLine.shown(limit: 160))"],
                                      fate: .held, note: nil, lastSent: nil)
                try deliver(&message, text: text, name: "relance-refus_\(partner.id)_\(s.sha256.prefix(12))",
                            keys: [(s.sha256, "\(feed.partner)/\(feed.feed)")], partner: partner)
                result.messages.append(message)
            }
        }
        return result
    }

    /// A refusal's reason as the partner reads it: the reason itself, without the hint written
    /// for the coordinator (after « → »: which setting of partners.yaml to adapt…).
    static func forPartner(_ message: String?) -> String {
        let text = (message ?? "fichier refusé").oneLine
        return text.components(separatedBy: " → ").first?.trimmingCharacters(in: .whitespaces) ?? text
    }

    /// The text as a minimal HTML part: the same words, escaped, lines kept.
    static func html(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        return """
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"></head>
            <body style="margin: 0; padding: 16px;"><div style="font-family: Arial, Helvetica, sans-serif; font-size: 14px; line-height: 1.45; white-space: pre-wrap; color: #1f2933;">\(escaped)</div></body></html>
            """
    }

    /// A file name of `pattern` for `period`: `4001_{month}.xlsx` → `4001_2026-09.xlsx`.
    static func example(_ pattern: String, period: String) -> String {
        var name = pattern
        for placeholder in ["{month}", "{week}", "{year}", "{semester}", "{school_year}"] {
            name = name.replacingOccurrences(of: placeholder, with: period)
        }
        return name.replacingOccurrences(of: "*", with: "xlsx")
    }

    /// `15/10/2026` → « jeudi 15 octobre 2026 ».
    static func dueLong(_ french: String) -> String {
        let parts = french.split(separator: "/").compactMap { Int($0) }
        guard parts.count == 3, let date = CivilDate(year: parts[2], month: parts[1], day: parts[0]) else { return french }
        return date.frenchLong
    }

    /// Noon (UTC) of `day`: the moment recorded for a run on a given day.
    static func date(of day: CivilDate) -> Date {
        ISO8601DateFormatter().date(from: "\(day)T12:00:00Z") ?? Date()
    }
}
