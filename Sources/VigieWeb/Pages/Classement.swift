import Foundation
import Hummingbird
import VigieCore
import VigiePipeline
import VigieStore

extension WebSite {
    /// « Classement » (/classement): natures « non classé » → a category; partners.yaml updated, loaded rows reclassified.
    func addClassementRoutes(to router: Router<WebContext>) {
        router.get("/classement") { _, context in try await self.classement(context, done: nil) }
        router.post("/classement") { _, context in try await self.classify(context) }
    }

    /// The natures `vigie status` lists as « non classé », each with a category to choose.
    func classement(_ context: WebContext, done: [String: Any]?) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let todo = try await cached(ShowStatus()).todo
        let config = observatory.config
        let nomenclature = config.nomenclature
        var groups: [[String: Any]] = []
        for family in nomenclature.families {
            let categories = nomenclature.categories.filter { $0.family == family.id }
            if !categories.isEmpty { groups.append(["label": family.label, "categories": categories.map { ["id": $0.id, "label": $0.label] }]) }
        }
        let loose = nomenclature.categories.filter { c in !nomenclature.families.contains { $0.id == c.family } }
        if !loose.isEmpty { groups.append(["label": "Autres catégories", "categories": loose.map { ["id": $0.id, "label": $0.label] }]) }
        let natures: [[String: Any]] = todo.unclassified.map { n in
            ["partner": n.partner, "partnerName": config.partners.first { $0.id == n.partner }?.name ?? n.partner,
             "feed": n.feed, "nature": n.nature, "rows": n.rows, "groups": groups]
        }
        var object: [String: Any] = ["title": "Classement", "path": "/classement", "natures": natures, "hasNatures": !natures.isEmpty]
        if let done { object["done"] = done }
        return page("classement", object, session: session)
    }

    /// Saves a nature's category: partners.yaml written (backup kept), Config/ reloaded, rows reclassified.
    func classify(_ context: WebContext) async throws -> Response {
        guard let session = context.session else { return Forms.redirect("/connexion") }
        let f = context.form
        guard let partner = f["partner"], let feed = f["feed"], let nature = f["nature"], let category = f["category"],
              [partner, feed, nature, category].allSatisfy({ $0.count <= 500 }) else {
            return errorPage(status: .badRequest, message: "Formulaire incomplet : revenez à la page Classement et recommencez.", session: session)
        }
        guard !category.isEmpty else {
            return errorPage(status: .badRequest, message: "Choisissez une catégorie pour « \(nature.shown(limit: 120)) ». Rien n'a été modifié.",
                             session: session)
        }
        let result: ClassifyNature.Result
        do {
            result = try await change(ClassifyNature(partner: partner, feed: feed, nature: nature, category: category))
        } catch let error as VigieError where error.kind == .usage {
            return errorPage(status: .badRequest, message: "Rien n'a été modifié : \(error.message).", session: session)
        }
        try await reloadConfiguration()
        let label = observatory.config.nomenclature.category(id: category)?.label ?? category
        let changes = result.outcome.changes.map { c in
            ["line": "\(c.partner) / \(c.feed) : « \(c.nature) » — \(c.rows) ligne(s) → \(result.outcome.categoryLabels[c.category] ?? c.category)"]
        }
        return try await classement(context, done: ["nature": nature, "category": label, "total": result.outcome.total,
                                                    "changes": changes, "backup": URL(fileURLWithPath: result.backup).lastPathComponent])
    }
}
