import Hummingbird

extension WebSite {
    /// « Dépôts » (/depots): upload partner files, load report, ledger with downloads, column mapping.
    func addDepotsRoutes(to router: Router<WebContext>) {
    }
}
