import Foundation
import Hummingbird
import VigieStore

/// What a request carries through the middlewares: the client's address, and once the session
/// gate has passed, the session and the form sent.
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address (the proxy's behind nginx), for the login throttle and the audit.
    public var client: String
    public var session: WebSession?
    /// The session's id, from its cookie (for the logout).
    public var sessionID: String?
    /// The fields of a POSTed form (URL-encoded), read by the session gate.
    public var form: [String: String] = [:]

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = source.channel.remoteAddress?.ipAddress ?? "local"
    }

    /// Forms are small: 1 MB at most (uploads will have their own bound).
    public var maxUploadSize: Int { WebSite.maxFormBytes }
}

/// Reading URL-encoded forms and answering with pages.
enum Forms {
    /// `a=1&b=x+y%C3%A9` → ["a": "1", "b": "x yé"]; the first value of a repeated field wins.
    static func parse(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            let key = decode(parts[0])
            if fields[key] == nil { fields[key] = parts.count > 1 ? decode(parts[1]) : "" }
        }
        return fields
    }

    /// Compares two secrets in a time that does not depend on where they differ.
    static func sameSecret(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b, !a.isEmpty, a.utf8.count == b.utf8.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a.utf8, b.utf8) { difference |= x ^ y }
        return difference == 0
    }

    /// An HTML page.
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// 303 See Other to `location` (after a form, or to the login page).
    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: "Voir \(location)\n")))
    }
}
