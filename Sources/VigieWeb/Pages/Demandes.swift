import Foundation
import Hummingbird
import VigieCore
import VigiePipeline
import VigieStore

extension WebSite {
    /// « Demandes » (/demandes): the data-request workflow, each step the use case of `vigie request`.
    func addDemandesRoutes(to router: Router<WebContext>) {
        router.get("/demandes") { _, context in try await self.requestsPage(context) }
        router.post("/demandes") { _, context in try await self.newRequest(context) }
        router.get("/demandes/journal.csv") { request, context in try await self.requestsAudit(request, context) }
        router.get("/demandes/:id") { request, context in
            try await self.requestPage(context, done: request.uri.queryParameters.get("fait").flatMap { Self.done[String($0)] })
        }
        router.post("/demandes/:id/reponse") { _, context in try await self.recordAnswer(context) }
        router.post("/demandes/:id/relance") { _, context in try await self.askAgain(context) }
        router.post("/demandes/:id/traitement") { _, context in try await self.fulfil(context) }
        router.get("/demandes/:id/paquet/:file") { _, context in try await self.packageFile(context) }
    }

    /// Bounds of what the forms accept.
    static let maxRequestText = 500

    /// The pages' mails: the configured transport, or `web: outbox` when settings.yaml sets it.
    var requestOutgoing: Outgoing { observatory.config.settings.web.outbox.map { .outbox($0) } ?? .send }

    // MARK: The list and the « nouvelle demande » form

    func requestsPage(_ context: WebContext, form: [String: String] = [:], message: String? = nil,
                      status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let outbox = observatory.config.settings.web.outbox
        let build = { @Sendable (overview: RequestsOverview.Result) -> [String: Any] in
            var object = Self.newRequestForm(overview.choices, form: form)
            object["title"] = "Demandes de données"
            object["path"] = "/demandes"
            object["requests"] = overview.list.requests.reversed().map { r -> [String: Any] in
                ["id": r.id, "requester": r.requester, "purpose": r.purpose, "state": r.state,
                 "created": Self.frenchMoment(r.createdAt), "fulfilled": r.fulfilledAt.map(Self.frenchMoment) ?? ""]
            }
            object["hasRequests"] = !overview.list.requests.isEmpty
            if let message { object["message"] = message }
            if let outbox { object["outbox"] = outbox }
            return object
        }
        // The plain list is the same for everyone; a refused form is shown with what was typed.
        if form.isEmpty && message == nil && status == .ok {
            return try await sharedPage("demandes", RequestsOverview(), session: session, build)
        }
        return page("demandes", build(try await perform(RequestsOverview())), session: session, status: status)
    }

    /// The form's lists, with what was typed kept (after a refusal).
    static func newRequestForm(_ choices: RequestChoices.Result, form: [String: String]) -> [String: Any] {
        func options(_ list: [RequestChoices.Choice], _ selected: String?) -> [[String: Any]] {
            list.map { ["value": $0.value, "label": $0.label, "selected": $0.value == selected] }
        }
        let level = form["niveau"] ?? AreaLevel.commune.rawValue, columns = form["colonnes"] ?? RequestColumns.category.rawValue
        return [
            "partners": options(choices.partners, form["demandeur"]), "mairies": options(choices.mairies, form["demandeur"]),
            "owners": choices.owners.map { owner -> [String: Any] in
                ["name": owner.name, "feeds": owner.feeds.map { ["value": $0.value, "label": $0.label, "checked": form["flux:" + $0.value] != nil] }]
            },
            "places": choices.places,
            "levels": AreaLevel.allCases.map { ["value": $0.rawValue, "label": Self.levelLabel($0), "selected": $0.rawValue == level] },
            "columns": [["value": RequestColumns.category.rawValue, "label": "par catégorie de l'observatoire", "selected": columns == "category"],
                        ["value": RequestColumns.nature.rawValue, "label": "par nature, telle que chaque partenaire la libelle", "selected": columns == "nature"]],
            "purpose": form["objet"] ?? "", "from": form["du"] ?? "", "to": form["au"] ?? "", "area": form["zone"] ?? "",
            "maxText": maxRequestText,
        ]
    }

    static func levelLabel(_ level: AreaLevel) -> String {
        switch level {
        case .territoire: "tout le territoire"
        case .lieu: "par lieu (résidence, école, arrêt)"
        default: level.french
        }
    }

    func newRequest(_ context: WebContext) async throws -> Response {
        guard context.session != nil else { return Forms.redirect("/connexion") }
        let form = context.form
        func refuse(_ message: String) async throws -> Response {
            try await requestsPage(context, form: form, message: message, status: .badRequest)
        }
        let choices = try await perform(RequestChoices())
        guard let requester = form["demandeur"], (choices.partners + choices.mairies).contains(where: { $0.value == requester }) else {
            return try await refuse("Choisissez le demandeur dans la liste (un partenaire ou la mairie d'une commune).")
        }
        let purpose = (form["objet"] ?? "").trimmingCharacters(in: .whitespaces)
        if let problem = Self.textProblem(purpose, field: "L'objet", required: true) { return try await refuse(problem) }
        let known = Set(choices.owners.flatMap(\.feeds).map(\.value))
        let feeds = form.keys.filter { $0.hasPrefix("flux:") }.map { String($0.dropFirst(5)) }.sorted()
        guard feeds.allSatisfy(known.contains) else { return try await refuse("Un flux coché n'existe pas dans la configuration : rechargez la page et recommencez.") }
        guard !feeds.isEmpty else { return try await refuse("Cochez au moins un flux demandé.") }
        var periods: [Period] = []
        for (field, name) in [("du", "La première période"), ("au", "La dernière période")] {
            let text = (form[field] ?? "").trimmingCharacters(in: .whitespaces)
            guard text.count <= 20, let period = Period(text) else {
                return try await refuse("\(name) « \(text.shown(limit: 20)) » n'est pas une période : écrivez 2026, 2026-S1, 2026-10, 2026-W47 ou 2025-2026.")
            }
            periods.append(period)
        }
        guard periods[0] <= periods[1] else { return try await refuse("La période commence (\(periods[0])) après sa fin (\(periods[1])) : inversez-les.") }
        let area = (form["zone"] ?? "").trimmingCharacters(in: .whitespaces)
        if let problem = Self.textProblem(area, field: "La zone", required: false, limit: 100) { return try await refuse(problem) }
        guard let level = AreaLevel(rawValue: form["niveau"] ?? ""), let columns = RequestColumns(rawValue: form["colonnes"] ?? "") else {
            return try await refuse("Choisissez le détail dans les listes (niveau et colonnes).")
        }
        let useCase = RequestNew(requester: requester, purpose: purpose, data: feeds, from: periods[0], to: periods[1],
                                 area: area.isEmpty ? nil : area, by: "\(level.rawValue),\(columns.rawValue)", outgoing: requestOutgoing)
        do {
            let result = try await change(useCase)
            return Forms.redirect("/demandes/\(result.request.id)?fait=creee")
        } catch let error as VigieError where error.kind == .usage {
            return try await refuse(Self.sentence(error))
        }
    }

    /// Why a typed text is refused (empty, too long, a line break or control character), or nil.
    static func textProblem(_ text: String, field: String, required: Bool, limit: Int = maxRequestText) -> String? {
        if required, text.isEmpty { return "\(field) est vide : écrivez-le." }
        if text.count > limit { return "\(field) est trop long (\(text.count) caractères, au plus \(limit)) : raccourcissez-le." }
        if text.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) {
            return "\(field) contient un retour à la ligne ou un caractère de contrôle : écrivez-le sur une ligne."
        }
        return nil
    }

    /// A use case's refusal as one French sentence, with what to do.
    static func sentence(_ error: VigieError) -> String {
        let message = error.message.prefix(1).uppercased() + error.message.dropFirst()
        return error.hint.map { "\(message). \($0)" } ?? "\(message)."
    }

    // MARK: One request

    /// The id in the URL, if it has a request's form (DR-2026-014) and the store knows it.
    func knownRequest(_ context: WebContext) async throws -> RequestDetail.Detail? {
        guard let id = context.parameters.get("id"), id.wholeMatch(of: /DR-[0-9]{4}-[0-9]{3,6}/) != nil else { return nil }
        return try await perform(RequestDetail(id: id)).detail
    }

    func unknownRequest(_ session: WebSession) -> Response {
        errorPage(status: .notFound, message: "Cette demande n'existe pas : choisissez-la dans la liste des demandes (menu « Demandes »).", session: session)
    }

    /// What a form's redirect (`?fait=…`) announces.
    static let done = [
        "creee": "Demande enregistrée ; une demande d'accord est partie vers chaque propriétaire (voir le journal).",
        "reponse": "Réponse enregistrée.",
        "relance": "Demande d'accord envoyée de nouveau aux propriétaires qui n'ont pas répondu (voir le journal).",
        "traitee": "Paquet écrit et envoyé : au demandeur, une copie à chaque propriétaire qui a donné son accord, un avis à chaque refus (voir le journal).",
    ]

    func requestPage(_ context: WebContext, done: String? = nil, message: String? = nil, status: HTTPResponse.Status = .ok,
                     form: [String: String] = [:]) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        guard let detail = try await knownRequest(context) else { return unknownRequest(session) }
        let choices = try await perform(RequestChoices())
        var object = Self.requestObject(detail, rules: choices.rules, minCell: choices.minCell, form: form)
        if let message { object["message"] = message }
        if let done { object["done"] = done }
        if let outbox = observatory.config.settings.web.outbox { object["outbox"] = outbox }
        return page("demande", object, session: session, status: status)
    }

    static func requestObject(_ d: RequestDetail.Detail, rules: [RequestChoices.Choice], minCell: Int, form: [String: String]) -> [String: Any] {
        let open = d.fulfilledAt == nil
        let answers: [[String: Any]] = d.answers.map { a in
            let answer = answerText(a, pending: "en attente")
            // The form of the owner just refused keeps what was typed.
            let mine = form["proprietaire"] == a.owner
            let decision = mine ? form["decision"] : nil
            return ["owner": a.owner, "ownerName": a.ownerName, "answer": answer, "pending": a.decision == .pending,
                    "refused": a.decision == .refused,
                    "rules": a.rules.joined(separator: ", "), "hasRules": !a.rules.isEmpty,
                    "answeredAt": a.answeredAt.map(frenchMoment) ?? "", "open": open,
                    "accord": decision == "accord", "reserve": decision == "reserve", "refus": decision == "refus",
                    "reservation": mine ? form["reserve"] ?? "" : "", "reason": mine ? form["motif"] ?? "" : "",
                    "threshold": mine ? form["seuil"] ?? "" : "",
                    "ruleChoices": rules.map { ["value": $0.value, "label": $0.label, "checked": mine && form["regle:" + $0.value] != nil] }]
        }
        let pending = d.answers.filter { $0.decision == .pending }.map(\.ownerName)
        return [
            "title": "Demande \(d.id)", "path": "/demandes",
            "id": d.id, "requester": d.requester, "purpose": d.purpose, "period": d.period, "area": d.area, "grouping": d.grouping,
            "state": d.state, "created": frenchMoment(d.createdAt), "fulfilled": d.fulfilledAt.map(frenchMoment) ?? "",
            "feeds": d.feeds.map { ["feed": $0.feed, "ownerName": $0.ownerName] },
            "answers": answers, "open": open, "ready": d.ready, "canAsk": open && !pending.isEmpty,
            "pendingNames": pending.joined(separator: ", "), "minCell": minCell, "minSeuil": minCell + 1,
            "files": d.files.map { ["name": $0.name, "size": byteSize($0.bytes)] }, "hasFiles": !d.files.isEmpty, "folder": d.folder,
            "events": d.events.map { ["at": frenchMoment($0.at), "event": $0.event, "actor": $0.actor, "detail": $0.detail] },
        ]
    }

    /// `2026-11-23T10:15:00+01:00` → « 23/11/2026 à 10 h 15 » (the text as stored when it is not such a moment).
    static func frenchMoment(_ stamp: String) -> String {
        guard stamp.count >= 16, let day = CivilDate(iso: String(stamp.prefix(10))) else { return stamp }
        let time = stamp.dropFirst(11).prefix(5).split(separator: ":")
        return time.count == 2 ? "\(day.french) à \(time[0]) h \(time[1])" : day.french
    }

    /// « 12 Ko », « 830 octets ».
    static func byteSize(_ bytes: Int) -> String {
        bytes < 1024 ? "\(bytes) octets" : "\((bytes + 1023) / 1024) Ko"
    }

    /// `vigie request consent`: an owner's answer, checked as the command line checks it.
    func recordAnswer(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        guard let detail = try await knownRequest(context) else { return unknownRequest(session) }
        let form = context.form
        func refuse(_ message: String, _ status: HTTPResponse.Status = .badRequest) async throws -> Response {
            try await requestPage(context, message: message, status: status, form: form)
        }
        guard detail.fulfilledAt == nil else {
            return try await refuse("Cette demande est déjà satisfaite : les réponses ne changent plus. Créez une nouvelle demande au besoin.", .conflict)
        }
        guard let owner = form["proprietaire"], detail.answers.contains(where: { $0.owner == owner }) else {
            return try await refuse("Ce partenaire n'est propriétaire d'aucune donnée de la demande : rechargez la page et recommencez.")
        }
        let useCase: RequestConsent
        switch try await consent(form, request: detail.id, owner: owner) {
        case .failure(let problem): return try await refuse(problem.message)
        case .success(let answer): useCase = answer
        }
        do {
            _ = try await change(useCase)
        } catch let error as VigieError where error.kind == .usage {
            return try await refuse(Self.sentence(error))
        }
        return Forms.redirect("/demandes/\(detail.id)?fait=reponse")
    }

    /// Why an answer form is refused, in a sentence for the page.
    struct FormProblem: Error {
        var message: String
    }

    /// An owner's answer as typed in the form, checked as `vigie request consent` checks it: accord
    /// (nothing else), accord with a reservation in words (and the rules it applies), or refusal with its reason.
    func consent(_ form: [String: String], request id: String, owner: String) async throws -> Result<RequestConsent, FormProblem> {
        func refuse(_ message: String) -> Result<RequestConsent, FormProblem> { .failure(FormProblem(message: message)) }
        let reservation = (form["reserve"] ?? "").trimmingCharacters(in: .whitespaces)
        let reason = (form["motif"] ?? "").trimmingCharacters(in: .whitespaces)
        let threshold = (form["seuil"] ?? "").trimmingCharacters(in: .whitespaces)
        let choices = try await perform(RequestChoices())
        var rules = choices.rules.map(\.value).filter { form["regle:" + $0] != nil }
        if !threshold.isEmpty {
            guard let n = Int(threshold), n > choices.minCell, n <= 1000 else {
                return refuse("Le seuil « \(threshold.shown(limit: 10)) » : écrivez un nombre entier plus grand que \(choices.minCell) (le seuil de l'observatoire), 1000 au plus.")
            }
            rules.append("seuil:\(n)")
        }
        for (text, field) in [(reservation, "La réserve"), (reason, "Le motif")] {
            if let problem = Self.textProblem(text, field: field, required: false) { return refuse(problem) }
        }
        switch form["decision"] {
        case "accord":
            guard reservation.isEmpty, rules.isEmpty, reason.isEmpty else {
                return refuse("Un accord sans réserve ne porte ni réserve, ni règle, ni motif : choisissez « accord avec réserve » ou videz ces champs.")
            }
            return .success(RequestConsent(id: id, owner: owner, grant: true, reason: nil, reservation: nil, rules: []))
        case "reserve":
            guard !reservation.isEmpty else { return refuse("Un accord avec réserve demande la réserve en clair : écrivez-la.") }
            guard reason.isEmpty else { return refuse("Un accord ne porte pas de motif de refus : videz le champ motif.") }
            return .success(RequestConsent(id: id, owner: owner, grant: true, reason: nil, reservation: reservation, rules: rules))
        case "refus":
            guard !reason.isEmpty else { return refuse("Un refus demande son motif : écrivez-le (le demandeur le lira).") }
            guard reservation.isEmpty, rules.isEmpty else {
                return refuse("Un refus ne porte ni réserve ni règle : videz ces champs, ou choisissez « accord avec réserve ».")
            }
            return .success(RequestConsent(id: id, owner: owner, grant: false, reason: reason, reservation: nil, rules: []))
        default:
            return refuse("Choisissez la réponse : accord, accord avec réserve ou refus.")
        }
    }

    /// `vigie request ask`: the consent request again to the owners who have not answered.
    func askAgain(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        guard let detail = try await knownRequest(context) else { return unknownRequest(session) }
        guard detail.fulfilledAt == nil, detail.answers.contains(where: { $0.decision == .pending }) else {
            return errorPage(status: .conflict, message: "Aucun propriétaire n'attend de demande d'accord pour \(detail.id) : "
                             + "tous ont répondu, ou la demande est satisfaite. Revenez à la demande.", session: session)
        }
        _ = try await change(RequestAsk(id: detail.id, outgoing: requestOutgoing))
        return Forms.redirect("/demandes/\(detail.id)?fait=relance")
    }

    /// `vigie request fulfil`: the package written beside the store, then sent.
    func fulfil(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        guard let detail = try await knownRequest(context) else { return unknownRequest(session) }
        if let done = detail.fulfilledAt {
            return errorPage(status: .conflict, message: "La demande \(detail.id) est déjà satisfaite (\(Self.frenchMoment(done))) : son paquet est parti. "
                             + "Revenez à la demande pour le télécharger.", session: session)
        }
        let pending = detail.answers.filter { $0.decision == .pending }.map(\.ownerName)
        guard pending.isEmpty else {
            return errorPage(status: .conflict, message: "La demande \(detail.id) attend encore la réponse de \(pending.joined(separator: ", ")) : "
                             + "enregistrez-la avant de traiter la demande.", session: session)
        }
        // The package goes into its folder beside the store (`detail.folder` is `<packages>/<id>`).
        let packages = URL(fileURLWithPath: detail.folder).deletingLastPathComponent().path
        do {
            _ = try await change(RequestFulfil(id: detail.id, out: packages, outgoing: requestOutgoing))
        } catch let error as VigieError where error.kind == .usage {
            return errorPage(status: .conflict, message: Self.sentence(error), session: session)
        }
        return Forms.redirect("/demandes/\(detail.id)?fait=traitee")
    }

    /// One file of a request's package, as an attachment; anything else is 404.
    func packageFile(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let notFound = errorPage(status: .notFound, message: "Ce fichier n'est pas dans le paquet de la demande : choisissez-le sur la page de la demande.",
                                 session: session)
        guard let id = context.parameters.get("id"), id.wholeMatch(of: /DR-[0-9]{4}-[0-9]{3,6}/) != nil,
              let name = context.parameters.get("file"), name.wholeMatch(of: /[A-Za-z0-9][A-Za-z0-9._-]{0,150}/) != nil,
              let data = try await perform(RequestPackageFile(id: id, name: name)).data else { return notFound }
        let type = name.hasSuffix(".csv") ? "text/csv; charset=utf-8" : name.hasSuffix(".json") ? "application/json"
            : name.hasSuffix(".html") ? "text/html; charset=utf-8" : "application/octet-stream"
        return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// `vigie audit --format csv`: the request events between two days (both optional), as a CSV download.
    func requestsAudit(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        var days: [CivilDate?] = []
        for (field, name) in [("du", "Le premier jour"), ("au", "Le dernier jour")] {
            let text = (request.uri.queryParameters.get(field) ?? "").trimmingCharacters(in: .whitespaces)
            if text.isEmpty { days.append(nil); continue }
            guard text.count <= 10, let day = CivilDate(iso: text) else {
                return errorPage(status: .badRequest, message: "\(name) « \(text.shown(limit: 20)) » n'est pas une date : écrivez-la AAAA-MM-JJ (2026-11-01), "
                                 + "ou laissez-le vide.", session: session)
            }
            days.append(day)
        }
        let result = try await perform(AuditExport(from: days[0], to: days[1], format: .csv))
        return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                               .contentDisposition: "attachment; filename=\"journal-des-demandes.csv\""],
                        body: .init(byteBuffer: ByteBuffer(string: result.csv)))
    }
}
