import Hummingbird

extension WebSite {
    /// « Carte » (/carte): the quartiers map of a period and category, clickable.
    func addCarteRoutes(to router: Router<WebContext>) {
    }
}
