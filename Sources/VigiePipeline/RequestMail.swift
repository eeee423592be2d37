import Foundation
import VigieConfig
import VigieCore
import VigieDelivery
import VigieReports

/// One message of a data request and what became of it, as the terminal and the audit log say it.
public struct RequestMessage: Sendable, Codable, Equatable {
    /// « demande d'accord », « paquet », « copie », « avis de refus ».
    public var what: String
    /// Whom it is for, by name (« OGIF », « Mairie de Créteil »).
    public var recipient: String
    public var emails: [String]
    public var subject: String
    public var attachments: [String]
    public var fate: MessageFate
    /// The `.eml` file, when written to the outbox.
    public var file: String?
    public var error: String?

    /// The audit line's detail: « envoyé à … » only when the transport accepted the message.
    public var detail: String {
        let to = emails.joined(separator: ", ")
        let joined = attachments.isEmpty ? "sans pièce jointe" : "\(attachments.count) pièce(s) jointe(s)"
        switch fate {
        case .sent: return "\(what) « \(subject) » (\(joined)) : envoyé à \(to)"
        case .outbox: return "\(what) « \(subject) » (\(joined)) pour \(to) : écrit dans la boîte d'envoi (\(file ?? ""))"
        case .held: return "\(what) « \(subject) » pour \(to) : retenu"
        case .failed: return "\(what) « \(subject) » pour \(to) : échec de l'envoi (\(error ?? ""))"
        }
    }

    /// One line for the terminal.
    public var line: String {
        switch fate {
        case .sent: "\(what) à \(recipient) : envoyé à \(emails.joined(separator: ", "))"
        case .outbox: "\(what) à \(recipient) (\(emails.joined(separator: ", "))) : écrit dans la boîte d'envoi — \(file ?? "")"
        case .held: "\(what) à \(recipient) : retenu"
        case .failed: "\(what) à \(recipient) : échec de l'envoi — \(error ?? "")"
        }
    }
}

/// Builds the mails of a data request from `Config/templates/request-*.mustache` (consent request,
/// package, owner's copy, refusal notice) and hands each to the transport, its fate in the audit log.
struct RequestPost {
    let observatory: Observatory
    let requests: DataRequests
    let transport: MailTransport
    let renderer: TemplateRenderer
    let recipients: Recipients

    /// Attachments above this total are not mailed: the package is then handed over otherwise.
    static let maxAttachmentBytes = 10 * 1024 * 1024

    init(_ observatory: Observatory, outgoing: Outgoing) throws {
        self.observatory = observatory
        requests = DataRequests(observatory)
        transport = outgoing.transport(observatory.config.settings)
        renderer = try TemplateRenderer(directory: observatory.config.directory.appendingPathComponent("templates"))
        guard let recipients = observatory.config.recipients else {
            throw VigieError(.config, "expéditeur introuvable : Config/recipients.yaml manque",
                             hint: "Il donne l'adresse d'expédition (from) et la coordination à qui l'on répond (coordinator).")
        }
        self.recipients = recipients
    }

    /// What every request mail says: the request, by names.
    func common(_ request: DataRequest, greeting: String? = nil) -> [String: Any] {
        let territory = observatory.config.territory
        return [
            "observatory": "Observatoire de la délinquance — \(territory.name)",
            "greeting": greeting ?? recipients.letter.greeting,
            "signature": recipients.letter.signature,
            "coordinatorName": recipients.coordinator.name, "coordinatorEmail": recipients.coordinator.email,
            "id": request.id, "requester": requests.name(of: request.requester), "purpose": request.purpose,
            "period": RequestPackage.periodText(request),
            "area": RequestExtract.label(request.area, territory: territory),
            "grouping": Self.grouping(request),
        ]
    }

    /// « par quartier, par catégorie de l'observatoire »: a request's grouping, for mails and the web page.
    static func grouping(_ request: DataRequest) -> String {
        "\(request.by.french), \(request.columns == .category ? "par catégorie de l'observatoire" : "par nature, telle que chaque partenaire la libelle")"
    }

    func feedsText(_ refs: [FeedRef]) -> String {
        refs.map { "\($0.feed) (\(requests.partnerName($0.partner)))" }.joined(separator: ", ")
    }

    func owner(_ id: String) throws -> (name: String, box: Mailbox) {
        let partner = observatory.config.partners.first { $0.id == id }
        guard let partner, let email = partner.contact?.email else {
            throw VigieError(.config, "aucune adresse pour le partenaire « \(id) » dans Config/partners.yaml",
                             hint: "Ajoutez contact: { email: … } au partenaire : ses demandes d'accord, copies et avis lui sont envoyés.")
        }
        return (partner.name, Mailbox(name: partner.contact?.name ?? partner.name, email: email))
    }

    /// Throws unless the requester and every owner of `request` have an address.
    func checkAddresses(_ request: DataRequest) throws {
        guard !requests.mailboxes(of: request.requester).isEmpty else {
            throw VigieError(.config, "aucune adresse pour le demandeur « \(requests.name(of: request.requester)) »",
                             hint: "Un partenaire a son adresse dans Config/partners.yaml (contact), une mairie dans Config/recipients.yaml (to).")
        }
        for owner in request.owners { _ = try self.owner(owner) }
    }

    /// The reservation rules an owner may set, each with what it means, in French (consent mail, web form).
    static func ruleMeanings(minCell: Int) -> [(rule: String, meaning: String)] {
        [("pas-sous-commune", "rien de plus fin que la commune"),
         ("pas-sous-secteur", "rien de plus fin que le secteur"),
         ("pas-de-lieu", "rien par résidence, école ou arrêt : au plus fin, le quartier"),
         ("pas-de-texte-libre", "les libellés de nature du propriétaire sont remplacés par les catégories de l'observatoire"),
         ("seuil:N", "le secret statistique s'applique sous N au lieu de \(minCell) (N plus grand que \(minCell))")]
    }

    /// The consent request to one owner: its feeds, the request, how to answer, the reservations.
    func consentMessage(_ request: DataRequest, owner id: String, at date: Date) throws -> (MailMessage, String) {
        let (name, box) = try owner(id)
        let own = request.feeds.filter { $0.partner == id }, others = request.feeds.filter { $0.partner != id }
        let minCell = observatory.config.settings.minCell
        var object = common(request)
        object["owner"] = id
        object["ownerName"] = name
        object["ownFeeds"] = feedsText(own)
        object["hasOthers"] = !others.isEmpty
        object["otherFeeds"] = feedsText(others)
        object["minCell"] = String(minCell)
        object["minCellBelow"] = String(minCell - 1)
        object["rules"] = Self.ruleMeanings(minCell: minCell).map { ["rule": $0.rule, "meaning": $0.meaning] }
        let subject = "Demande de données \(request.id) — votre accord est demandé"
        return (try message(to: [box], subject: subject, template: "request-consent.txt", object), name)
    }

    /// A message from the observatory, replies to the coordinator; its HTML part is its text in paragraphs unless given.
    func message(to: [Mailbox], subject: String, template: String, _ object: [String: Any], html: String? = nil,
                 attachments: [MailAttachment] = [], date: Date = Date()) throws -> MailMessage {
        let text = try renderer.render(template, object)
        let paragraphs = text.components(separatedBy: "\n\n").map { $0.trimmingCharacters(in: .newlines) }.filter { !$0.isEmpty }
        let body = try html ?? renderer.render("request-mail.html", ["title": subject, "paragraphs": paragraphs.map { ["lines": $0.components(separatedBy: "\n")] }])
        return MailMessage(from: recipients.from, to: to, replyTo: recipients.coordinator, subject: subject, text: text, html: body,
                           attachments: attachments, date: date)
    }

    /// Hands `message` to the transport and records its fate in the request's audit log; rethrows a transport's error once logged.
    func deliver(_ message: MailMessage, request id: String, verb: AuditVerb, what: String, recipient: String, name: String,
                 at date: Date) throws -> RequestMessage {
        let data = try message.rendered()
        var outcome = RequestMessage(what: what, recipient: recipient, emails: (message.to + message.cc).map(\.email), subject: message.subject,
                                     attachments: message.attachments.map(\.filename), fate: transport.name == "outbox" ? .outbox : .sent)
        if let outbox = transport as? OutboxTransport { outcome.file = outbox.fileURL(for: name).path }
        do {
            try transport.send(data, name: name)
        } catch {
            outcome.fate = .failed
            outcome.error = (error as? VigieError)?.message ?? "\(error)"
            try observatory.store.recordAudit(request: id, verb, actor: recipient, detail: outcome.detail, at: date)
            throw error
        }
        try observatory.store.recordAudit(request: id, verb, actor: recipient, detail: outcome.detail, at: date)
        return outcome
    }
}
