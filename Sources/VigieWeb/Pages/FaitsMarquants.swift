import Hummingbird

extension WebSite {
    /// « Faits marquants » (/faits-marquants): a week's messages per commune, comments, approve, send.
    func addFaitsMarquantsRoutes(to router: Router<WebContext>) {
    }
}
