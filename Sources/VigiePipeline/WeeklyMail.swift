import Crypto
import Foundation
import VigieCore
import VigieDelivery
import VigieReports
import VigieStore

/// `vigie mail weekly`: one message per commune to its mayor and DGS — the weekly faits
/// marquants as a plain-text letter (`weekly.txt`) and as HTML styled inline, each of the week's tables as a CSV attachment — through a transport, with
/// each message in the dispatch log. A week already sent to a commune is not sent again
/// unless `resend`; a message counts as sent only when the transport returned success.
public struct WeeklyMail: Sendable {
    /// What became of one commune's message.
    public struct Outcome: Sendable {
        public var commune: String
        public var recipients: [String]
        public var subject: String
        /// `sent`, `outbox`, or nil when skipped because already sent.
        public var result: Dispatch.Result?
    }

    let observatory: Observatory
    /// Builds the bulletins from a snapshot of the store (see `Bulletins`); what was sent is
    /// read from the store itself, so a message another run has just sent is not sent twice.
    let writer: BulletinWriter

    public init(_ observatory: Observatory) throws {
        self.observatory = observatory
        writer = try BulletinWriter(context: observatory.bulletinContext(), directory: FileManager.default.temporaryDirectory)
    }

    /// The sendmail command: `VIGIE_SENDMAIL` when set, else `settings.yaml`.
    public static func sendmailCommand(_ settings: Settings) -> String {
        ProcessInfo.processInfo.environment["VIGIE_SENDMAIL"] ?? settings.sendmail
    }

    /// Sends (or writes to the outbox) the weekly of `week` for every commune of `recipients.yaml`,
    /// or only `commune`. Stops at the first transport failure, after logging it.
    public func send(week: Period, commune: String? = nil, transport: MailTransport, resend: Bool = false,
                     at date: Date = Date()) throws -> [Outcome] {
        guard let recipients = observatory.config.recipients else {
            throw VigieError(.config, "destinataires introuvables : Config/recipients.yaml manque",
                             hint: "Déclarez pour chaque commune le maire (to) et le DGS (cc).")
        }
        let communes = observatory.config.territory.communes.filter { commune == nil || $0.insee == commune || $0.name == commune }
        guard !communes.isEmpty else { throw VigieError(.usage, "commune inconnue « \(commune ?? "") »") }
        var outcomes: [Outcome] = []
        for c in communes {
            guard let group = recipients.communes[c.insee] else {
                throw VigieError(.config, "aucun destinataire pour \(c.name) (\(c.insee)) dans recipients.yaml")
            }
            let weekNumber: Int
            if case .isoWeek(_, let w) = week { weekNumber = w } else { throw VigieError(.usage, "« \(week) » n'est pas une semaine") }
            let subject = "Faits marquants — semaine \(weekNumber) — \(c.name)"
            let addresses = (group.to + group.cc).map(\.email)
            if !resend, transport.name == "sendmail",
               try observatory.store.wasSent(bulletin: WeeklyBulletin.kind, period: week.description, scope: c.insee) {
                outcomes.append(Outcome(commune: c.insee, recipients: addresses, subject: subject, result: nil))
                continue
            }
            let bulletin = try WeeklyBulletin.build(week: week, commune: c.insee, context: writer.context)
            // The mail is a letter: greeting, signature and « diffusion restreinte » from recipients.yaml.
            let letter: [String: Any] = ["greeting": group.greeting ?? recipients.letter.greeting,
                                         "signature": recipients.letter.signature, "restriction": recipients.letter.restriction]
            let rendered = try writer.render(bulletin, issuedAt: date, extra: ["letter": letter])
            let text = try writer.render(bulletin, variant: "txt", issuedAt: date, extra: ["letter": letter])
            let attachments = rendered.tables.map {
                MailAttachment(filename: "\(rendered.baseName)_\($0.name).csv", contentType: "text/csv; charset=utf-8", data: Data($0.text.utf8))
            }
            let message = MailMessage(from: recipients.from, to: group.to, cc: group.cc, replyTo: recipients.coordinator,
                                      subject: subject, text: text, html: rendered.html, attachments: attachments, date: date)
            let data = try message.rendered()
            let hash = SHA256.hash(data: data).hex
            var dispatch = Dispatch(bulletin: WeeklyBulletin.kind, period: week.description, scope: c.insee, recipients: addresses,
                                    messageSHA256: hash, transport: transport.name, at: Timestamp.utc(date),
                                    result: transport.name == "outbox" ? .outbox : .sent)
            do {
                try transport.send(data, name: rendered.baseName)
            } catch {
                dispatch.result = .failed
                dispatch.error = "\(error)"
                try observatory.store.recordDispatch(dispatch)
                throw error
            }
            try observatory.store.recordDispatch(dispatch)
            outcomes.append(Outcome(commune: c.insee, recipients: addresses, subject: subject, result: dispatch.result))
        }
        return outcomes
    }
}
