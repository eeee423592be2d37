import Foundation
import VigieCore
import VigieDelivery
import VigieReports
import VigieStore

/// `vigie mail weekly`: approves (`approve`) or sends (`outgoing`) the weekly faits marquants of
/// each commune to its mayor and DGS. With `approval: required`, only the message the coordinator
/// approved goes, unchanged; a week whose required feeds (police faits marquants) are missing is
/// neither approved nor sent unless `force`.
public struct MailWeekly: UseCase {
    /// What the coordinator asks: approve the messages, or send them.
    public enum Action: Sendable, Codable, Equatable {
        case approve
        case send(Outgoing)
    }

    public var week: Period
    /// A commune as typed (INSEE code, name or alias); nil for every commune of recipients.yaml.
    public var commune: String?
    public var action: Action
    /// Send again a week already sent to a commune.
    public var resend: Bool
    /// Approve or send although a required feed of the week is missing.
    public var force: Bool
    /// Who approves; nil for the Unix user (« coordonnateur » when unknown).
    public var approvedBy: String?

    public init(week: Period, commune: String? = nil, action: Action, resend: Bool = false, force: Bool = false, approvedBy: String? = nil) {
        self.week = week
        self.commune = commune
        self.action = action
        self.resend = resend
        self.force = force
        self.approvedBy = approvedBy
    }

    /// What became of one commune's message.
    public struct Line: Codable, Sendable {
        public enum Note: String, Codable, Sendable {
            case approved = "approuvé"
            case alreadySent = "déjà envoyé"
            case awaitingApproval = "en attente d'approbation"
            case changedSinceApproval = "changé depuis l'approbation"
        }
        public var commune: String
        public var communeName: String
        public var subject: String
        public var recipients: [String]
        /// Nil when the message was approved, not sent.
        public var fate: MessageFate?
        public var note: Note?
        public var contentSHA256: String?
        /// The approval the message was checked against (or the one just recorded).
        public var approvedAt: String?
        public var approvedBy: String?
    }

    public struct Result: UseCaseResult {
        public var week: String
        public var approving: Bool
        public var outbox: String?
        /// Required feeds of the week not received; non-empty and not forced: nothing was done.
        public var missing: [WeeklyMail.Missing]
        public var forced: Bool
        public var lines: [Line]

        public var refused: Bool { !missing.isEmpty && !forced }

        public var exitStatus: ExitStatus {
            refused || lines.contains { $0.note == .awaitingApproval || $0.note == .changedSinceApproval } ? .attention : .ok
        }

        public var text: String {
            var out: [String] = []
            for m in missing {
                out.append("\(refused ? "✘" : "⚠") fichier manquant : « \(m.feed) » de \(m.partnerName) (\(m.partner)/\(m.feed)) pour \(m.period), attendu le \(m.due).")
            }
            if refused {
                out.append("Semaine \(week) \(approving ? "non approuvée" : "non envoyée") : les maires la recevraient sans \(missing.count > 1 ? "ces fichiers" : "ce fichier") (bulletins.yaml, weekly: requires). "
                           + "Relancez le partenaire (vigie relances), chargez le fichier, ou passez outre avec --force.")
                return out.joined(separator: "\n")
            }
            if forced && !missing.isEmpty { out.append("--force : \(approving ? "approuvé" : "envoyé") malgré le fichier manquant.") }
            for l in lines {
                let to = l.recipients.joined(separator: ", ")
                switch (l.fate, l.note) {
                case (nil, _):
                    out.append("✔ approuvé : « \(l.subject) » pour \(to) (empreinte \(l.contentSHA256?.prefix(12) ?? ""), par \(l.approvedBy ?? "?"))")
                case (.some(.sent), _):
                    out.append("✔ envoyé : « \(l.subject) » à \(to)")
                case (.some(.outbox), _):
                    out.append("✔ écrit dans \(outbox ?? "la boîte d'envoi") : « \(l.subject) » pour \(to)")
                case (.some(.failed), _):
                    out.append("✘ échec de l'envoi : « \(l.subject) » à \(to)")
                case (.some(.held), .alreadySent):
                    out.append("— déjà envoyé : « \(l.subject) » (--resend pour renvoyer)")
                case (.some(.held), .changedSinceApproval):
                    out.append("⏸ retenu, changé depuis l'approbation du \(l.approvedAt ?? "?") par \(l.approvedBy ?? "?") (fichier arrivé, commentaire…) : « \(l.subject) » — relisez-le puis approuvez-le de nouveau : vigie mail weekly --week \(week) --approve --commune \(l.commune)")
                case (.some(.held), _):
                    out.append("⏸ retenu, en attente d'approbation : « \(l.subject) » — relisez-le (vigie bulletin weekly --week \(week) --commune \(l.commune)) puis : vigie mail weekly --week \(week) --approve --commune \(l.commune)")
                }
            }
            let waiting = lines.filter { $0.note == .awaitingApproval || $0.note == .changedSinceApproval }
            if !waiting.isEmpty {
                out.append("\(waiting.count) message(s) retenu(s) faute d'approbation (settings.yaml : approval: required) : \(waiting.map(\.communeName).joined(separator: ", ")).")
            }
            return out.joined(separator: "\n")
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let recipients = try WeeklyMail.recipients(observatory, week: week)
        let engine = try WeeklyMail(observatory)
        let missing = try engine.missingRequiredFeeds(week: week)
        var outboxFolder: String?
        if case .send(.outbox(let folder)) = action { outboxFolder = folder }
        var result = Result(week: week.description, approving: action == .approve, outbox: outboxFolder, missing: missing, forced: force, lines: [])
        if result.refused { return result }

        let communes: [String]
        if let commune {
            communes = [try observatory.config.territory.place(commune, levels: [.commune]).code]
        } else {
            communes = observatory.config.territory.communes.map(\.insee).filter { recipients.communes[$0] != nil }
        }
        let now = Date()
        switch action {
        case .approve:
            let who = approvedBy ?? Self.unixUser()
            for insee in communes {
                let prepared = try engine.prepare(week: week, commune: insee, issuedAt: now)
                let approval = Approval(bulletin: WeeklyBulletin.kind, period: week.description, scope: insee,
                                        contentSHA256: prepared.contentSHA256, at: Timestamp.utc(now), by: who)
                try observatory.store.recordApproval(approval)
                result.lines.append(Line(commune: insee, communeName: prepared.communeName, subject: prepared.subject,
                                         recipients: prepared.recipients, fate: nil, note: .approved,
                                         contentSHA256: prepared.contentSHA256, approvedAt: approval.at, approvedBy: who))
            }
        case .send(let outgoing):
            let transport = outgoing.transport(observatory.config.settings)
            let required = observatory.config.settings.approval == .required
            for insee in communes {
                var issuedAt = now
                var approval: Approval?
                if required {
                    approval = try observatory.store.lastApproval(bulletin: WeeklyBulletin.kind, period: week.description, scope: insee)
                    // The message is rebuilt as it was approved: dated the day of its approval.
                    if let approval, let date = ISO8601DateFormatter().date(from: approval.at) { issuedAt = date }
                }
                var prepared = try engine.prepare(week: week, commune: insee, issuedAt: issuedAt)
                prepared.message.date = now
                var line = Line(commune: insee, communeName: prepared.communeName, subject: prepared.subject,
                                recipients: prepared.recipients, fate: .held, note: nil, contentSHA256: prepared.contentSHA256,
                                approvedAt: approval.map { Self.parisMinute($0.at) }, approvedBy: approval?.by)
                if !resend, transport.name == "sendmail",
                   try observatory.store.wasSent(bulletin: WeeklyBulletin.kind, period: week.description, scope: insee) {
                    line.note = .alreadySent
                } else if required && approval == nil {
                    line.note = .awaitingApproval
                } else if required, let approval, approval.contentSHA256 != prepared.contentSHA256 {
                    line.note = .changedSinceApproval
                } else {
                    line.fate = try deliver(prepared, week: week, transport: transport, observatory: observatory, at: now)
                }
                result.lines.append(line)
            }
        }
        return result
    }

    /// Hands one message to the transport and logs it; a failure is logged, then thrown.
    func deliver(_ prepared: WeeklyMail.Prepared, week: Period, transport: MailTransport, observatory: Observatory, at date: Date) throws -> MessageFate {
        let data = try prepared.message.rendered()
        var dispatch = Dispatch(bulletin: WeeklyBulletin.kind, period: week.description, scope: prepared.commune, recipients: prepared.recipients,
                                messageSHA256: prepared.contentSHA256, transport: transport.name, at: Timestamp.utc(date),
                                result: transport.name == "outbox" ? .outbox : .sent)
        do {
            try transport.send(data, name: prepared.baseName)
        } catch {
            dispatch.result = .failed
            dispatch.error = "\(error)"
            try observatory.store.recordDispatch(dispatch)
            throw error
        }
        try observatory.store.recordDispatch(dispatch)
        return dispatch.result == .outbox ? .outbox : .sent
    }

    /// The Unix user running Vigie, or « coordonnateur ».
    static func unixUser() -> String {
        if let pw = getpwuid(getuid()), let name = pw.pointee.pw_name, let text = String(validatingCString: name), !text.isEmpty { return text }
        return ProcessInfo.processInfo.environment["USER"] ?? "coordonnateur"
    }

    /// `2026-12-02T08:15:00Z` → « 02/12/2026 09:15 » (Paris).
    public static func parisMinute(_ utc: String) -> String {
        guard let date = ISO8601DateFormatter().date(from: utc) else { return utc }
        let f = DateFormatter()
        f.locale = Locale(identifier: "fr_FR")
        f.timeZone = TimeZone(identifier: "Europe/Paris")
        f.dateFormat = "dd/MM/yyyy HH:mm"
        return f.string(from: date)
    }
}
