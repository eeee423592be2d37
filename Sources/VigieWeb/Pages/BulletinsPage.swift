import Foundation
import Hummingbird
import Synchronization
import VigieCore
import VigiePipeline
import VigieStore

extension WebSite {
    /// « Bulletins » (/bulletins): monthly, semester, diagnostic: shown, downloadable, comments.
    ///
    /// A bulletin is computed at each request from a snapshot of the store, never cached (the
    /// figures change with each file loaded); at most `bulletinsAtOnce` are computed at a time,
    /// more wait for none and get a French 503. Showing a bulletin records nothing; a download
    /// (HTML, PDF, CSV) is written by `WriteBulletin`, as `vigie bulletin`, and recorded as an issue.
    /// Under the site's CSP the bulletin's own inline style cannot apply: its body is shown in the
    /// page with its CSS served, scoped, at /bulletins/bulletin.css.
    func addBulletinsRoutes(to router: Router<WebContext>) {
        router.get("/bulletins") { request, context in try await self.bulletins(request, context) }
        router.get("/bulletins/fichier") { request, context in try await self.bulletinsFile(request, context) }
        router.get("/bulletins/bulletin.css") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "no-cache"],
                     body: .init(byteBuffer: ByteBuffer(string: BulletinStyle.scoped(self.bulletinsTemplateCSS()))))
        }
        router.post("/bulletins/commentaires") { _, context in try await self.bulletinsAddComment(context) }
        router.post("/bulletins/commentaires/supprimer") { _, context in try await self.bulletinsRemoveComment(context) }
    }

    static let bulletinsAtOnce = 2
    static let bulletinsRunning = Mutex(0)
    /// A diagnostic covers at most this many months.
    static let bulletinsMaxMonths = 120

    /// What the form asks: a bulletin, its period and area, as typed (for the links) and as checked.
    struct BulletinAsk {
        enum Kind: String, CaseIterable {
            case mensuel, semestriel, diagnostic
            var bulletin: BulletinKind {
                switch self {
                case .mensuel: .monthly
                case .semestriel: .semester
                case .diagnostic: .diagnostic
                }
            }
        }
        var kind: Kind
        var request: WriteBulletin.Request
        /// The bulletin's period for its comments (monthly, semester).
        var period: Period?
        /// The commune of a monthly bulletin (INSEE), nil for the territory.
        var commune: String?
        /// The query string that asks for it again (`type=…&periode=…`).
        var query: String
    }

    /// Reads and checks the bulletin asked in `fields`; a French usage error says what is allowed.
    func bulletinsAsk(_ fields: [String: String]) throws -> BulletinAsk? {
        func field(_ name: String) -> String? {
            guard let v = fields[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
            return String(v.prefix(100))
        }
        guard let typedKind = field("type") else { return nil }
        guard let kind = BulletinAsk.Kind(rawValue: typedKind) else {
            throw VigieError(.usage, "type de bulletin « \(typedKind.shown(limit: 30)) » inconnu",
                             hint: "Choisissez parmi : mensuel, semestriel, diagnostic.")
        }
        func period(_ name: String, _ label: String, accept: BulletinKind, example: String) throws -> Period {
            guard let text = field(name) else { throw VigieError(.usage, "\(label) manquant(e) : écrivez par exemple \(example)") }
            guard let p = Period(text), accept.covers(p) else {
                throw VigieError(.usage, "\(label) « \(text.shown(limit: 30)) » incorrect(e)", hint: "Attendu : \(accept.expectedPeriod).")
            }
            return p
        }
        var query = [("type", kind.rawValue)]
        let territory = observatory.config.territory
        switch kind {
        case .mensuel:
            let month = try period("periode", "mois", accept: .monthly, example: "2026-10")
            let commune = try field("commune").map { try territory.place($0, levels: [.commune]).code }
            query += [("periode", month.description)] + (commune.map { [("commune", $0)] } ?? [])
            return BulletinAsk(kind: kind, request: .monthly(month: month, commune: commune), period: month, commune: commune,
                               query: Self.bulletinsQuery(query))
        case .semestriel:
            let semester = try period("periode", "semestre", accept: .semester, example: "2026-S1")
            query += [("periode", semester.description)]
            return BulletinAsk(kind: kind, request: .semester(semester, texts: nil), period: semester, commune: nil,
                               query: Self.bulletinsQuery(query))
        case .diagnostic:
            guard let typedPlace = field("lieu") else {
                throw VigieError(.usage, "lieu manquant", hint: "Donnez un quartier ou une commune de territory.yaml (nom, identifiant ou code INSEE).")
            }
            let place = try territory.place(typedPlace, levels: [.quartier, .commune])
            var category: String?
            if let typed = field("categorie") {
                let categories = observatory.config.nomenclature.categories
                guard let found = categories.first(where: { $0.id == typed || $0.label.matchKey == typed.matchKey }) else {
                    throw VigieError(.usage, "catégorie « \(typed.shown(limit: 40)) » inconnue",
                                     hint: "Catégories : \(categories.map(\.label).joined(separator: ", ")).")
                }
                category = found.id
            }
            let from = try period("du", "début", accept: .diagnostic, example: "2026-01")
            let to = try period("au", "fin", accept: .diagnostic, example: "2026-10")
            let months = (to.end.year - from.start.year) * 12 + to.end.month - from.start.month + 1
            guard months <= Self.bulletinsMaxMonths else {
                throw VigieError(.usage, "période trop longue : \(months) mois", hint: "Un diagnostic couvre au plus \(Self.bulletinsMaxMonths) mois.")
            }
            query += [("lieu", place.description)] + (category.map { [("categorie", $0)] } ?? [])
                + [("du", from.description), ("au", to.description)]
            return BulletinAsk(kind: kind, request: .diagnostic(place: place.description, category: category, from: from, to: to),
                               period: nil, commune: nil, query: Self.bulletinsQuery(query))
        }
    }

    static func bulletinsQuery(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~:")
        return pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
    }

    /// A French 400 page for a usage error (what was wrong, then what is allowed).
    func bulletinsUsageError(_ error: VigieError, session: WebSession) -> Response {
        errorPage(status: .badRequest, message: error.message.prefix(1).uppercased() + error.message.dropFirst()
                  + (error.hint.map { ". " + $0 } ?? "."), session: session)
    }

    /// Runs `body` when fewer than `bulletinsAtOnce` bulletins are being computed; nil otherwise.
    func bulletinsBounded<T>(_ body: () async throws -> T) async rethrows -> T? {
        let admitted = Self.bulletinsRunning.withLock { running -> Bool in
            guard running < Self.bulletinsAtOnce else { return false }
            running += 1
            return true
        }
        guard admitted else { return nil }
        defer { Self.bulletinsRunning.withLock { $0 -= 1 } }
        return try await body()
    }

    func bulletinsBusy(_ session: WebSession) -> Response {
        errorPage(status: .serviceUnavailable, message: "D'autres bulletins sont en cours de calcul : réessayez dans un instant.", session: session)
    }

    /// A bulletin built for a page, or the page that says why not.
    enum BulletinPreview {
        case shown(PreviewBulletin.Result)
        case refused(Response)
    }

    /// The bulletin asked, built for the page (a few at a time: `bulletinsBounded`).
    func bulletinPreview(_ ask: BulletinAsk, session: WebSession) async throws -> BulletinPreview {
        do {
            guard let preview = try await bulletinsBounded({ try await perform(PreviewBulletin(ask.request)) }) else {
                return .refused(bulletinsBusy(session))
            }
            return .shown(preview)
        } catch let error as VigieError where error.kind == .usage {
            return .refused(bulletinsUsageError(error, session: session))
        }
    }

    func bulletins(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let fields = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }) { a, _ in a }
        let ask: BulletinAsk?
        do {
            ask = try bulletinsAsk(fields)
        } catch let error as VigieError where error.kind == .usage {
            return bulletinsUsageError(error, session: session)
        }
        var object = bulletinsFormObject(fields)
        guard let ask else { return page("bulletins", object, session: session) }
        let preview: PreviewBulletin.Result
        switch try await bulletinPreview(ask, session: session) {
        case .refused(let response): return response
        case .shown(let shown): preview = shown
        }
        object["shown"] = true
        object["query"] = ask.query
        object["baseName"] = preview.baseName
        object["body"] = BulletinStyle.body(of: preview.html)
        object["tables"] = preview.tables.map { ["name": $0.name, "rows": $0.rows.count] }
        object["pdf"] = PDFExport.chromium().map { FileManager.default.isExecutableFile(atPath: $0) } ?? false
        if let period = ask.period {
            let comments = try await perform(ListComments(bulletin: ask.kind.bulletin, period: period)).comments
                .filter { ask.commune == nil || $0.commune == nil || $0.commune == ask.commune }
            object["takesComments"] = true
            object["comments"] = comments.map { c -> [String: Any] in
                var comment: [String: Any] = ["id": Int(c.id), "text": c.text, "createdAt": MailWeekly.parisMinute(c.createdAt)]
                if let name = c.communeName { comment["communeName"] = name }
                return comment
            }
            object["hasComments"] = !comments.isEmpty
            object["commune"] = ask.commune ?? ""
            object["period"] = period.description
            object["bulletinKind"] = ask.kind.rawValue
        }
        return page("bulletins", object, session: session)
    }

    /// The last month and the last semester over today: what the bulletins' forms propose.
    var lastCompletePeriods: (month: Period, semester: Period) {
        let today = observatory.context.today
        return (Period.month(of: today.adding(days: -today.day)), today.month > 6 ? .semester(today.year, 1) : .semester(today.year - 1, 2))
    }

    /// The form, filled with what was asked, or with the last complete month and semester.
    func bulletinsFormObject(_ fields: [String: String]) -> [String: Any] {
        let today = observatory.context.today
        let (lastMonth, lastSemester) = lastCompletePeriods
        let config = observatory.config
        let kind = fields["type"] ?? "mensuel"
        func value(_ name: String, _ fallback: String) -> String { String((fields[name] ?? fallback).prefix(100)) }
        let commune = fields["commune"] ?? ""
        let category = fields["categorie"] ?? ""
        var places: [String] = []
        for c in config.territory.communes {
            places.append(c.name)
            for s in c.sectors { places += s.quartiers.map(\.name) }
        }
        return [
            "title": "Bulletins", "path": "/bulletins",
            "month": kind == "mensuel" ? value("periode", lastMonth.description) : lastMonth.description,
            "semester": kind == "semestriel" ? value("periode", lastSemester.description) : lastSemester.description,
            "communes": config.territory.communes.map { ["insee": $0.insee, "name": $0.name, "selected": $0.insee == commune] },
            "territorySelected": commune.isEmpty,
            "places": places,
            "place": value("lieu", ""),
            "categories": config.nomenclature.categories.map { ["id": $0.id, "label": $0.label, "selected": $0.id == category] },
            "from": value("du", Period.month(today.year, 1).description),
            "to": value("au", lastMonth.description),
            "limit": Self.faitsMarquantsCommentLimit,
        ]
    }

    /// /bulletins/fichier?…&format=html|pdf|csv[&tableau=…]: the bulletin written by `WriteBulletin`.
    func bulletinsFile(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let fields = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }) { a, _ in a }
        let ask: BulletinAsk
        do {
            guard let asked = try bulletinsAsk(fields) else {
                return errorPage(status: .badRequest, message: "Choisissez d'abord un bulletin (type, période, lieu).", session: session)
            }
            ask = asked
        } catch let error as VigieError where error.kind == .usage {
            return bulletinsUsageError(error, session: session)
        }
        let format = fields["format"] ?? ""
        guard ["html", "pdf", "csv"].contains(format) else {
            return errorPage(status: .badRequest, message: "Format « \(format.shown(limit: 20)) » inconnu : html, pdf ou csv.", session: session)
        }
        if format == "pdf", !(PDFExport.chromium().map { FileManager.default.isExecutableFile(atPath: $0) } ?? false) {
            return errorPage(status: .serviceUnavailable, message: "Le PDF demande Chromium, qui n'est pas installé sur ce serveur "
                             + "(apt-get install chromium) : téléchargez le HTML et imprimez-le depuis votre navigateur.", session: session)
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-web-bulletin-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let written: WriteBulletin.Result?
        do {
            written = try await bulletinsBounded { try await perform(WriteBulletin(ask.request, out: folder.path, pdf: format == "pdf")) }
        } catch let error as VigieError where error.kind == .usage {
            return bulletinsUsageError(error, session: session)
        }
        guard let written else { return bulletinsBusy(session) }
        let files = written.files.map { URL(fileURLWithPath: $0) }
        guard let html = files.first(where: { $0.pathExtension == "html" }) else {
            return errorPage(status: .internalServerError, message: "Le bulletin n'a pas été écrit.", session: session)
        }
        let base = html.deletingPathExtension().lastPathComponent
        let file: URL?, type: String
        switch format {
        case "csv":
            let table = fields["tableau"] ?? ""
            file = files.first { $0.lastPathComponent == "\(base)_\(table).csv" && !table.contains("/") }
            type = "text/csv; charset=utf-8"
        case "pdf":
            file = files.first { $0.pathExtension == "pdf" }
            type = "application/pdf"
        default:
            file = html
            type = "text/html; charset=utf-8"
        }
        guard let file, let data = try? Data(contentsOf: file) else {
            return errorPage(status: .notFound, message: "Ce tableau n'existe pas dans ce bulletin.", session: session)
        }
        return bulletinsDownload(data, name: file.lastPathComponent, type: type)
    }

    /// A file to save (`Content-Disposition: attachment`), its name reduced to `[A-Za-z0-9._-]`.
    func bulletinsDownload(_ data: Data, name: String, type: String) -> Response {
        let safe = String(name.unicodeScalars.map { s -> Character in
            switch s {
            case "a"..."z", "A"..."Z", "0"..."9", ".", "_", "-": Character(s)
            default: "_"
            }
        })
        return Response(status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(safe)\""],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The bulletin CSS of `templates/style.mustache` (between `<style>` and `</style>`).
    func bulletinsTemplateCSS() -> String {
        let url = observatory.config.directory.appendingPathComponent("templates/style.mustache")
        guard let text = try? String(contentsOf: url, encoding: .utf8),
              let start = text.range(of: "<style>"), let end = text.range(of: "</style>", range: start.upperBound..<text.endIndex) else { return "" }
        return String(text[start.upperBound..<end.lowerBound])
    }

    func bulletinsAddComment(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let ask: BulletinAsk
        do {
            guard let asked = try bulletinsAsk(context.form), let period = asked.period else {
                return errorPage(status: .badRequest, message: "Seuls le bulletin mensuel et l'étude semestrielle reçoivent des commentaires.", session: session)
            }
            let text = (context.form["texte"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty, text.count <= Self.faitsMarquantsCommentLimit else {
                return errorPage(status: .badRequest, message: text.isEmpty ? "Le commentaire est vide : écrivez-le puis ajoutez-le."
                                 : "Commentaire trop long : \(Self.faitsMarquantsCommentLimit) caractères au plus.", session: session)
            }
            _ = try await change(AddComment(bulletin: asked.kind.bulletin, period: period, commune: asked.commune, text: text))
            ask = asked
        } catch let error as VigieError where error.kind == .usage {
            return bulletinsUsageError(error, session: session)
        }
        return Forms.redirect("/bulletins?\(ask.query)#commentaires")
    }

    func bulletinsRemoveComment(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let ask: BulletinAsk
        do {
            guard let asked = try bulletinsAsk(context.form), let period = asked.period else {
                return errorPage(status: .badRequest, message: "Seuls le bulletin mensuel et l'étude semestrielle reçoivent des commentaires.", session: session)
            }
            ask = asked
            // Only a comment of this bulletin: the id is checked against its comments.
            let comments = try await perform(ListComments(bulletin: asked.kind.bulletin, period: period)).comments
            guard let id = context.form["id"].flatMap({ Int64($0) }), comments.contains(where: { $0.id == id }) else {
                return errorPage(status: .notFound, message: "Ce commentaire n'existe pas (ou plus) pour ce bulletin.", session: session)
            }
            _ = try await change(RemoveComment(id: id))
        } catch let error as VigieError where error.kind == .usage {
            return bulletinsUsageError(error, session: session)
        }
        return Forms.redirect("/bulletins?\(ask.query)#commentaires")
    }
}

/// The bulletins' own style (templates/style.mustache) for a bulletin shown inside a page: every
/// rule scoped under `.bulletin-view` (`:root`, `html` and `body` become it), `@page` dropped.
enum BulletinStyle {
    static let scope = ".bulletin-view"

    static func scoped(_ css: String) -> String {
        var text = css
        while let open = text.range(of: "/*"), let close = text.range(of: "*/", range: open.upperBound..<text.endIndex) {
            text.removeSubrange(open.lowerBound..<close.upperBound)
        }
        var out = ""
        var index = text.startIndex
        while let brace = text[index...].firstIndex(of: "{") {
            let prelude = text[index..<brace].trimmingCharacters(in: .whitespacesAndNewlines)
            // The block's end: its matching brace.
            var depth = 0, end = brace
            for i in text[brace...].indices {
                if text[i] == "{" { depth += 1 } else if text[i] == "}" { depth -= 1; if depth == 0 { end = i; break } }
            }
            guard depth == 0 else { break }
            let inner = String(text[text.index(after: brace)..<end])
            if prelude.hasPrefix("@media") {
                out += "\(prelude) {\n\(scoped(inner))}\n"
            } else if !prelude.hasPrefix("@") {
                let selectors = prelude.split(separator: ",").map { selector($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                out += "\(selectors.joined(separator: ", ")) {\(inner)}\n"
            }
            index = text.index(after: end)
        }
        return out
    }

    static func selector(_ s: String) -> String {
        for root in [":root", "html", "body"] {
            if s == root { return scope }
            if s.hasPrefix(root + " ") { return scope + String(s.dropFirst(root.count)) }
        }
        return "\(scope) \(s)"
    }

    /// What is between `<body…>` and `</body>` of a bulletin's HTML document.
    static func body(of html: String) -> String {
        guard let open = html.range(of: "<body"), let start = html[open.upperBound...].firstIndex(of: ">"),
              let end = html.range(of: "</body>", options: .backwards) else { return "" }
        return String(html[html.index(after: start)..<end.lowerBound])
    }
}
