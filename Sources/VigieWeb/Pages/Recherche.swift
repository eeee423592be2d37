import Foundation
import Hummingbird
import VigieCore
import VigiePipeline

extension WebSite {
    /// « Recherche » (/recherche): faits marquants by place, nature, category, dates, with their source row.
    func addRechercheRoutes(to router: Router<WebContext>) {
        router.get("/recherche") { request, context in try await self.search(request, context) }
    }

    /// The longest query string read (a bookmarked search is far shorter).
    static let maxQueryBytes = 2048

    /// The GET form and, once something is asked, one page of results (100, latest first).
    func search(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let query = request.uri.query ?? ""
        let form = Forms.parse(query.count <= Self.maxQueryBytes ? query : "")
        func field(_ name: String) -> String { (form[name] ?? "").trimmingCharacters(in: .whitespaces) }
        let fields = ["lieu": field("lieu"), "nature": field("nature"), "categorie": form["categorie"] ?? "",
                      "du": field("du"), "au": field("au")]
        let config = observatory.config
        let categories: [[String: Any]] = ([("", "toutes"), ("non-classe", "non classé")]
            + config.nomenclature.categories.map { ($0.id, $0.label) })
            .map { ["id": $0.0, "label": $0.1, "selected": fields["categorie"] == $0.0] }
        // The natures received, offered as the nature field's suggestions (no script needed).
        let natures = try await cached(ExtractIncidents(groups: [.nature], filter: ExtractFilter())).rows.map { $0.keys[0] }
        var object: [String: Any] = ["title": "Recherche", "path": "/recherche", "fields": fields,
                                     "categories": categories, "natures": Array(natures.prefix(1000))]
        func refuse(_ message: String) -> Response {
            object["error"] = message
            return page("recherche", object, session: session, status: .badRequest)
        }
        if query.count > Self.maxQueryBytes { return refuse("Recherche trop longue : raccourcissez les champs.") }
        guard fields.values.allSatisfy({ $0.count <= 100 }) else { return refuse("Un champ dépasse 100 caractères : raccourcissez-le.") }
        let asked = fields.values.contains { !$0.isEmpty } || form["page"] != nil
        guard asked else { return page("recherche", object, session: session) }

        var place: PlaceRef?
        if !fields["lieu", default: ""].isEmpty {
            do { place = try config.territory.place(fields["lieu", default: ""]) } catch let error as VigieError {
                return refuse(error.message.prefix(1).uppercased() + error.message.dropFirst() + (error.hint.map { ". " + $0 } ?? ""))
            }
        }
        var dates: [String: CivilDate] = [:]
        for (name, label) in [("du", "du"), ("au", "au")] where !fields[name, default: ""].isEmpty {
            guard let date = SearchIncidents.date(fields[name, default: ""]) else {
                return refuse("Date « \(label) » incorrecte : « \(fields[name, default: ""]) ». Écrivez-la jj/mm/aaaa (23/11/2026) ou aaaa-mm-jj.")
            }
            dates[name] = date
        }
        let categoryField = fields["categorie", default: ""]
        let category: String? = categoryField.isEmpty ? nil : categoryField == "non-classe" ? "" : categoryField
        if let category, !category.isEmpty, config.nomenclature.category(id: category) == nil {
            return refuse("Catégorie inconnue : choisissez-la dans la liste.")
        }
        guard let pageNumber = form["page"].map({ Int($0) }) ?? 1, (1...100_000).contains(pageNumber) else {
            return refuse("Numéro de page incorrect.")
        }
        let useCase = SearchIncidents(place: place, nature: fields["nature"].flatMap { $0.isEmpty ? nil : $0 }, category: category,
                                      from: dates["du"], to: dates["au"], page: pageNumber)
        let result: SearchResult
        do { result = try await cached(useCase) } catch let error as VigieError where error.kind == .usage {
            return refuse(error.message.prefix(1).uppercased() + error.message.dropFirst() + ".")
        }
        object.merge(Self.searchObject(result, fields: fields, place: place.map { config.territory.label(of: $0) })) { _, new in new }
        return page("recherche", object, session: session)
    }

    /// The results in the page's words: count, rows with their source, links to the neighbouring pages.
    static func searchObject(_ result: SearchResult, fields: [String: String], place: String?) -> [String: Any] {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let kept = fields.sorted { $0.key < $1.key }.filter { !$0.value.isEmpty }
        let pairs: [String] = kept.map { field in
            let value: String = field.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
            return field.key + "=" + value
        }
        func link(_ page: Int) -> String { "/recherche?" + (pairs + ["page=\(page)"]).joined(separator: "&") }
        let first = (result.page - 1) * result.pageSize
        let hits: [[String: Any]] = result.hits.map { h in
            var row: [String: Any] = [
                "date": h.date.french, "commune": h.commune, "quartier": h.quartier ?? "non localisé",
                "nature": h.nature, "category": h.category ?? "non classé", "weapon": h.weapon,
                "submission": Int(h.submission), "file": h.file, "partner": h.partner,
                "receivedAt": CivilDate(iso: String(h.receivedAt.prefix(10)))?.french ?? String(h.receivedAt.prefix(10)),
                "row": h.row,
            ]
            if let time = h.time { row["time"] = time }
            if let place = h.place, !place.isEmpty { row["place"] = place }
            if let description = h.description, !description.isEmpty { row["description"] = description }
            if let sheet = h.sheet, !sheet.isEmpty { row["sheet"] = sheet }
            return row
        }
        var object: [String: Any] = [
            "searched": true, "total": result.total, "plural": result.total > 1, "hits": hits, "hasHits": !hits.isEmpty,
            "first": first + 1, "last": first + hits.count, "page": result.page, "pageCount": result.pageCount,
        ]
        if let place { object["placeLabel"] = place }
        if result.page > 1 { object["previous"] = link(result.page - 1) }
        if result.page < result.pageCount { object["next"] = link(result.page + 1) }
        return object
    }
}
