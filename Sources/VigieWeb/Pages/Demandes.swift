import Hummingbird

extension WebSite {
    /// « Demandes » (/demandes): the data-request workflow.
    func addDemandesRoutes(to router: Router<WebContext>) {
    }
}
