import Foundation
import Hummingbird
import VigieCore
import VigiePipeline

/// The security headers on every response, errors included (an error becomes a French page here).
struct SecurityHeaders: RouterMiddleware {
    typealias Context = WebContext
    let site: WebSite

    static let contentSecurityPolicy = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

    static let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy")!
    static let frameOptions = HTTPFields.Element.Name("X-Frame-Options")!

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        var response: Response
        let headerBytes = request.headers.reduce(0) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count + 4 }
            + request.uri.description.utf8.count
        do {
            guard headerBytes <= site.limits.headerBytes else {
                throw HTTPError(.requestHeaderFieldsTooLarge)
            }
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            let status = error.status
            let message = switch status {
            case .notFound: "Cette page n'existe pas."
            case .contentTooLarge: "Le formulaire envoyé est trop gros (\(site.limits.formBytes >> 10) Ko au plus ; "
                + "\(site.limits.uploadBytes >> 20) Mo pour des fichiers déposés) : rien n'a été enregistré."
            case .methodNotAllowed: "Cette page ne s'utilise pas ainsi."
            case .requestHeaderFieldsTooLarge: "Les en-têtes de la demande sont trop gros (\(site.limits.headerBytes >> 10) Ko au plus, "
                + "adresse comprise) : rien n'a été enregistré."
            default: "La demande n'a pas pu être traitée (\(status.code))."
            }
            response = site.errorPage(status: status, message: message, session: context.session)
        } catch {
            context.logger.error("erreur : \(error)")
            let message = (error as? VigieError).map { "Erreur : \($0.description)" }
                ?? "Une erreur est survenue ; le détail est dans le journal du serveur."
            response = site.errorPage(status: .internalServerError, message: message, session: context.session)
        }
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[Self.referrerPolicy] = "no-referrer"
        response.headers[Self.frameOptions] = "DENY"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
        return response
    }
}

/// Pages need a session; forms (POST) need the session's CSRF token, and are recorded in the web
/// audit with the user's login. Without a session: 303 to /connexion.
struct SessionGate: RouterMiddleware {
    typealias Context = WebContext
    let site: WebSite

    /// Open to all: the login form, monitoring, the style sheets (the pages' and the bulletins', no data).
    static let open: Set<String> = ["/connexion", "/sante", "/style.css", "/bulletins/bulletin.css"]

    func handle(_ request: Request, context: WebContext, next: (Request, WebContext) async throws -> Response) async throws -> Response {
        // The partners' API has its own authority, a bearer token (`Api.swift`), and no cookie.
        if Self.open.contains(request.uri.path) || request.uri.path.hasPrefix("/api/") { return try await next(request, context) }
        var context = context
        guard let id = request.cookies[WebSite.sessionCookie]?.value,
              let session = try await site.perform(CurrentSession(sessionID: id, now: site.now())).session else {
            return Forms.redirect("/connexion")
        }
        context.session = session
        context.sessionID = id
        guard let role = WebRole(rawValue: session.role), Access.allows(role, path: request.uri.path) else {
            let role = WebRole(rawValue: session.role)
            if request.uri.path == "/", let role { return Forms.redirect(Access.home(role)) }
            return site.errorPage(status: .forbidden, message: "Cette page n'est pas ouverte à votre compte.", session: session)
        }
        guard request.method == .post else { return try await next(request, context) }

        var request = request
        let path = request.uri.path
        if let boundary = Multipart.boundary(request.headers[.contentType]) {
            let body = try await request.collectBody(upTo: site.limits.uploadBytes)
            guard let parsed = Multipart.parse(body, boundary: boundary) else {
                return site.errorPage(status: .badRequest, message: "Envoi illisible ou trop de fichiers (\(Multipart.maxFiles) au plus) : recommencez.",
                                      session: session)
            }
            context.form = parsed.fields
            if Forms.sameSecret(parsed.fields["csrf"], session.csrf) { context.uploads = parsed.files }
        } else {
            context.form = Forms.parse(String(buffer: try await request.collectBody(upTo: site.limits.formBytes)))
        }
        guard Forms.sameSecret(context.form["csrf"], session.csrf) else {
            _ = try await site.perform(RecordWebAction(login: session.login, action: "formulaire refusé (jeton CSRF)", detail: path))
            return site.errorPage(status: .forbidden, message: "Formulaire refusé : il ne vient pas d'une page de Vigie ouverte dans cette session. "
                                  + "Rechargez la page et recommencez.", session: session)
        }
        let response = try await next(request, context)
        await site.cache.formSent()
        let fields = context.form.filter { $0.key != "csrf" }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value.prefix(200))" }.joined(separator: " ")
            + context.uploads.map { " fichier=\($0.filename.prefix(200))" }.joined()
        _ = try await site.perform(RecordWebAction(login: session.login, action: "formulaire \(path)",
                                                   detail: "\(fields) → \(response.status.code)".trimmingCharacters(in: .whitespaces)))
        return response
    }
}
