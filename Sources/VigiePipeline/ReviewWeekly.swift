import Foundation
import VigieCore
import VigieReports
import VigieStore

/// The web page « Faits marquants »: each commune's weekly message as `vigie mail weekly` would
/// send it now (the same `WeeklyMail` engine: dated the day of its approval once approved, as the
/// send rebuilds it), its comments, and where its dispatch stands. Reads only.
public struct ReviewWeekly: UseCase, Hashable {
    public var week: Period

    public init(week: Period) { self.week = week }

    /// Where one commune's message stands, in the coordinator's words.
    public enum State: String, Codable, Sendable {
        case awaitingFile = "en attente du fichier de la police"
        case toApprove = "à approuver"
        case approved = "approuvé"
        case changedSinceApproval = "changé depuis l'approbation"
        /// Handed to sendmail, or written in an outbox (`outbox`).
        case sent = "envoyé"
    }

    public struct Commune: Codable, Sendable {
        public var commune: String
        public var communeName: String
        public var recipients: [String]
        public var subject: String
        /// The message's plain-text part and HTML part, as the recipients get them.
        public var text: String
        public var html: String
        public var contentSHA256: String
        public var state: State
        /// The last approval (any content), « 02/12/2026 09:15 » in Paris time, and by whom.
        public var approvedAt: String?
        public var approvedBy: String?
        /// The last dispatch the transport accepted, or wrote to an outbox (`outbox` true), in Paris time.
        public var sentAt: String?
        public var outbox: Bool
        /// This commune's comments for the week (those for the whole territory have no commune).
        public var comments: [ListComments.Result.Comment]
    }

    public struct Result: UseCaseResult {
        public var week: String
        /// Required feeds of the week not received: nothing is approved nor sent (`vigie mail weekly --force` would).
        public var missing: [WeeklyMail.Missing]
        public var approvalRequired: Bool
        public var communes: [Commune]
        public var text: String {
            communes.map { "\($0.communeName) : \($0.state.rawValue)" }.joined(separator: "\n")
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let recipients = try WeeklyMail.recipients(observatory, week: week)
        let engine = try WeeklyMail(observatory)
        let missing = try engine.missingRequiredFeeds(week: week)
        let store = observatory.store
        let kind = WeeklyBulletin.kind, period = week.description
        let comments = try ListComments(bulletin: .weekly, period: week).run(observatory).comments
        let now = Date()
        var communes: [Commune] = []
        for commune in observatory.config.territory.communes where recipients.communes[commune.insee] != nil {
            let insee = commune.insee
            let approval = try store.lastApproval(bulletin: kind, period: period, scope: insee)
            // As `MailWeekly` sends it: rebuilt as of the day of its approval.
            let issuedAt = approval.flatMap { ISO8601DateFormatter().date(from: $0.at) } ?? now
            let prepared = try engine.prepare(week: week, commune: insee, issuedAt: issuedAt)
            let sent = try store.lastDispatch(bulletin: kind, period: period, scope: insee, countingOutbox: false)
            let written = try store.lastDispatch(bulletin: kind, period: period, scope: insee, countingOutbox: true)
            let state: State
            if sent != nil || written != nil {
                state = .sent
            } else if !missing.isEmpty {
                state = .awaitingFile
            } else if let approval {
                state = approval.contentSHA256 == prepared.contentSHA256 ? .approved : .changedSinceApproval
            } else {
                state = .toApprove
            }
            communes.append(Commune(
                commune: insee, communeName: commune.name, recipients: prepared.recipients, subject: prepared.subject,
                text: prepared.message.text, html: prepared.message.html, contentSHA256: prepared.contentSHA256, state: state,
                approvedAt: approval.map { MailWeekly.parisMinute($0.at) }, approvedBy: approval?.by,
                sentAt: (sent ?? written).map(MailWeekly.parisMinute), outbox: sent == nil && written != nil,
                comments: comments.filter { $0.commune == insee || $0.commune == nil }))
        }
        return Result(week: period, missing: missing, approvalRequired: observatory.config.settings.approval == .required,
                      communes: communes)
    }
}
