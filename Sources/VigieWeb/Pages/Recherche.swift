import Hummingbird

extension WebSite {
    /// « Recherche » (/recherche): faits marquants by place, nature, category, dates, with their source row.
    func addRechercheRoutes(to router: Router<WebContext>) {
    }
}
