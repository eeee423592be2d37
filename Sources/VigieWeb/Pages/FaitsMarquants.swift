import Foundation
import Hummingbird
import VigieCore
import VigiePipeline
import VigieStore

extension WebSite {
    /// « Faits marquants » (/faits-marquants): a week's messages per commune, comments, approve, send.
    ///
    /// Who may do what: both roles read the messages and add or remove comments (the assistant
    /// prepares the week); approving and sending are the coordinator's (role « coordinateur »):
    /// only they see the two buttons, and the two POST routes answer anyone else 403 with a French
    /// page, doing nothing. Sending goes through the configured transport, or is written as .eml
    /// in `web: outbox` when settings.yaml sets it (as the dashboard's relances).
    func addFaitsMarquantsRoutes(to router: Router<WebContext>) {
        router.get("/faits-marquants") { request, context in try await self.faitsMarquants(request, context) }
        router.get("/faits-marquants/message") { request, context in try await self.faitsMarquantsMessage(request, context) }
        router.post("/faits-marquants/commentaires") { _, context in try await self.faitsMarquantsAddComment(context) }
        router.post("/faits-marquants/commentaires/supprimer") { _, context in try await self.faitsMarquantsRemoveComment(context) }
        router.post("/faits-marquants/approuver") { _, context in try await self.faitsMarquantsDispatch(context, approve: true) }
        router.post("/faits-marquants/envoyer") { _, context in try await self.faitsMarquantsDispatch(context, approve: false) }
    }

    /// The longest comment accepted (characters).
    static let faitsMarquantsCommentLimit = 2000

    /// The week asked (`semaine`, e.g. 2026-W47), or the last complete ISO week; nil when it is not a week.
    func faitsMarquantsWeek(_ text: String?) -> Period? {
        guard let text, !text.isEmpty else { return Period.week(of: observatory.context.today.adding(days: -7)) }
        guard text.count <= 10, let period = Period(text), case .isoWeek = period else { return nil }
        return period
    }

    func faitsMarquantsBadWeek(_ text: String?, session: WebSession) -> Response {
        errorPage(status: .badRequest, message: "Semaine « \((text ?? "").shown(limit: 20)) » incorrecte : écrivez une semaine ISO, par exemple 2026-W47.",
                  session: session)
    }

    func faitsMarquants(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let typed = request.uri.queryParameters["semaine"].map(String.init)
        guard let week = faitsMarquantsWeek(typed) else { return faitsMarquantsBadWeek(typed, session: session) }
        let coordinator = session.role == "coordinateur"
        do {
            return try await sharedPage("faits-marquants", ReviewWeekly(week: week), session: session) {
                self.faitsMarquantsObject($0, week: week, coordinator: coordinator)
            }
        } catch let error as VigieError where error.kind == .usage {
            return bulletinsUsageError(error, session: session)
        }
    }

    func faitsMarquantsObject(_ review: ReviewWeekly.Result, week: Period, coordinator: Bool) -> [String: Any] {
        let communes: [[String: Any]] = review.communes.map { c in
            let detail: String = switch c.state {
            case .approved, .changedSinceApproval: "approuvé le \(c.approvedAt ?? "?") par \(c.approvedBy ?? "?")"
            case .sent: c.outbox ? "écrit dans la boîte d'envoi le \(c.sentAt ?? "?") (rien n'est parti)" : "envoyé le \(c.sentAt ?? "?")"
            case .awaitingFile, .toApprove: ""
            }
            let comments: [[String: Any]] = c.comments.map {
                ["id": Int($0.id), "text": $0.text, "territory": $0.commune == nil,
                 "createdAt": MailWeekly.parisMinute($0.createdAt)]
            }
            let canApprove = coordinator && review.approvalRequired && (c.state == .toApprove || c.state == .changedSinceApproval)
            let canSend = coordinator && (c.state == .approved || (!review.approvalRequired && c.state != .sent && c.state != .awaitingFile))
            let stateClass = switch c.state {
            case .sent, .approved: "fm-ok"
            case .changedSinceApproval, .awaitingFile: "fm-alert"
            case .toApprove: "fm-todo"
            }
            var object: [String: Any] = ["insee": c.commune, "name": c.communeName, "state": c.state.rawValue, "stateClass": stateClass,
                    "recipients": c.recipients.joined(separator: ", "), "subject": c.subject, "text": c.text,
                    "comments": comments, "hasComments": !comments.isEmpty,
                    "canApprove": canApprove, "canSend": canSend, "reapprove": c.state == .changedSinceApproval]
            if !detail.isEmpty { object["detail"] = detail }
            return object
        }
        let previous = Period.week(of: week.start.adding(days: -7)), next = Period.week(of: week.start.adding(days: 7))
        var object: [String: Any] = [
            "title": "Faits marquants", "path": "/faits-marquants", "week": review.week,
            "span": "du \(week.start.french) au \(week.end.french)",
            "previous": previous.description, "next": next.description,
            "hasNext": next.start <= observatory.context.today,
            "missing": review.missing.map { "« \($0.feed) » de \($0.partnerName) pour \($0.period), attendu le \($0.due)" },
            "hasMissing": !review.missing.isEmpty, "coordinator": coordinator,
            "communes": communes, "none": communes.isEmpty, "limit": Self.faitsMarquantsCommentLimit,
        ]
        if let outbox = observatory.config.settings.web.outbox { object["outbox"] = outbox }
        return object
    }

    /// The commune of a form or query: one of recipients.yaml, by INSEE code; nil otherwise.
    func faitsMarquantsCommune(_ code: String?) -> String? {
        guard let code, observatory.config.recipients?.communes[code] != nil,
              observatory.config.territory.commune(insee: code) != nil else { return nil }
        return code
    }

    /// The HTML part of one commune's message, as a file (what the mayor's mail program shows).
    func faitsMarquantsMessage(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let typed = request.uri.queryParameters["semaine"].map(String.init)
        guard let week = faitsMarquantsWeek(typed) else { return faitsMarquantsBadWeek(typed, session: session) }
        guard let insee = faitsMarquantsCommune(request.uri.queryParameters["commune"].map(String.init)) else {
            return errorPage(status: .notFound, message: "Commune inconnue : elle n'a pas de destinataires dans recipients.yaml.", session: session)
        }
        let review = try await cached(ReviewWeekly(week: week))
        guard let message = review.communes.first(where: { $0.commune == insee }) else {
            return errorPage(status: .notFound, message: "Aucun message pour cette commune.", session: session)
        }
        return bulletinsDownload(Data(message.html.utf8), name: "faits-marquants_\(review.week)_\(insee).html", type: "text/html; charset=utf-8")
    }

    func faitsMarquantsAddComment(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let typed = context.form["semaine"]
        guard let week = faitsMarquantsWeek(typed), typed?.isEmpty == false else { return faitsMarquantsBadWeek(typed, session: session) }
        guard let insee = faitsMarquantsCommune(context.form["commune"]) else {
            return errorPage(status: .notFound, message: "Commune inconnue : elle n'a pas de destinataires dans recipients.yaml.", session: session)
        }
        let text = (context.form["texte"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= Self.faitsMarquantsCommentLimit else {
            return errorPage(status: .badRequest, message: text.isEmpty ? "Le commentaire est vide : écrivez-le puis ajoutez-le."
                             : "Commentaire trop long : \(Self.faitsMarquantsCommentLimit) caractères au plus.", session: session)
        }
        do {
            _ = try await change(AddComment(bulletin: .weekly, period: week, commune: insee, text: text))
        } catch let error as VigieError where error.kind == .usage {
            return bulletinsUsageError(error, session: session)
        }
        return Forms.redirect("/faits-marquants?semaine=\(week)#commune-\(insee)")
    }

    func faitsMarquantsRemoveComment(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let typed = context.form["semaine"]
        guard let week = faitsMarquantsWeek(typed), typed?.isEmpty == false else { return faitsMarquantsBadWeek(typed, session: session) }
        // Only a comment of this week's faits marquants: the id is checked against them.
        let comments = try await perform(ListComments(bulletin: .weekly, period: week)).comments
        guard let id = context.form["id"].flatMap({ Int64($0) }), let comment = comments.first(where: { $0.id == id }) else {
            return errorPage(status: .notFound, message: "Ce commentaire n'existe pas (ou plus) pour la semaine \(week).", session: session)
        }
        _ = try await change(RemoveComment(id: id))
        return Forms.redirect("/faits-marquants?semaine=\(week)" + (comment.commune.map { "#commune-\($0)" } ?? ""))
    }

    /// « Approuver » and « Envoyer »: the coordinator's only (403 otherwise, nothing done).
    func faitsMarquantsDispatch(_ context: WebContext, approve: Bool) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        guard session.role == "coordinateur" else {
            return errorPage(status: .forbidden, message: (approve ? "Approuver" : "Envoyer")
                             + " les faits marquants est réservé au coordinateur : demandez-lui de relire ce message puis de "
                             + (approve ? "l'approuver." : "l'envoyer."), session: session)
        }
        let typed = context.form["semaine"]
        guard let week = faitsMarquantsWeek(typed), typed?.isEmpty == false else { return faitsMarquantsBadWeek(typed, session: session) }
        guard let insee = faitsMarquantsCommune(context.form["commune"]) else {
            return errorPage(status: .notFound, message: "Commune inconnue : elle n'a pas de destinataires dans recipients.yaml.", session: session)
        }
        let outgoing: Outgoing = observatory.config.settings.web.outbox.map { .outbox($0) } ?? .send
        let useCase = MailWeekly(week: week, commune: insee, action: approve ? .approve : .send(outgoing),
                                 approvedBy: session.name ?? session.login)
        let result: MailWeekly.Result
        do {
            result = try await change(useCase)
        } catch let error as VigieError where error.kind == .usage {
            return bulletinsUsageError(error, session: session)
        }
        if let refusal = Self.faitsMarquantsRefusal(result) {
            return errorPage(status: .conflict, message: refusal, session: session)
        }
        return Forms.redirect("/faits-marquants?semaine=\(week)#commune-\(insee)")
    }

    /// Why `MailWeekly` approved or sent nothing, for the page; nil when it did its work.
    static func faitsMarquantsRefusal(_ result: MailWeekly.Result) -> String? {
        if result.refused {
            let files = result.missing.map { "« \($0.feed) » de \($0.partnerName) pour \($0.period), attendu le \($0.due)" }
            return "Rien n'est \(result.approving ? "approuvé" : "envoyé") : les maires recevraient ce message sans le fichier "
                + files.joined(separator: " ; ") + ". Relancez le partenaire ou déposez le fichier, puis recommencez."
        }
        for line in result.lines where line.fate == .held || line.fate == .failed {
            return switch line.note {
            case .alreadySent: "« \(line.subject) » a déjà été envoyé : rien n'est reparti."
            case .changedSinceApproval: "« \(line.subject) » n'est pas parti : il a changé depuis son approbation du \(line.approvedAt ?? "?") "
                + "par \(line.approvedBy ?? "?") (fichier arrivé, commentaire…). Relisez-le puis approuvez-le de nouveau."
            case .awaitingApproval: "« \(line.subject) » n'est pas parti : il n'est pas encore approuvé. Relisez-le puis cliquez « Approuver »."
            default: "« \(line.subject) » n'est pas parti (\(line.fate?.rawValue ?? "retenu"))."
            }
        }
        return nil
    }
}
