import Foundation
import HTTPTypes
import VigiePipeline
import VigieReports
import VigieStore

/// A page rendered once per state of the store for everyone of one role, then given to each
/// session with its own values put in (its CSRF token, the user's login, name and role). The
/// rendering leaves a marker where each goes; markers begin with a random word drawn when the
/// server starts, which no data shown in a page can forge.
struct SharedPage: Sendable {
    enum Slot: String, CaseIterable, Sendable {
        case csrf, login, name, role
    }

    static let nonce = SessionTokens.random()
    static func marker(_ slot: Slot) -> String { nonce + "." + slot.rawValue + "." }

    /// The text between markers, and the session value after each piece but the last.
    private let pieces: [String]
    private let slots: [Slot]

    init(rendered: String) {
        let parts = rendered.components(separatedBy: Self.nonce + ".")
        var pieces = [parts[0]]
        var slots: [Slot] = []
        for part in parts.dropFirst() {
            guard let slot = Slot.allCases.first(where: { part.hasPrefix($0.rawValue + ".") }) else {
                pieces[pieces.count - 1] += Self.nonce + "." + part   // not a marker of ours: kept as it is
                continue
            }
            slots.append(slot)
            pieces.append(String(part.dropFirst(slot.rawValue.count + 1)))
        }
        self.pieces = pieces
        self.slots = slots
    }

    /// The page for `session`, its values escaped for HTML as the templates' own.
    func text(for session: WebSession) -> String {
        var text = pieces[0]
        for (slot, piece) in zip(slots, pieces.dropFirst()) {
            let value: String = switch slot {
            case .csrf: session.csrf
            case .login: session.login
            case .name: session.name ?? session.login
            case .role: session.role
            }
            text += TemplateRenderer.escapeHTML(value)
            text += piece
        }
        return text
    }
}

/// Which page of which use case, for whom: the key of a shared page in `ResultCache`.
struct SharedPageKey: Hashable {
    var template: String
    var useCase: AnyHashable
    var role: String
    var variant: String
}
