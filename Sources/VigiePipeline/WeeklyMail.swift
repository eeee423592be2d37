import Crypto
import Foundation
import VigieCore
import VigieDelivery
import VigieReports
import VigieStore

/// The engine of `vigie mail weekly`: builds each commune's message — the weekly faits marquants
/// as a plain-text letter (`weekly.txt`) and as HTML styled inline, each of the week's tables as a
/// CSV attachment — and says which required feeds of the week are missing.
public struct WeeklyMail: Sendable {
    /// One commune's message, as its recipients will read it.
    public struct Prepared: Sendable {
        public var commune: String
        public var communeName: String
        public var recipients: [String]
        public var subject: String
        public var baseName: String
        public var message: MailMessage
        /// SHA-256 of what the recipients read (see `contentHash`): what an approval holds.
        public var contentSHA256: String
    }

    /// A feed the weekly requires (`bulletins.yaml`, `weekly: requires:`) whose file for the week has not arrived.
    public struct Missing: Codable, Sendable, Equatable {
        public var partner: String
        public var partnerName: String
        public var feed: String
        public var period: String
        /// When it was due, « mardi 1er décembre 2026 ».
        public var due: String
    }

    let observatory: Observatory
    /// Builds the bulletins from a snapshot of the store (see `Bulletins`).
    let writer: BulletinWriter

    public init(_ observatory: Observatory) throws {
        self.observatory = observatory
        writer = try BulletinWriter(context: observatory.bulletinContext(), directory: FileManager.default.temporaryDirectory)
    }

    /// The recipients of the weekly mail of `week`, or the French error saying what is wrong
    /// (not a week, no recipients.yaml).
    static func recipients(_ observatory: Observatory, week: Period) throws -> Recipients {
        guard case .isoWeek = week else { throw VigieError(.usage, "« \(week) » n'est pas une semaine : écrivez par exemple 2026-W47") }
        guard let recipients = observatory.config.recipients else {
            throw VigieError(.config, "destinataires introuvables : Config/recipients.yaml manque",
                             hint: "Déclarez pour chaque commune le maire (to) et le DGS (cc).")
        }
        return recipients
    }

    /// The sendmail command: `VIGIE_SENDMAIL` when set, else `settings.yaml`.
    public static func sendmailCommand(_ settings: Settings) -> String {
        ProcessInfo.processInfo.environment["VIGIE_SENDMAIL"] ?? settings.sendmail
    }

    /// The required feeds whose file for `week` has not arrived (each period of the feed the week touches).
    public func missingRequiredFeeds(week: Period) throws -> [Missing] {
        var missing: [Missing] = []
        for key in observatory.config.bulletinRules.requires {
            let feed = try observatory.config.feed(partner: key.partner, feed: key.feed)
            let partnerName = observatory.config.partners.first { $0.id == key.partner }?.name ?? key.partner
            let received = try observatory.store.receivedPeriods(partner: key.partner, feed: key.feed)
            var periods: [Period] = [feed.period(of: week.start)]
            let last = feed.period(of: week.end)
            if last != periods[0] { periods.append(last) }
            for period in periods where !received.contains(period) {
                missing.append(Missing(partner: key.partner, partnerName: partnerName, feed: key.feed, period: period.description,
                                       due: feed.dueDate(of: period).frenchLong))
            }
        }
        return missing
    }

    /// The message of `week` for commune `insee`, dated `issuedAt` (« édité le »): the same content
    /// and the same date give the same `contentSHA256`.
    public func prepare(week: Period, commune insee: String, issuedAt: Date) throws -> Prepared {
        guard let recipients = observatory.config.recipients else {
            throw VigieError(.config, "destinataires introuvables : Config/recipients.yaml manque",
                             hint: "Déclarez pour chaque commune le maire (to) et le DGS (cc).")
        }
        guard let commune = observatory.config.territory.communes.first(where: { $0.insee == insee }) else {
            throw VigieError(.usage, "commune inconnue « \(insee) »")
        }
        guard let group = recipients.communes[insee] else {
            throw VigieError(.config, "aucun destinataire pour \(commune.name) (\(insee)) dans recipients.yaml")
        }
        guard case .isoWeek(_, let weekNumber) = week else { throw VigieError(.usage, "« \(week) » n'est pas une semaine") }
        let subject = "Faits marquants — semaine \(weekNumber) — \(commune.name)"
        let bulletin = try WeeklyBulletin.build(week: week, commune: insee, context: writer.context)
        // The mail is a letter: greeting, signature and « diffusion restreinte » from recipients.yaml.
        let letter: [String: Any] = ["greeting": group.greeting ?? recipients.letter.greeting,
                                     "signature": recipients.letter.signature, "restriction": recipients.letter.restriction]
        let rendered = try writer.render(bulletin, issuedAt: issuedAt, extra: ["letter": letter])
        let text = try writer.render(bulletin, variant: "txt", issuedAt: issuedAt, extra: ["letter": letter])
        let attachments = rendered.tables.map {
            MailAttachment(filename: "\(rendered.baseName)_\($0.name).csv", contentType: "text/csv; charset=utf-8", data: Data($0.text.utf8))
        }
        let message = MailMessage(from: recipients.from, to: group.to, cc: group.cc, replyTo: recipients.coordinator,
                                  subject: subject, text: text, html: rendered.html, attachments: attachments, date: Date())
        return Prepared(commune: insee, communeName: commune.name, recipients: (group.to + group.cc).map(\.email), subject: subject,
                        baseName: rendered.baseName, message: message, contentSHA256: Self.contentHash(message))
    }

    /// SHA-256 of what a recipient reads: sender, recipients, subject, text, HTML and attachments
    /// (names, types and bytes), each length-prefixed; not the Date header nor the MIME boundaries.
    public static func contentHash(_ m: MailMessage) -> String {
        var hasher = SHA256()
        func add(_ data: Data) {
            hasher.update(data: Data(String(data.count).utf8))
            hasher.update(data: Data([0]))
            hasher.update(data: data)
        }
        func add(_ text: String) { add(Data(text.utf8)) }
        for (role, boxes) in [("from", [m.from]), ("to", m.to), ("cc", m.cc), ("reply-to", m.replyTo.map { [$0] } ?? [])] {
            add(role)
            for box in boxes { add(box.name); add(box.email) }
        }
        add(m.subject); add(m.text); add(m.html)
        for a in m.attachments { add(a.filename); add(a.contentType); add(a.data) }
        return hasher.finalize().hex
    }
}

extension CivilDate {
    /// « mardi 1er décembre 2026 ».
    public var frenchLong: String {
        let days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
        return "\(days[isoWeekday - 1]) \(frenchDayMonth) \(year)"
    }
}
