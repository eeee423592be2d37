import VigiePipeline

/// Who may open what. The observatory's pages are its staff's (coordinator and assistant); a
/// partner's account has its space under /partenaire (its own data only), an elected official's
/// under /elu (its communes only). The session gate checks every request against this before any
/// page runs; the pages of a space check each object they show against the session.
enum Access {
    /// Where `/` leads each role, and the navigation it sees.
    static func home(_ role: WebRole) -> String {
        switch role {
        case .coordinateur, .assistant: "/"
        case .partenaire: "/partenaire"
        case .elu: "/elu"
        }
    }

    /// Whether `role` may open `path` (GET or POST).
    static func allows(_ role: WebRole, path: String) -> Bool {
        if path == "/deconnexion" { return true }
        let inPartnerSpace = path == "/partenaire" || path.hasPrefix("/partenaire/")
        let inEluSpace = path == "/elu" || path.hasPrefix("/elu/")
        switch role {
        case .coordinateur, .assistant: return !inPartnerSpace && !inEluSpace
        case .partenaire: return inPartnerSpace
        case .elu: return inEluSpace
        }
    }

    /// The pages in the navigation of each role.
    static func navigation(_ role: WebRole) -> [(label: String, path: String)] {
        switch role {
        case .coordinateur, .assistant: WebSite.navigation
        case .partenaire: [("Mon espace partenaire", "/partenaire")]
        case .elu: [("Mes communes", "/elu"), ("Bulletins", "/elu/bulletins")]
        }
    }
}
