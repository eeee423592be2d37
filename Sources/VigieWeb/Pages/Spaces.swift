import Foundation
import Hummingbird
import VigieCore
import VigiePipeline
import VigieStore

extension WebSite {
    /// A partner's space (/partenaire): what it owes and when, its submissions and their reports.
    /// Only the session's own partner is ever read; another partner's submission is « inconnu » (404).
    func addPartnerSpaceRoutes(to router: Router<WebContext>) {
        router.get("/partenaire") { _, context in try await self.partnerSpace(context) }
        router.get("/partenaire/depots/:id") { _, context in try await self.partnerDepot(context) }
        router.post("/partenaire/depots") { _, context in try await self.partnerUpload(context) }
        router.get("/partenaire/demandes/:id") { request, context in
            try await self.partnerRequest(context, done: request.uri.queryParameters["fait"] == "reponse" ? "Réponse enregistrée : le coordinateur la voit." : nil)
        }
        router.post("/partenaire/demandes/:id/reponse") { _, context in try await self.partnerAnswer(context) }
    }

    /// An elected official's space (/elu): the week's faits marquants of its communes, as mailed.
    func addEluSpaceRoutes(to router: Router<WebContext>) {
        router.get("/elu") { request, context in try await self.eluSpace(request, context) }
        router.get("/elu/bulletins") { request, context in
            try await self.eluBulletins(Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }) { a, _ in a }, context)
        }
        router.post("/elu/diagnostics") { _, context in try await self.eluAskDiagnostic(context) }
    }

    /// The session's partner, from partners.yaml (nil for any other account).
    func sessionPartner(_ session: WebSession) -> Partner? {
        session.partner.flatMap { id in observatory.config.partners.first { $0.id == id } }
    }

    func partnerSpace(_ context: WebContext) async throws -> Response {
        guard let session = context.session, let partner = sessionPartner(session) else { return Forms.redirect("/connexion") }
        let late = try await cached(ShowStatus()).todo.late.filter { $0.partner == partner.id }
        let ledger = try await cached(ListDepots(partner: partner.id, feed: nil, page: 1))
        var requests: [[String: Any]] = []
        for item in try await perform(RequestList()).requests.reversed() {
            guard let detail = try await perform(RequestDetail(id: item.id)).detail,
                  let answer = detail.answers.first(where: { $0.owner == partner.id }) else { continue }
            requests.append(["id": item.id, "requester": item.requester, "purpose": item.purpose, "state": item.state,
                             "answer": Self.answerText(answer), "pending": answer.decision == .pending])
        }
        let object: [String: Any] = [
            "requests": requests, "hasRequests": !requests.isEmpty,
            "title": "Espace de \(partner.name)", "path": "/partenaire", "partnerName": partner.name,
            "feeds": partner.feeds.map { ["feed": $0.id, "cadence": $0.cadence.expected] as [String: Any] },
            "late": late.map { f in
                ["feed": f.feed, "periods": f.periods.map { "\($0.period) (attendu le \(CivilDate(iso: $0.due)?.french ?? $0.due))" }.joined(separator: ", ")]
            },
            "hasLate": !late.isEmpty,
            "entries": ledger.entries.map { e -> [String: Any] in
                var entry = Self.entryObject(e)
                entry["link"] = "/partenaire/depots/\(e.id)"
                return entry
            },
            "hasEntries": !ledger.entries.isEmpty, "total": ledger.total,
            "maxFiles": Multipart.maxFiles, "uploadMB": limits.uploadBytes >> 20,
        ]
        return page("partenaire", object, session: session)
    }

    /// A partner's upload: one of its own feeds, loaded as the nightly run loads it; the report at
    /// once. A corrected file for the same period replaces the earlier one, as in the inbox.
    func partnerUpload(_ context: WebContext) async throws -> Response {
        guard let session = context.session, let partner = sessionPartner(session) else { return Forms.redirect("/connexion") }
        let chosen = context.form["flux"] ?? (partner.feeds.count == 1 ? partner.feeds[0].id : "")
        guard let feed = partner.feeds.first(where: { $0.id == chosen }) else {
            return errorPage(status: .badRequest, message: "Flux inconnu : choisissez l'un de vos flux dans la liste.", session: session)
        }
        switch try await load(context.uploads, partner: partner.id, feed: feed.id, session: session) {
        case .failure(let refusal): return refusal.response
        case .success(let result):
            return page("depot-rapport", ["title": "Dépôt : compte rendu", "path": "/partenaire", "files": result.files.map(Self.reportObject),
                                          "depotBase": "/partenaire/depots", "staff": false, "back": "/partenaire"], session: session)
        }
    }

    func partnerDepot(_ context: WebContext) async throws -> Response {
        guard let session = context.session, let partner = sessionPartner(session) else { return Forms.redirect("/connexion") }
        let unknown = errorPage(status: .notFound, message: "Dépôt inconnu : revenez à votre espace.", session: session)
        guard let id = context.parameters.get("id", as: Int64.self), id > 0 else { return unknown }
        let shown = try await perform(ShowDepot(id: id))
        guard let entry = shown.entry, entry.partner == partner.id else { return unknown }
        let object: [String: Any] = [
            "title": "Dépôt n° \(id)", "path": "/partenaire", "entry": Self.entryObject(entry),
            "rejects": shown.rejects.map(Self.rejectObject), "hasRejects": !shown.rejects.isEmpty,
            "rejectCount": shown.rejectCount, "moreRejects": shown.rejectCount > shown.rejects.count,
        ]
        return page("partenaire-depot", object, session: session)
    }

    func eluSpace(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let session = context.session, !session.communes.isEmpty else { return Forms.redirect("/connexion") }
        let typed = request.uri.queryParameters["semaine"].map(String.init)
        guard let week = faitsMarquantsWeek(typed) else { return faitsMarquantsBadWeek(typed, session: session) }
        let territory = observatory.config.territory
        let review: ReviewWeekly.Result
        do {
            review = try await cached(ReviewWeekly(week: week))
        } catch let error as VigieError where error.kind == .usage {
            return bulletinsUsageError(error, session: session)
        }
        let communes: [[String: Any]] = session.communes.map { insee in
            let name = territory.commune(insee: insee)?.name ?? insee
            guard let message = review.communes.first(where: { $0.commune == insee }) else {
                return ["name": name, "none": true]
            }
            // Read before it is sent, the message says it is still being prepared.
            let state: String = switch message.state {
            case .sent: message.outbox ? "écrit le \(message.sentAt ?? "?"), pas encore parti par courrier" : "envoyé le \(message.sentAt ?? "?")"
            case .approved: "approuvé par le coordinateur, pas encore envoyé"
            case .awaitingFile, .toApprove, .changedSinceApproval: "en préparation : le coordinateur ne l'a pas encore approuvé, il peut encore changer"
            }
            return ["name": name, "subject": message.subject, "text": message.text, "state": state]
        }
        let previous = Period.week(of: week.start.adding(days: -7)), next = Period.week(of: week.start.adding(days: 7))
        let object: [String: Any] = [
            "title": "Faits marquants de vos communes", "path": "/elu", "week": review.week,
            "span": "du \(week.start.french) au \(week.end.french)",
            "previous": previous.description, "next": next.description, "hasNext": next.start <= observatory.context.today,
            "communes": communes,
        ]
        return page("elu", object, session: session)
    }

    /// An owner's answer in words (`pending` for one not given yet), on the coordinator's and the partner's pages.
    static func answerText(_ a: RequestDetail.Answer, pending: String = "à donner") -> String {
        switch a.decision {
        case .pending: pending
        case .granted: a.reservation.map { "accord avec réserve : \($0)" } ?? "accord"
        case .refused: "refus — motif : \(a.reason ?? "")"
        }
    }

    /// A request whose data the partner owns: who asks, why, which of its data, for when and where,
    /// its answer and the form to give or change it. Any other request is « inconnue » (404).
    func partnerRequest(_ context: WebContext, done: String? = nil, message: String? = nil, status: HTTPResponse.Status = .ok,
                        form: [String: String] = [:]) async throws -> Response {
        guard let session = context.session, let partner = sessionPartner(session) else { return Forms.redirect("/connexion") }
        guard let detail = try await knownRequest(context), let answer = detail.answers.first(where: { $0.owner == partner.id }) else {
            return errorPage(status: .notFound, message: "Demande inconnue : revenez à votre espace.", session: session)
        }
        let choices = try await perform(RequestChoices())
        let decision = form["decision"]
        var object: [String: Any] = [
            "title": "Demande \(detail.id)", "path": "/partenaire", "id": detail.id, "requester": detail.requester,
            "purpose": detail.purpose, "period": detail.period, "area": detail.area, "grouping": detail.grouping,
            "feeds": detail.feeds.filter { $0.ownerName == partner.name }.map(\.feed),
            "others": detail.answers.count > 1, "state": detail.state, "open": detail.fulfilledAt == nil,
            "answer": Self.answerText(answer), "pending": answer.decision == .pending,
            "answeredAt": answer.answeredAt.map(Self.frenchMoment) ?? "",
            "accord": decision == "accord", "reserve": decision == "reserve", "refus": decision == "refus",
            "reservation": form["reserve"] ?? "", "reason": form["motif"] ?? "", "threshold": form["seuil"] ?? "",
            "ruleChoices": choices.rules.map { ["value": $0.value, "label": $0.label, "checked": form["regle:" + $0.value] != nil] },
            "minCell": choices.minCell, "minSeuil": choices.minCell + 1,
        ]
        if let done { object["done"] = done }
        if let message { object["message"] = message }
        return page("partenaire-demande", object, session: session, status: status)
    }

    /// The partner's answer: always its own (the form cannot name another owner), checked as the
    /// coordinator's form is; recorded at once, with the request's audit.
    func partnerAnswer(_ context: WebContext) async throws -> Response {
        guard let session = context.session, let partner = sessionPartner(session) else { return Forms.redirect("/connexion") }
        guard let detail = try await knownRequest(context), detail.answers.contains(where: { $0.owner == partner.id }) else {
            return errorPage(status: .notFound, message: "Demande inconnue : revenez à votre espace.", session: session)
        }
        let form = context.form
        guard detail.fulfilledAt == nil else {
            return try await partnerRequest(context, message: "Cette demande est déjà satisfaite : votre réponse ne change plus.", status: .conflict, form: form)
        }
        switch try await consent(form, request: detail.id, owner: partner.id) {
        case .failure(let problem): return try await partnerRequest(context, message: problem.message, status: .badRequest, form: form)
        case .success(let answer):
            do {
                _ = try await change(answer)
            } catch let error as VigieError where error.kind == .usage {
                return try await partnerRequest(context, message: Self.sentence(error), status: .badRequest, form: form)
            }
        }
        return Forms.redirect("/partenaire/demandes/\(detail.id)?fait=reponse")
    }

    /// An elected official's bulletins: the monthly bulletin of one of its communes, the semester
    /// study (its faits marquants and repeated places those of its communes only, see
    /// `SemesterBulletin.build`), or a diagnostic of one of its communes or of a quartier in them,
    /// shown in the page; and its asks to the coordinator for a diagnostic. The territory's monthly
    /// bulletin holds every commune: only an account holding them all reads it.
    func eluBulletins(_ fields: [String: String], _ context: WebContext, message: String? = nil,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let session = context.session, !session.communes.isEmpty else { return Forms.redirect("/connexion") }
        let territory = observatory.config.territory
        var object = eluBulletinsForm(fields.merging(context.form) { _, posted in posted }, communes: session.communes)
        let asks = try await perform(ListDiagnosticAsks(login: session.login)).asks
        object["hasAsks"] = !asks.isEmpty
        object["asks"] = asks.map { d -> [String: Any] in
            ["id": Int(d.id), "place": d.place, "from": d.from, "to": d.to, "note": d.note ?? "",
             "askedAt": CivilDate(iso: String(d.askedAt.prefix(10)))?.french ?? "",
             "state": d.doneAt.map { "traitée le \(CivilDate(iso: String($0.prefix(10)))?.french ?? "")" } ?? "en attente du coordinateur"]
        }
        if let message { object["message"] = message }
        if fields["fait"] == "demande" { object["done"] = "Demande transmise au coordinateur : elle figure sur son tableau de bord." }
        guard fields["type"] != nil else { return page("elu-bulletins", object, session: session, status: status) }
        let ask: BulletinAsk?
        do {
            ask = try bulletinsAsk(fields)
        } catch let error as VigieError where error.kind == .usage {
            return bulletinsUsageError(error, session: session)
        }
        guard var ask else { return page("elu-bulletins", object, session: session) }
        let own = Set(session.communes)
        let holdsAll = own.isSuperset(of: territory.communes.map(\.insee))
        let allowed: Bool
        switch ask.request {
        case .monthly(_, let commune): allowed = commune.map(own.contains) ?? holdsAll
        case .semester(let semester, let texts, _):
            ask.request = .semester(semester, texts: texts, communes: holdsAll ? nil : session.communes)
            allowed = true
        case .diagnostic(let place, _, _, _): allowed = (try? territory.place(place)).map { territory.place($0, liesWithin: own) } ?? false
        default: allowed = false
        }
        guard allowed else {
            return errorPage(status: .forbidden, message: "Ce bulletin porte sur d'autres communes que les vôtres : choisissez l'une de vos communes "
                             + "ou l'un de leurs quartiers.", session: session)
        }
        switch try await bulletinPreview(ask, session: session) {
        case .refused(let response): return response
        case .shown(let preview): object["body"] = BulletinStyle.body(of: preview.html)
        }
        object["shown"] = true
        return page("elu-bulletins", object, session: session)
    }

    /// The elected official asks the coordinator for a diagnostic (recorded, on the coordinator's
    /// dashboard); a place outside its communes or a wrong period is refused with the form kept.
    func eluAskDiagnostic(_ context: WebContext) async throws -> Response {
        guard let session = context.session, !session.communes.isEmpty else { return Forms.redirect("/connexion") }
        let form = context.form
        guard let from = Period(form["du"] ?? ""), let to = Period(form["au"] ?? "") else {
            return try await eluBulletins([:], context, message: "Donnez la période en mois, par exemple 2026-01 à 2026-06.", status: .badRequest)
        }
        do {
            _ = try await change(AskDiagnostic(login: session.login, communes: session.communes, place: form["lieu"] ?? "",
                                               from: from, to: to, note: form["precision"]))
        } catch let error as VigieError where error.kind == .usage {
            return try await eluBulletins([:], context, message: Self.sentence(error), status: .badRequest)
        }
        return Forms.redirect("/elu/bulletins?fait=demande")
    }

    /// The form of the elected official's bulletins: its communes, and their quartiers for a diagnostic.
    func eluBulletinsForm(_ fields: [String: String], communes: [String]) -> [String: Any] {
        let territory = observatory.config.territory
        let today = observatory.context.today
        let (lastMonth, lastSemester) = lastCompletePeriods
        let kind = fields["type"] ?? "mensuel"
        func value(_ name: String, _ fallback: String) -> String {
            String((fields[name] ?? fallback).prefix(name == "precision" ? AskDiagnostic.noteLimit : 100))
        }
        let own = communes.compactMap { territory.commune(insee: $0) }
        var places: [[String: Any]] = []
        for commune in own {
            places.append(["value": commune.name, "selected": fields["lieu"] == commune.name])
            for sector in commune.sectors { places += sector.quartiers.map { ["value": $0.name, "selected": fields["lieu"] == $0.name] } }
        }
        return [
            "title": "Bulletins de vos communes", "path": "/elu/bulletins",
            "mensuel": kind == "mensuel", "diagnostic": kind == "diagnostic",
            "month": kind == "mensuel" ? value("periode", lastMonth.description) : lastMonth.description,
            "semester": kind == "semestriel" ? value("periode", lastSemester.description) : lastSemester.description,
            "precision": value("precision", ""), "noteLimit": AskDiagnostic.noteLimit,
            "communes": own.map { ["insee": $0.insee, "name": $0.name, "selected": fields["commune"] == $0.insee] },
            "places": places,
            "from": value("du", Period.month(of: CivilDate(year: today.year, month: 1, day: 1) ?? today).description),
            "to": value("au", lastMonth.description),
        ]
    }
}
