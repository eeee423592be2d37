import Foundation
import Hummingbird
import VigieCore
import VigiePipeline
import VigieStore

extension WebSite {
    /// « Dépôts » (/depots): upload partner files, load report, ledger with downloads, column mapping.
    func addDepotsRoutes(to router: Router<WebContext>) {
        router.get("/depots") { request, context in try await self.depots(request, context) }
        router.post("/depots") { _, context in try await self.upload(context) }
        router.get("/depots/:id") { _, context in try await self.depot(context) }
        router.get("/depots/:id/original") { _, context in try await self.original(context) }
        router.post("/depots/:id/colonnes") { _, context in try await self.mapColumns(context) }
    }

    /// The upload form and the ledger, newest first, one page of `ListDepots.pageSize` rows.
    func depots(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let query = request.uri.queryParameters
        let selected = query["flux"].map(String.init) ?? ""
        var partner: String?, feed: String?
        if !selected.isEmpty {
            guard let f = feedChoice(selected) else {
                return errorPage(status: .badRequest, message: "Flux inconnu : choisissez-en un dans la liste.", session: session)
            }
            (partner, feed) = (f.partnerID, f.id)
        }
        let pageNumber = query["page"].flatMap { Int(String($0)) } ?? 1
        guard (1...100_000).contains(pageNumber) else {
            return errorPage(status: .badRequest, message: "Numéro de page incorrect.", session: session)
        }
        return try await sharedPage("depots", ListDepots(partner: partner, feed: feed, page: pageNumber), variant: selected, session: session) { ledger in
            let link = { (n: Int) in "/depots?" + (selected.isEmpty ? "" : "flux=\(Forms.escaped(selected))&") + "page=\(n)" }
            var object = self.depotsObject(selected: selected)
            object["entries"] = ledger.entries.map(Self.entryObject)
            object["hasEntries"] = !ledger.entries.isEmpty
            object["total"] = ledger.total
            object["pageLabel"] = "page \(ledger.page) sur \(ledger.pages)"
            if ledger.page > 1 { object["previous"] = link(ledger.page - 1) }
            if ledger.page < ledger.pages { object["next"] = link(ledger.page + 1) }
            return object
        }
    }

    /// The upload: names checked, files written to a private temporary folder beside the store, loaded
    /// (`UploadFiles`), kept in the archive; the load report of each file.
    func upload(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let selected = context.form["flux"] ?? ""
        var partner: String?, feed: String?
        if !selected.isEmpty {
            guard let f = feedChoice(selected) else {
                return errorPage(status: .badRequest, message: "Flux inconnu : choisissez-en un dans la liste.", session: session)
            }
            (partner, feed) = (f.partnerID, f.id)
        }
        let outcomes: [[String: Any]]
        switch try await load(context.uploads, partner: partner, feed: feed, session: session) {
        case .failure(let refusal): return refusal.response
        case .success(let result):
            var objects: [[String: Any]] = []
            for outcome in result.files {
                var object = Self.reportObject(outcome)
                if let report = outcome.report, report.status == .refused, let id = report.submission,
                   try await perform(ShowDepot(id: id)).mapping != nil {
                    object["mappable"] = true
                }
                objects.append(object)
            }
            outcomes = objects
        }
        return page("depot-rapport", ["title": "Dépôt : compte rendu", "path": "/depots", "files": outcomes,
                                      "depotBase": "/depots", "staff": true, "back": "/depots"], session: session)
    }

    /// A refused upload: the page that says why (nothing was loaded).
    struct UploadRefusal: Error {
        var response: Response
    }

    /// `loadFiles` for the session's account, its refusal as a page.
    func load(_ uploads: [Upload], partner: String?, feed: String?, session: WebSession) async throws
        -> Result<UploadFiles.Result, UploadRefusal> {
        try await loadFiles(uploads, partner: partner, feed: feed, account: "login:" + session.login)
            .mapError { UploadRefusal(response: errorPage(status: $0.status, message: $0.message, session: session)) }
    }

    /// Why files were not loaded at all, in a sentence (nothing was stored).
    struct UploadProblem: Error {
        var message: String
        var status: HTTPResponse.Status = .badRequest
    }

    /// Files received through the web or the API, names checked, written to a private temporary
    /// folder beside the store, loaded (`UploadFiles`, the nightly's load) and kept in the archive;
    /// the folder is removed.
    /// `account` (a login, or an API token: one partner system) may upload `web: files_per_minute` files a minute.
    /// A form's files are on the pages that follow it at once (`change`); the API's are seen as a
    /// nightly load is (`ResultCache`: the last result shown while the new one is computed).
    func loadFiles(_ uploads: [Upload], partner: String?, feed: String?, account: String, form: Bool = true) async throws
        -> Result<UploadFiles.Result, UploadProblem> {
        guard !uploads.isEmpty else {
            return .failure(UploadProblem(message: "Aucun fichier reçu : choisissez un ou plusieurs fichiers, puis « Déposer »."))
        }
        if let wait = await uploadRate.admit(account, files: uploads.count, limit: limits.filesPerMinute, now: now()) {
            return .failure(UploadProblem(message: "Trop de fichiers déposés en une minute (\(limits.filesPerMinute) au plus) : rien n'a été "
                + "enregistré ; déposez-les de nouveau dans \(wait) seconde\(wait > 1 ? "s" : "").", status: .tooManyRequests))
        }
        if let bad = uploads.first(where: { !Self.acceptableName($0.filename) }) {
            return .failure(UploadProblem(message: "Nom de fichier refusé : « \(bad.filename.shown(limit: 120)) ». Un nom ne contient ni « / », "
                + "ni « \\ », ni caractère de contrôle, ne commence pas par un point et compte 200 octets au plus. Rien n'a été chargé."))
        }
        let folder = URL(fileURLWithPath: observatory.store.path).deletingLastPathComponent()
            .appendingPathComponent(".depot-\(UUID().uuidString)")
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? fm.removeItem(at: folder) }
        var files: [UploadedFile] = []
        for (i, upload) in uploads.enumerated() {
            let sub = folder.appendingPathComponent(String(i))
            try fm.createDirectory(at: sub, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            let url = sub.appendingPathComponent(upload.filename)
            guard fm.createFile(atPath: url.path, contents: Data(upload.data.readableBytesView), attributes: [.posixPermissions: 0o600]) else {
                throw VigieError(.store, "impossible d'écrire le fichier reçu dans \(folder.path)")
            }
            files.append(UploadedFile(url: url))
        }
        let load = UploadFiles(files: files, partner: partner, feed: feed)
        return .success(try await loads.run { form ? try await self.change(load) : try await self.perform(load) })
    }

    /// One submission: its state, its rejects (row and column), and for a file refused for its
    /// columns the headers found beside the expected ones, to map them.
    func depot(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        guard let id = context.parameters.get("id", as: Int64.self), id > 0 else { return unknownDepot(session) }
        let shown = try await perform(ShowDepot(id: id))
        guard let entry = shown.entry else { return unknownDepot(session) }
        var object: [String: Any] = ["title": "Dépôt n° \(id)", "path": "/depots", "entry": Self.entryObject(entry),
                                     "rejects": shown.rejects.map(Self.rejectObject), "hasRejects": !shown.rejects.isEmpty,
                                     "rejectCount": shown.rejectCount, "moreRejects": shown.rejectCount > shown.rejects.count]
        if let mapping = shown.mapping { object["mapping"] = Self.mappingObject(mapping, id: id) }
        return page("depot", object, session: session)
    }

    /// The original file, as received, as an attachment under its own name.
    func original(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        guard let id = context.parameters.get("id", as: Int64.self), id > 0 else { return unknownDepot(session) }
        let found = try await perform(DepotOriginal(id: id))
        guard let name = found.name else { return unknownDepot(session) }
        guard let path = found.path, let data = FileManager.default.contents(atPath: path) else {
            return errorPage(status: .notFound, message: "Vigie ne garde pas l'original de ce dépôt (chargé hors de la page « Dépôts » "
                             + "et de la boîte de dépôt).", session: session)
        }
        return Response(status: .ok, headers: [.contentType: "application/octet-stream",
                                               .contentDisposition: Self.attachment(name)],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The column mapping form: partners.yaml written (backup kept), Config/ reloaded, the file loaded again.
    func mapColumns(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        guard let id = context.parameters.get("id", as: Int64.self), id > 0,
              try await perform(ShowDepot(id: id)).entry != nil else { return unknownDepot(session) }
        var choices: [String: Int] = [:]
        for (key, value) in context.form where key.hasPrefix("colonne.") && !value.isEmpty {
            guard let index = Int(value), key.count <= 60 else {
                return errorPage(status: .badRequest, message: "Choix de colonne incorrect : rechargez la page et recommencez.", session: session)
            }
            choices[String(key.dropFirst("colonne.".count))] = index
        }
        let result: MapColumns.Result
        do {
            result = try await change(MapColumns(id: id, choices: choices))
        } catch let error as VigieError where error.kind == .usage {
            return errorPage(status: .badRequest, message: "Rien n'a été modifié : \(error.message).", session: session)
        }
        try await reloadConfiguration()
        let outcome = UploadFiles.FileOutcome(name: result.report.file, report: result.report, problem: nil)
        return page("depot-rapport", ["title": "Colonnes mises en correspondance", "path": "/depots",
                                      "columns": result.columns.sorted { $0.key < $1.key }.map { ["field": $0.key, "header": $0.value] },
                                      "backup": URL(fileURLWithPath: result.backup).lastPathComponent,
                                      "files": [Self.reportObject(outcome)], "depotBase": "/depots", "staff": true, "back": "/depots"],
                    session: session)
    }

    // MARK: Objects for the templates

    func unknownDepot(_ session: WebSession) -> Response {
        errorPage(status: .notFound, message: "Ce dépôt n'existe pas dans le registre.", session: session)
    }

    /// The feed a `partner/feed` choice names, if partners.yaml has it.
    func feedChoice(_ value: String) -> Feed? {
        let parts = value.split(separator: "/", maxSplits: 1).map(String.init)
        guard parts.count == 2, value.count <= 200 else { return nil }
        return observatory.config.partners.first { $0.id == parts[0] }?.feeds.first { $0.id == parts[1] }
    }

    func depotsObject(selected: String) -> [String: Any] {
        let feeds: [[String: Any]] = observatory.config.partners.flatMap { p in
            p.feeds.map { f in ["value": "\(p.id)/\(f.id)", "label": "\(p.name) — \(f.id)", "selected": "\(p.id)/\(f.id)" == selected] }
        }
        return ["title": "Dépôts", "path": "/depots", "feeds": feeds, "maxFiles": Multipart.maxFiles, "uploadMB": limits.uploadBytes >> 20, "filtered": !selected.isEmpty]
    }

    static func statusLabel(_ status: String) -> String {
        switch status {
        case "loaded": "chargé"
        case "partly-superseded": "en partie remplacé"
        case "superseded": "remplacé"
        case "refused": "refusé"
        case "already-loaded": "déjà intégré"
        case "unreadable": "illisible"
        default: status
        }
    }

    static func entryObject(_ e: DepotEntry) -> [String: Any] {
        ["id": Int(e.id), "partnerName": e.partnerName, "feed": e.feed, "file": e.file,
         "receivedAt": e.receivedAt.replacingOccurrences(of: "T", with: " ").prefix(16).description,
         "status": statusLabel(e.status.rawValue), "refused": e.status == .refused,
         "periods": e.periods.count > 3 ? "\(e.periods.first ?? "") … \(e.periods.last ?? "") (\(e.periods.count))" : e.periods.joined(separator: ", "),
         "rowsRead": e.rowsRead, "rowsLoaded": e.rowsLoaded, "rowsRejected": e.rowsRejected,
         "message": e.message ?? "", "hasMessage": e.message != nil, "kept": e.kept]
    }

    static func rejectObject(_ r: IngestReport.Reject) -> [String: Any] {
        ["sheet": r.sheet ?? "", "row": r.row.map(String.init) ?? "—", "column": r.column ?? "—", "value": r.value ?? "", "reason": r.reason]
    }

    static func reportObject(_ outcome: UploadFiles.FileOutcome) -> [String: Any] {
        var object: [String: Any] = ["name": outcome.name]
        guard let r = outcome.report else {
            object["problem"] = outcome.problem ?? "non chargé"
            return object
        }
        object["status"] = statusLabel(r.status.rawValue)
        object["loaded"] = r.status == .loaded
        object["feed"] = "\(r.partner) / \(r.feed)"
        if let id = r.submission { object["submission"] = Int(id) }
        object["periods"] = r.periods.joined(separator: ", ")
        object["rowsRead"] = r.rowsRead
        object["rowsLoaded"] = r.rowsLoaded
        object["rowsRejected"] = r.rowsRejected
        object["rejects"] = r.rejects.prefix(ShowDepot.shownRejects).map(rejectObject)
        object["hasRejects"] = !r.rejects.isEmpty
        object["superseded"] = r.superseded.map { ["submission": Int($0.submission), "file": $0.file, "receivedAt": String($0.receivedAt.prefix(10))] }
        object["unclassified"] = r.unclassifiedNatures.sorted { $0.key < $1.key }.map { ["nature": $0.key, "rows": $0.value] }
        object["hasUnclassified"] = !r.unclassifiedNatures.isEmpty
        object["notes"] = r.notes
        if let message = r.message { object["message"] = message }
        object["failed"] = r.status == .refused || r.status == .unreadable
        return object
    }

    static func mappingObject(_ m: ShowDepot.Mapping, id: Int64) -> [String: Any] {
        ["id": Int(id), "row": m.row.map { "ligne \($0)" } ?? "première ligne (aucune ne nomme une colonne attendue)",
         "headers": m.headers.map { ["letter": $0.letter, "text": $0.text] },
         "missing": m.missing.map { column in
             ["field": column.field, "expected": column.expected,
              "options": m.headers.enumerated().map { i, h in
                  // No choice made for the user: the nearest header by spelling is often another column.
                  ["index": i, "label": "\(h.letter) : \(h.text)"] as [String: Any]
              }] as [String: Any]
         }]
    }

    /// A name a file may have on disk: no path, no control character, no leading dot, 200 bytes at most.
    static func acceptableName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 200 && !name.hasPrefix(".") && !name.contains("/") && !name.contains("\\")
            && name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F && !(0x80...0x9F).contains($0.value) }
    }

    /// `attachment` with an ASCII fallback name and the exact name in RFC 5987 form.
    static func attachment(_ name: String) -> String {
        let fallback = String(name.unicodeScalars.map { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" && $0 != ";" ? Character($0) : "_" })
        return "attachment; filename=\"\(fallback)\"; filename*=UTF-8''\(Forms.escaped(name))"
    }

}
