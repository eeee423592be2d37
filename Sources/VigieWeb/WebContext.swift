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
    /// The fields of a POSTed form (URL-encoded or multipart), read by the session gate.
    public var form: [String: String] = [:]
    /// The files of a multipart form, in memory (the gate has checked the CSRF token; nothing is stored yet).
    public var uploads: [Upload] = []

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        client = source.channel.remoteAddress?.ipAddress ?? "local"
    }

    /// Bodies read without a bound of their own: 1 MB (forms and uploads are read with settings.yaml's).
    public var maxUploadSize: Int { 1 << 20 }
}

/// A file sent in a multipart form: its name as the browser gave it (not yet checked) and its bytes.
public struct Upload: Sendable {
    public var filename: String
    public var data: ByteBuffer
}

/// A bounded reader of `multipart/form-data` bodies (the file uploads of « Dépôts »).
enum Multipart {
    static let maxFiles = 20
    static let maxParts = 60
    /// A text field's value at most.
    static let maxFieldBytes = 64 * 1024

    /// The boundary of a `multipart/form-data` content type, or nil for any other type.
    static func boundary(_ contentType: String?) -> String? {
        guard let contentType, contentType.lowercased().hasPrefix("multipart/form-data") else { return nil }
        for parameter in contentType.split(separator: ";").dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "boundary" {
                let value = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                return (1...70).contains(value.utf8.count) ? value : nil
            }
        }
        return nil
    }

    /// The text fields (first value wins) and the files of `body`; nil when it is malformed or past the bounds.
    static func parse(_ body: ByteBuffer, boundary: String) -> (fields: [String: String], files: [Upload])? {
        let data = Data(body.readableBytesView)
        let delimiter = Data("--\(boundary)".utf8), crlf = Data("\r\n".utf8), headerEnd = Data("\r\n\r\n".utf8)
        guard let first = data.range(of: delimiter) else { return nil }
        var position = first.upperBound
        var fields: [String: String] = [:]
        var files: [Upload] = []
        var parts = 0
        while true {
            if data[position...].starts(with: Data("--".utf8)) { return (fields, files) }
            guard data[position...].starts(with: crlf), parts < maxParts else { return nil }
            parts += 1
            let start = position + 2
            guard let headers = data.range(of: headerEnd, in: start..<min(data.endIndex, start + 8192)),
                  let next = data.range(of: crlf + delimiter, in: headers.upperBound..<data.endIndex) else { return nil }
            let content = data[headers.upperBound..<next.lowerBound]
            position = next.upperBound
            guard let head = String(data: data[start..<headers.lowerBound], encoding: .utf8) else { return nil }
            var name: String?, filename: String?
            for line in head.components(separatedBy: "\r\n") where line.lowercased().hasPrefix("content-disposition:") {
                name = parameter("name", in: line)
                filename = parameter("filename", in: line)
            }
            guard let name else { return nil }
            if let filename {
                if filename.isEmpty && content.isEmpty { continue }
                guard files.count < maxFiles else { return nil }
                files.append(Upload(filename: filename, data: ByteBuffer(bytes: content)))
            } else {
                guard content.count <= maxFieldBytes, let value = String(data: content, encoding: .utf8) else { return nil }
                if fields[name] == nil { fields[name] = value }
            }
        }
    }

    /// `key="value"` in a Content-Disposition line (browsers write a quote inside as %22).
    private static func parameter(_ key: String, in line: String) -> String? {
        guard let range = line.range(of: "; \(key)=\"") ?? line.range(of: ";\(key)=\"") else { return nil }
        let rest = line[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
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

    /// Percent-encodes all but ASCII letters, digits and `-._~`.
    static func escaped(_ text: String) -> String {
        let allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// `[("a", "1"), ("b", "x é")]` → `a=1&b=x%20%C3%A9`.
    static func query(_ fields: [(String, String)]) -> String {
        fields.map { "\(escaped($0.0))=\(escaped($0.1))" }.joined(separator: "&")
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
