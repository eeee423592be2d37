import Hummingbird

extension WebSite {
    /// « Bulletins » (/bulletins): monthly, semester, diagnostic: shown, downloadable, comments.
    func addBulletinsRoutes(to router: Router<WebContext>) {
    }
}
