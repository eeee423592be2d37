import Foundation
import Hummingbird
import VigieCore
import VigiePipeline
import VigieReports

extension WebSite {
    /// « Carte » (/carte): the quartiers map of a period and category, clickable.
    func addCarteRoutes(to router: Router<WebContext>) {
        router.get("/carte") { request, context in try await self.quartiersMap(request, context) }
        router.get("/carte/quartier/:id") { request, context in try await self.quartierPage(request, context) }
    }

    /// The map's choices read from the query: period (a month or a semester), category, measure.
    struct MapChoice {
        var period: Period
        /// A nomenclature id, "non-classe", or nil for all (as in the URL).
        var categoryField: String?
        var measure: QuartierFigures.Measure

        /// The category as the use case takes it ("" for « non classé »).
        var category: String? { categoryField.map { $0 == "non-classe" ? "" : $0 } }

        /// The query string that gives these choices back.
        func query(measure: QuartierFigures.Measure? = nil) -> String {
            let chosen: QuartierFigures.Measure = measure ?? self.measure
            let category: String = categoryField.map { "&categorie=\($0)" } ?? ""
            return "periode=\(period)" + category + "&mesure=" + chosen.rawValue
        }
    }

    /// The choices of `request`, or the French reason they are refused. The default period is
    /// the last month over.
    func mapChoice(_ request: Request) -> Result<MapChoice, MapRefusal> {
        let query = request.uri.query ?? ""
        guard query.count <= 512 else { return .failure(MapRefusal("Adresse trop longue.")) }
        let form = Forms.parse(query)
        let today = observatory.context.today
        var period = Self.month(today, minus: 1)
        if let text = form["periode"], !text.isEmpty {
            switch Period(text) {
            case .month?, .semester?: period = Period(text)!
            default: return .failure(MapRefusal("Période « \(text.shown(limit: 20)) » incorrecte : choisissez un mois (2026-10) ou un semestre (2026-S1)."))
            }
        }
        guard period.start <= today else {
            return .failure(MapRefusal("La période \(period.frenchName) n'a pas commencé : choisissez un mois ou un semestre passé."))
        }
        var category: String?
        if let text = form["categorie"], !text.isEmpty {
            guard text == "non-classe" || observatory.config.nomenclature.category(id: text) != nil else {
                return .failure(MapRefusal("Catégorie « \(text.shown(limit: 40)) » inconnue : choisissez-la dans la liste."))
            }
            category = text
        }
        var measure = QuartierFigures.Measure.taux
        if let text = form["mesure"], !text.isEmpty {
            guard let m = QuartierFigures.Measure(rawValue: text) else {
                return .failure(MapRefusal("Mesure « \(text.shown(limit: 20)) » inconnue : « taux » ou « evolution »."))
            }
            measure = m
        }
        return .success(MapChoice(period: period, categoryField: category, measure: measure))
    }

    /// The month `n` months before the month of `day`.
    static func month(_ day: CivilDate, minus n: Int) -> Period {
        let index = day.year * 12 + day.month - 1 - n
        return .month(index / 12, index % 12 + 1)
    }

    struct MapRefusal: Error { var message: String; init(_ message: String) { self.message = message } }

    /// The form's lists: the last 36 months and 6 semesters, the categories.
    func mapFormObject(_ choice: MapChoice?) -> [String: Any] {
        let today = observatory.context.today
        var periods: [Period] = (0..<36).map { Self.month(today, minus: $0) }
        let half = today.month <= 6 ? 1 : 2
        periods += (0..<6).map { i -> Period in
            let index = today.year * 2 + (half - 1) - i
            return .semester(index / 2, index % 2 + 1)
        }
        if let p = choice?.period, !periods.contains(p) { periods.append(p) }
        let categories: [(String, String)] = [("", "toutes"), ("non-classe", "non classé")]
            + observatory.config.nomenclature.categories.map { ($0.id, $0.label) }
        return [
            "periods": periods.map { ["value": $0.description, "label": $0.frenchName, "selected": $0 == choice?.period] },
            "categories": categories.map { ["id": $0.0, "label": $0.1, "selected": $0.0 == (choice?.categoryField ?? "")] },
            "measures": [["value": "taux", "label": "faits pour 1 000 habitants", "selected": choice?.measure == .taux],
                         ["value": "evolution", "label": "évolution depuis la même période un an plus tôt", "selected": choice?.measure == .evolution]],
        ]
    }

    /// The map, its legend and the table of quartiers; each quartier links to its page.
    func quartiersMap(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        var object: [String: Any] = ["title": "Carte", "path": "/carte"]
        let choice: MapChoice
        switch mapChoice(request) {
        case .failure(let refusal):
            object.merge(mapFormObject(nil)) { _, new in new }
            object["error"] = refusal.message
            return page("carte", object, session: session, status: .badRequest)
        case .success(let c): choice = c
        }
        return try await sharedPage("carte", ShowQuartiers(period: choice.period, category: choice.category),
                                    variant: choice.query(), session: session) { result in
            var object: [String: Any] = ["title": "Carte", "path": "/carte"]
            object.merge(self.mapFormObject(choice)) { _, new in new }
            let figures = result.figures
            let links = Dictionary(uniqueKeysWithValues: figures.quartiers.map { ($0.id, "/carte/quartier/\($0.id)?\(choice.query())") })
            object["map"] = figures.map(choice.measure, shapes: self.observatory.config.shapes, links: links)
            object["figures"] = Self.figuresObject(figures)
            object["quartiers"] = figures.quartiers.map { q -> [String: Any] in
                ["link": links[q.id] ?? "", "name": q.name, "commune": q.commune, "current": q.current, "previous": q.previous,
                 "rate": Rate.french(q.rate), "change": q.change, "flag": q.flag]
            }
            return object
        }
    }

    /// The words above the map and the quartier page: period, category, notices.
    static func figuresObject(_ figures: QuartierFigures) -> [String: Any] {
        var object: [String: Any] = ["periodName": figures.periodName, "previousName": figures.previousName, "categoryLabel": figures.categoryLabel]
        if !figures.notice.isEmpty { object["notice"] = figures.notice }
        if !figures.leftOut.isEmpty { object["leftOut"] = figures.leftOut }
        return object
    }

    /// One quartier: its facts by category in the period and a year earlier, and the way to its faits marquants.
    func quartierPage(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let id = context.parameters.get("id") ?? ""
        guard observatory.config.territory.quartier(id: id) != nil else {
            return errorPage(status: .notFound, message: "Quartier inconnu : revenez à la carte et choisissez-en un.", session: session)
        }
        let choice: MapChoice
        switch mapChoice(request) {
        case .failure(let refusal): return errorPage(status: .badRequest, message: refusal.message, session: session)
        case .success(let c): choice = c
        }
        let figures = try await cached(ShowQuartiers(period: choice.period, category: choice.category)).figures
        guard let q = figures.quartiers.first(where: { $0.id == id }) else {
            return errorPage(status: .notFound, message: "Quartier inconnu : revenez à la carte et choisissez-en un.", session: session)
        }
        var search = "/recherche?lieu=quartier%3A\(q.id)&du=\(choice.period.start)&au=\(min(choice.period.end, observatory.context.today))"
        if let c = choice.categoryField { search += "&categorie=\(c)" }
        let object: [String: Any] = [
            "title": "\(q.name) (\(q.commune))", "path": "/carte", "figures": Self.figuresObject(figures),
            "back": "/carte?\(choice.query())", "search": search, "population": SVG.french(q.population),
            "current": q.current, "previous": q.previous, "rate": Rate.french(q.rate), "change": q.change, "flag": q.flag,
            "hasCategories": !q.categories.isEmpty,
            "categories": q.categories.map { c -> [String: Any] in
                ["label": c.label, "current": c.current, "previous": c.previous, "change": c.change, "flag": c.flag,
                 "chosen": c.category == figures.category]
            },
        ]
        return page("carte-quartier", object, session: session)
    }
}
