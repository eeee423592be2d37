import Foundation
import Hummingbird
import NIOPosix
import Synchronization
import VigieCore
import VigiePipeline
import VigieReports
import VigieStore

/// The web application: its routes, each calling a use case of the pipeline on the open
/// observatory (blocking work on NIO's thread pool), and its pages from `Config/templates/web/`.
public final class WebSite: Sendable {
    private let current: Mutex<Observatory>
    /// The observatory the pages work on, on today's date; replaced whole by `reloadConfiguration()`.
    var observatory: Observatory { current.withLock { $0 }.on(today()) }
    /// Today's date: in Paris by default, fixed by tests.
    let today: @Sendable () -> CivilDate
    /// Whether the store changed since a result was computed (`ResultCache`).
    let changes: StoreChanges
    let cache = ResultCache()
    let uploadRate = UploadRate()
    let loads = LoadGate()
    let renderer: TemplateRenderer
    let styleSheet: String
    let throttle: LoginThrottle
    /// The clock of sessions and of the login throttle (tests move it).
    let now: @Sendable () -> Date

    static let sessionCookie = "vigie_session"
    /// The login form's own token (double submit: the cookie and the hidden field must match).
    static let loginCookie = "vigie_connexion"
    /// The limits of `web:` in settings.yaml (upload, files per minute, form, headers).
    var limits: Settings.Web { observatory.config.settings.web }

    /// `today` fixes the date (tests); by default it is the date in Paris at each request.
    public init(observatory: Observatory, throttle: (failures: Int, seconds: TimeInterval) = (5, 60),
                now: @escaping @Sendable () -> Date = { Date() }, today: CivilDate? = nil) throws {
        current = Mutex(observatory)
        if let today { self.today = { today } } else { self.today = { Observatory.todayInParis() } }
        changes = try StoreChanges(path: observatory.store.path)
        let folder = observatory.config.directory.appendingPathComponent("templates/web")
        renderer = try TemplateRenderer(directory: folder)
        guard let css = try? String(contentsOf: folder.appendingPathComponent("style.css"), encoding: .utf8) else {
            throw VigieError(.config, "feuille de style introuvable : templates/web/style.css",
                             hint: "Elle est livrée avec Vigie dans Config/templates/web/ : recopiez-la.")
        }
        styleSheet = css
        self.throttle = LoginThrottle(maxFailures: throttle.failures, lockSeconds: throttle.seconds)
        self.now = now
    }

    /// Reads `Config/` again (after a page wrote `partners.yaml`) and reopens the store; a request
    /// already running keeps the observatory it started with.
    func reloadConfiguration() async throws {
        let old = observatory
        let new = try Observatory(configDirectory: old.config.directory, databasePath: old.store.path)
        current.withLock { $0 = new }
        await cache.formSent()
    }

    /// Runs a use case off the event loops: SQLite and bcrypt block.
    func perform<U: UseCase>(_ useCase: U) async throws -> U.Result {
        let observatory = self.observatory
        return try await Self.threads.runIfActive { try useCase.run(observatory) }
    }

    /// Runs a use case that changes the store (a form's), then makes sure no page shows what
    /// was computed before it, this form's own answer included.
    func change<U: UseCase>(_ useCase: U) async throws -> U.Result {
        let result = try await perform(useCase)
        await cache.formSent()
        return result
    }

    /// Runs a read-only use case, or gives its result computed on the same state of the store
    /// and the same day (`ResultCache` says when an older result may be shown).
    func cached<U: UseCase & Hashable>(_ useCase: U) async throws -> U.Result {
        let observatory = self.observatory
        let store = try await Self.threads.runIfActive { try self.changes.version() }
        return try await cache.value(useCase, store: store, day: observatory.context.today) {
            try await Self.threads.runIfActive { try useCase.run(observatory) }
        }
    }

    /// The threads that run SQLite and bcrypt: more than the cores, so that a page computing
    /// for seconds (a store loading beside) never makes the quick ones (a session) wait.
    static let threads: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(8, 4 * ProcessInfo.processInfo.activeProcessorCount))
        pool.start()
        return pool
    }()

    /// The routes, behind the security headers and the session gate.
    public func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: SecurityHeaders(site: self))
        router.add(middleware: SessionGate(site: self))
        router.get("/sante") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/style.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "no-cache"],
                     body: .init(byteBuffer: ByteBuffer(string: self.styleSheet)))
        }
        router.get("/connexion") { request, _ in
            self.loginPage(message: nil, status: .ok, token: request.cookies[Self.loginCookie]?.value)
        }
        router.post("/connexion") { request, context in try await self.logIn(request, context) }
        router.post("/deconnexion") { _, context in try await self.logOut(context) }
        router.get("/") { _, context in try await self.dashboard(context) }
        router.post("/relances") { _, context in try await self.relances(context) }
        router.post("/diagnostics/:id/traite") { _, context in try await self.diagnosticDone(context) }
        addDepotsRoutes(to: router)
        addClassementRoutes(to: router)
        addFaitsMarquantsRoutes(to: router)
        addBulletinsRoutes(to: router)
        addCarteRoutes(to: router)
        addRechercheRoutes(to: router)
        addDemandesRoutes(to: router)
        addPartnerSpaceRoutes(to: router)
        addEluSpaceRoutes(to: router)
        addApiRoutes(to: router)
        return router
    }

    // MARK: Login

    /// The login form; `token`, the login cookie the browser already has, is kept when well formed
    /// (another tab or a stray request to /connexion must not invalidate the form on screen).
    func loginPage(message: String?, status: HTTPResponse.Status, login: String = "", token: String? = nil) -> Response {
        let token = token.flatMap { $0.utf8.count == 64 && $0.allSatisfy(\.isHexDigit) ? $0 : nil } ?? SessionTokens.random()
        var object: [String: Any] = ["title": "Connexion", "csrf": token, "login": login]
        if let message { object["message"] = message }
        var response = page("connexion", object, session: nil, status: status)
        response.setCookie(cookie(Self.loginCookie, token, maxAge: 3600))
        return response
    }

    func logIn(_ request: Request, _ context: WebContext) async throws -> Response {
        var request = request
        let form = Forms.parse(String(buffer: try await request.collectBody(upTo: 16 * 1024)))
        guard Forms.sameSecret(form["csrf"], request.cookies[Self.loginCookie]?.value) else {
            return loginPage(message: "Le formulaire a expiré : recommencez.", status: .forbidden)
        }
        let login = (form["login"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        let password = form["password"] ?? ""
        let keys = ["login:" + login, "address:" + context.client]
        if let wait = await throttle.wait(keys, now: now()) {
            _ = try await perform(RecordWebAction(login: login.shown(limit: 64), action: "connexion bloquée (trop de tentatives)", detail: context.client))
            return loginPage(message: "Trop de tentatives : attendez \(wait) seconde\(wait > 1 ? "s" : "") avant de réessayer.",
                             status: .tooManyRequests, login: login)
        }
        let result = try await perform(LogIn(login: login, password: password, client: context.client, now: now()))
        guard let id = result.sessionID else {
            await throttle.failed(keys, now: now())
            return loginPage(message: "Identifiant ou mot de passe incorrect.", status: .unauthorized, login: login)
        }
        await throttle.succeeded(keys[0])
        var response = Forms.redirect("/")
        response.setCookie(cookie(Self.sessionCookie, id, maxAge: observatory.config.settings.web.sessionHours * 3600))
        response.setCookie(cookie(Self.loginCookie, "", maxAge: 0))
        return response
    }

    func logOut(_ context: WebContext) async throws -> Response {
        if let id = context.sessionID, let session = context.session {
            _ = try await perform(LogOut(sessionID: id, login: session.login))
        }
        var response = Forms.redirect("/connexion")
        response.setCookie(cookie(Self.sessionCookie, "", maxAge: 0))
        return response
    }

    /// HttpOnly, SameSite=Strict, Path=/, Secure behind HTTPS (settings.yaml `web: secure_cookies`).
    func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: observatory.config.settings.web.secureCookies,
               httpOnly: true, sameSite: .strict)
    }

    // MARK: Pages

    /// Renders `template` inside the page shell (navigation, user, logout form).
    func page(_ template: String, _ object: [String: Any], session: WebSession?, status: HTTPResponse.Status = .ok) -> Response {
        let user = session.map { ["login": $0.login, "name": $0.name ?? $0.login, "role": $0.role, "csrf": $0.csrf] }
        do {
            return Forms.html(try render(template, object, user: user), status: status)
        } catch {
            return Forms.html("<!doctype html><title>Erreur</title><p>Modèle de page introuvable ou incorrect : \(template).</p>",
                              status: .internalServerError)
        }
    }

    /// `template` in the page shell; `user` (login, name, role, csrf) for a logged-in page.
    func render(_ template: String, _ object: [String: Any], user: [String: String]?) throws -> String {
        var object = object
        object["observatory"] = observatory.config.territory.name
        if let user {
            object["user"] = ["login": user["login"] ?? "", "name": user["name"] ?? "", "role": user["role"] ?? ""]
            object["csrf"] = object["csrf"] ?? user["csrf"]
            // A shared page's role is a marker: its navigation follows the role it is rendered for.
            let navigation = Access.navigation(WebRole(rawValue: user["navRole"] ?? user["role"] ?? "") ?? .assistant)
            object["hasNav"] = !navigation.isEmpty
            object["nav"] = navigation.map { ["label": $0.label, "path": $0.path, "current": $0.path == object["path"] as? String] }
        }
        return try renderer.render(template, object)
    }

    /// A page of a read-only use case, rendered once per state of the store for all the sessions
    /// of a role (`SharedPage`, kept in `ResultCache` like a use case's result). `object` may use
    /// only the result, the role and what `useCase` and `variant` hold (the request's choices).
    func sharedPage<U: UseCase & Hashable>(_ template: String, _ useCase: U, variant: String = "", session: WebSession,
                                           _ object: @escaping @Sendable (U.Result) -> [String: Any]) async throws -> Response {
        let observatory = self.observatory
        let store = try await Self.threads.runIfActive { try self.changes.version() }
        let key = SharedPageKey(template: template, useCase: useCase, role: session.role, variant: variant)
        let markers = Dictionary(uniqueKeysWithValues: SharedPage.Slot.allCases.map { ($0.rawValue, SharedPage.marker($0)) })
            .merging(["navRole": session.role]) { _, new in new }
        let shared = try await cache.value(key, store: store, day: observatory.context.today) {
            try await Self.threads.runIfActive {
                SharedPage(rendered: try self.render(template, object(try useCase.run(observatory)), user: markers))
            }
        }
        return Forms.html(shared.text(for: session), status: .ok)
    }

    /// The pages, in the navigation's order (each one's routes are in `Pages/`).
    static let navigation: [(label: String, path: String)] = [
        ("Tableau de bord", "/"), ("Dépôts", "/depots"), ("Classement", "/classement"),
        ("Faits marquants", "/faits-marquants"), ("Bulletins", "/bulletins"), ("Carte", "/carte"),
        ("Recherche", "/recherche"), ("Demandes", "/demandes"),
    ]

    func errorPage(status: HTTPResponse.Status, message: String, session: WebSession?) -> Response {
        page("erreur", ["title": "Erreur \(status.code)", "message": message], session: session, status: status)
    }

    func dashboard(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        return try await sharedPage("tableau", ShowStatus(), session: session) { Self.dashboardObject($0) }
    }

    /// The to-do of `vigie status`, grouped for the page: late feeds per partner (one « relancer »
    /// button each), refused files, natures « non classé », faits marquants to approve.
    static func dashboardObject(_ report: StatusReport) -> [String: Any] {
        let todo = report.todo
        var partners: [String] = []
        for feed in todo.late where !partners.contains(feed.partner) { partners.append(feed.partner) }
        let late: [[String: Any]] = partners.map { id in
            let feeds = todo.late.filter { $0.partner == id }
            let contact = feeds.first?.contact
            return ["partner": id, "partnerName": feeds.first?.partnerName ?? id,
                    "contact": [contact?.name, contact?.email, contact?.phone].compactMap { $0 }.joined(separator: " — "),
                    "hasEmail": contact?.email != nil,
                    "feeds": feeds.map { f in
                        ["feed": f.feed, "count": f.periods.count,
                         "periods": f.periods.map { "\($0.period) (attendu le \(CivilDate(iso: $0.due)?.french ?? $0.due))" }.joined(separator: ", ")]
                    }]
        }
        let refused: [[String: Any]] = todo.refused.map {
            ["submission": Int($0.submission), "file": $0.file, "partner": $0.partner, "feed": $0.feed,
             "receivedAt": String($0.receivedAt.prefix(10)), "reason": $0.reason]
        }
        let unclassified: [[String: Any]] = todo.unclassified.map {
            ["partner": $0.partner, "feed": $0.feed, "nature": $0.nature, "rows": $0.rows]
        }
        var object: [String: Any] = ["title": "Tableau de bord", "path": "/",
                "today": CivilDate(iso: report.today).map { "\($0.frenchDayMonth) \($0.year)" } ?? report.today,
                "nothing": todo.isEmpty,
                "late": late, "hasLate": !late.isEmpty, "lateCount": todo.late.count,
                "refused": refused, "hasRefused": !refused.isEmpty,
                "unclassified": unclassified, "hasUnclassified": !unclassified.isEmpty,
                "awaiting": todo.awaitingApproval, "hasAwaiting": !todo.awaitingApproval.isEmpty,
                "diagnostics": todo.diagnostics.map { d -> [String: Any] in
                    ["id": Int(d.id), "place": d.place, "from": d.from, "to": d.to, "login": d.login, "note": d.note ?? "",
                     "askedAt": CivilDate(iso: String(d.askedAt.prefix(10)))?.french ?? String(d.askedAt.prefix(10)),
                     "query": Forms.query([("type", "diagnostic"), ("lieu", d.place), ("du", d.from), ("au", d.to)])]
                },
                "hasDiagnostics": !todo.diagnostics.isEmpty,
                "week": report.week,
                "weekFacts": report.weekFacts.map { ["commune": $0.commune, "name": $0.name, "count": $0.count, "week": report.week] }]
        if let r = report.lastReception {
            object["reception"] = ["day": CivilDate(iso: r.day).map { "\($0.frenchDayMonth) \($0.year)" } ?? r.day, "files": r.files,
                                   "loaded": r.loaded, "refused": r.refused, "rowsLoaded": r.rowsLoaded, "rowsRejected": r.rowsRejected]
        }
        return object
    }

    /// « Marquer comme traité » on an elected official's ask for a diagnostic.
    func diagnosticDone(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        guard let id = context.parameters.get("id", as: Int64.self) else {
            return errorPage(status: .notFound, message: "Demande de diagnostic inconnue.", session: session)
        }
        do {
            _ = try await change(MarkDiagnosticAskDone(id: id, login: session.login))
        } catch let error as VigieError where error.kind == .usage {
            return errorPage(status: .notFound, message: Self.sentence(error), session: session)
        }
        return Forms.redirect("/")
    }

    /// The « relancer » button: the reminders of one partner, sent (or written in `web: outbox`).
    func relances(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        guard let partner = context.form["partner"], observatory.config.partners.contains(where: { $0.id == partner }) else {
            return errorPage(status: .badRequest, message: "Partenaire inconnu : revenez au tableau de bord et recommencez.", session: session)
        }
        let outgoing: Outgoing = observatory.config.settings.web.outbox.map { .outbox($0) } ?? .send
        let result = try await change(Relances(outgoing: outgoing, partners: [partner]))
        let messages: [[String: Any]] = result.messages.map { m in
            let state: String = switch (m.fate, m.note) {
            case (_, .noAddress): "sans adresse : à relancer par téléphone" + (m.phone.map { " (\($0))" } ?? "")
            case (_, .alreadySent): "déjà relancé le \(m.lastSent.map { String($0.prefix(10)) } ?? "?") : pas avant \(result.intervalDays) jours"
            default: m.fate.rawValue
            }
            return ["partnerName": m.partnerName, "subject": m.subject, "to": m.to.joined(separator: ", "),
                    "about": m.about.joined(separator: " ; "), "state": state, "ok": m.fate == .sent || m.fate == .outbox]
        }
        var object: [String: Any] = ["title": "Relances", "path": "/relances", "messages": messages, "none": messages.isEmpty]
        if let outbox = result.outbox { object["outbox"] = outbox }
        return page("relances", object, session: session)
    }
}
