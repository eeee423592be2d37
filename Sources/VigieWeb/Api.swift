import Foundation
import Hummingbird
import VigieCore
import VigiePipeline
import VigieStore

/// The partners' API (/api/): a partner's system sends its files and reads their reports, with a
/// bearer token of its own (`vigie token add --partner P`). No session, no cookie, no CSRF: the
/// token is the whole authority, and it opens only its partner's feeds and submissions (anything
/// else is 404). Described by `/api/openapi.json` (`ApiDocument`).
extension WebSite {
    func addApiRoutes(to router: Router<WebContext>) {
        router.get("/api/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(string: ApiDocument.json)))
        }
        router.post("/api/depots") { request, context in try await self.apiUpload(request, context) }
        router.get("/api/depots") { request, context in try await self.apiDepots(request, context) }
        router.get("/api/depots/:id") { request, context in try await self.apiDepot(request, context) }
    }

    /// One submission as the API shows it (French field names, as the pages).
    struct ApiDepot: Codable {
        var depot: Int64?
        var fichier: String
        var flux: String
        var etat: String
        var recu_le: String?
        var periodes: [String]
        var lignes_lues: Int
        var lignes_chargees: Int
        var lignes_rejetees: Int
        var rejets: [ApiReject]?
        var message: String?
    }

    struct ApiReject: Codable {
        var ligne: Int?
        var colonne: String?
        var valeur: String?
        var raison: String
    }

    struct ApiError: Codable {
        var erreur: String
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func apiError(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var response = json(ApiError(erreur: message), status: status)
        if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer realm=\"vigie\"" }
        return response
    }

    /// The partner the request's bearer token opens, or nil.
    func apiPartner(_ request: Request) async throws -> Partner? { try await apiCaller(request)?.partner }

    /// The partner and the token number of the request's bearer token, or nil.
    func apiCaller(_ request: Request) async throws -> (partner: Partner, token: Int64)? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        let caller = try await perform(ApiCaller(token: token))
        guard let id = caller.partner, let number = caller.tokenID, let partner = observatory.config.partners.first(where: { $0.id == id }) else { return nil }
        return (partner, number)
    }

    static let unauthorized = "jeton absent, inconnu ou révoqué : envoyez l'en-tête « Authorization: Bearer <jeton> » (vigie token add)"

    /// POST /api/depots?flux=FEED&nom=NAME, the file's bytes as the body: loaded as the nightly run
    /// loads it; 201 with the report (200 when the same bytes were already loaded).
    func apiUpload(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let (partner, tokenID) = try await apiCaller(request) else { return Self.apiError(.unauthorized, Self.unauthorized) }
        let query = request.uri.queryParameters
        guard let feed = query["flux"].flatMap({ id in partner.feeds.first { $0.id == String(id) } }) else {
            return Self.apiError(.badRequest, "paramètre « flux » absent ou inconnu : l'un de " + partner.feeds.map(\.id).joined(separator: ", "))
        }
        guard let name = query["nom"].map(String.init), !name.isEmpty else {
            return Self.apiError(.badRequest, "paramètre « nom » absent : le nom du fichier, par exemple strav_incidents_2026-11.csv")
        }
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: limits.uploadBytes)
        } catch {
            return Self.apiError(.contentTooLarge, "fichier trop gros : \(limits.uploadBytes >> 20) Mo au plus ; rien n'a été enregistré")
        }
        guard body.readableBytes > 0 else { return Self.apiError(.badRequest, "corps vide : envoyez les octets du fichier") }
        switch try await loadFiles([Upload(filename: name, data: body)], partner: partner.id, feed: feed.id, account: "jeton:\(tokenID)",
                                  form: false) {
        case .failure(let problem): return Self.apiError(problem.status, problem.message)
        case .success(let result):
            guard let outcome = result.files.first, let report = outcome.report else {
                return Self.apiError(.unprocessableContent, result.files.first?.problem ?? "fichier non chargé")
            }
            let depot = ApiDepot(depot: report.submission, fichier: report.file, flux: report.feed, etat: Self.statusLabel(report.status.rawValue),
                                 recu_le: nil, periodes: report.periods, lignes_lues: report.rowsRead, lignes_chargees: report.rowsLoaded,
                                 lignes_rejetees: report.rowsRejected,
                                 rejets: report.rejects.map { ApiReject(ligne: $0.row, colonne: $0.column, valeur: $0.value, raison: $0.reason) },
                                 message: report.message)
            return Self.json(depot, status: report.status == .loaded ? .created : .ok)
        }
    }

    /// GET /api/depots?page=N: the partner's submissions, newest first, 50 a page.
    func apiDepots(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let partner = try await apiPartner(request) else { return Self.apiError(.unauthorized, Self.unauthorized) }
        let page = request.uri.queryParameters["page"].flatMap { Int(String($0)) } ?? 1
        guard (1...100_000).contains(page) else { return Self.apiError(.badRequest, "paramètre « page » : un entier de 1 à 100000") }
        let ledger = try await perform(ListDepots(partner: partner.id, feed: nil, page: page))
        struct Page: Codable { var total: Int; var page: Int; var pages: Int; var depots: [ApiDepot] }
        return Self.json(Page(total: ledger.total, page: ledger.page, pages: ledger.pages, depots: ledger.entries.map { Self.apiDepot($0, rejects: nil) }))
    }

    /// GET /api/depots/{id}: one of the partner's submissions with its rejected rows; another's is 404.
    func apiDepot(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let partner = try await apiPartner(request) else { return Self.apiError(.unauthorized, Self.unauthorized) }
        guard let id = context.parameters.get("id", as: Int64.self), id > 0 else { return Self.apiError(.notFound, "dépôt inconnu") }
        let shown = try await perform(ShowDepot(id: id))
        guard let entry = shown.entry, entry.partner == partner.id else { return Self.apiError(.notFound, "dépôt inconnu") }
        return Self.json(Self.apiDepot(entry, rejects: shown.rejects))
    }

    static func apiDepot(_ e: DepotEntry, rejects: [IngestReport.Reject]?) -> ApiDepot {
        ApiDepot(depot: e.id, fichier: e.file, flux: e.feed, etat: statusLabel(e.status.rawValue), recu_le: e.receivedAt, periodes: e.periods,
                 lignes_lues: e.rowsRead, lignes_chargees: e.rowsLoaded, lignes_rejetees: e.rowsRejected,
                 rejets: rejects?.map { ApiReject(ligne: $0.row, colonne: $0.column, valeur: $0.value, raison: $0.reason) }, message: e.message)
    }
}
