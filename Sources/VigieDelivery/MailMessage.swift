import Crypto
import Foundation
import VigieCore

/// A file joined to a message (sent base64-encoded, `Content-Disposition: attachment`).
public struct MailAttachment: Sendable, Equatable {
    /// The name the recipient sees; may hold non-ASCII characters (sent as RFC 2231), never CR or LF.
    public var filename: String
    /// A MIME type with optional parameters, e.g. `text/csv; charset=utf-8`.
    public var contentType: String
    public var data: Data

    public init(filename: String, contentType: String = "application/octet-stream", data: Data) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
    }
}

/// One mail message, written by hand: RFC 5322 headers, RFC 2047 encoded words for French
/// subjects and names, a `multipart/alternative` of plain text and HTML (quoted-printable), and
/// attachments in base64 (RFC 2045, 2183, 2231). The output never depends on anything but the
/// message itself: the Message-ID and the boundaries are derived from its content and date.
public struct MailMessage: Sendable {
    public var from: Mailbox
    public var to: [Mailbox]
    public var cc: [Mailbox]
    public var replyTo: Mailbox?
    public var subject: String
    public var text: String
    public var html: String
    public var attachments: [MailAttachment]
    public var date: Date
    /// The right-hand side of the Message-ID; by default the domain of the From address.
    public var messageIDDomain: String

    public init(from: Mailbox, to: [Mailbox], cc: [Mailbox] = [], replyTo: Mailbox? = nil,
                subject: String, text: String, html: String, attachments: [MailAttachment] = [],
                date: Date = Date(), messageIDDomain: String? = nil) {
        self.from = from
        self.to = to
        self.cc = cc
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
        self.attachments = attachments
        self.date = date
        if let messageIDDomain {
            self.messageIDDomain = messageIDDomain
        } else if let at = from.email.lastIndex(of: "@") {
            self.messageIDDomain = String(from.email[from.email.index(after: at)...])
        } else {
            self.messageIDDomain = "localhost"
        }
    }

    /// The whole message, CRLF line ends, ready for `sendmail -t`. Throws VigieError when any header value
    /// (subject, names, addresses, filenames) holds a CR or LF (header injection), or an address is not plain addr-spec.
    public func rendered() throws -> Data {
        try validate()
        let digest = contentDigest()
        let mixedBoundary = "=_vigie_mixed_" + digest.prefix(32)
        let altBoundary = "=_vigie_alt_" + digest.prefix(32)

        var lines: [String] = []
        lines += addressHeader("From", [from])
        lines += addressHeader("To", to)
        if !cc.isEmpty { lines += addressHeader("Cc", cc) }
        if let replyTo { lines += addressHeader("Reply-To", [replyTo]) }
        lines += subjectHeader()
        lines.append("Date: " + MIME.rfc5322Date(date))
        var messageID = HeaderFolder("Message-ID")
        messageID.atom("<" + digest.prefix(40) + "@" + messageIDDomain.lowercased() + ">")
        lines += messageID.lines
        lines.append("MIME-Version: 1.0")

        if attachments.isEmpty {
            lines += MIME.multipartHeader("multipart/alternative", boundary: altBoundary)
            lines.append("")
            lines += alternativeBody(boundary: altBoundary)
        } else {
            lines += MIME.multipartHeader("multipart/mixed", boundary: mixedBoundary)
            lines.append("")
            lines.append("This is a multi-part message in MIME format.")
            lines.append("")
            lines.append("--" + mixedBoundary)
            lines += MIME.multipartHeader("multipart/alternative", boundary: altBoundary)
            lines.append("")
            lines += alternativeBody(boundary: altBoundary)
            // No blank line before a delimiter: the CRLF before `--` belongs to the delimiter, so each
            // part's content ends exactly where its own last line ends.
            for attachment in attachments {
                lines.append("--" + mixedBoundary)
                lines += attachmentPart(attachment)
            }
            lines.append("--" + mixedBoundary + "--")
        }
        return Data((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    // MARK: - Validation

    private func validate() throws {
        try MIME.checkMailbox(from, header: "From")
        for box in to { try MIME.checkMailbox(box, header: "To") }
        for box in cc { try MIME.checkMailbox(box, header: "Cc") }
        if let replyTo { try MIME.checkMailbox(replyTo, header: "Reply-To") }
        guard !to.isEmpty else {
            throw VigieError(.config, "le message « \(MIME.printable(subject)) » n'a aucun destinataire (To)",
                             hint: "Déclarez au moins un destinataire dans Config/recipients.yaml.")
        }
        if MIME.hasLineBreak(subject) {
            throw VigieError(.input, "l'objet du message « \(MIME.printable(subject)) » contient un retour à la ligne",
                             hint: "Un en-tête de courrier ne peut pas contenir de retour à la ligne (injection d'en-tête).")
        }
        guard MailAddress.isDomain(messageIDDomain) else {
            throw VigieError(.config, "« \(MIME.printable(messageIDDomain)) » n'est pas un nom de domaine pour le Message-ID")
        }
        for attachment in attachments {
            let name = attachment.filename
            if MIME.hasLineBreak(name) {
                throw VigieError(.input, "le nom de pièce jointe « \(MIME.printable(name)) » contient un retour à la ligne",
                                 hint: "Un en-tête de courrier ne peut pas contenir de retour à la ligne (injection d'en-tête).")
            }
            if name.isEmpty || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw VigieError(.input, "le nom de pièce jointe « \(MIME.printable(name)) » est vide ou contient un caractère de contrôle")
            }
            guard MIME.isContentType(attachment.contentType) else {
                throw VigieError(.input, "le type « \(MIME.printable(attachment.contentType)) » de la pièce jointe « \(name) » n'est pas un type MIME",
                                 hint: "Écrivez par exemple « text/csv; charset=utf-8 ».")
            }
        }
    }

    /// SHA-256 (hex) of everything the message says, and its date: the Message-ID and the boundaries.
    private func contentDigest() -> String {
        var hasher = SHA256()
        func add(_ text: String) {
            hasher.update(data: Data(text.utf8))
            hasher.update(data: Data([0]))
        }
        for (role, boxes) in [("from", [from]), ("to", to), ("cc", cc), ("reply-to", replyTo.map { [$0] } ?? [])] {
            add(role)
            for box in boxes { add(box.name); add(box.email) }
        }
        add(subject); add(text); add(html)
        for attachment in attachments {
            add(attachment.filename); add(attachment.contentType); add(String(attachment.data.count))
            hasher.update(data: attachment.data)
        }
        add(String(date.timeIntervalSince1970))
        add(messageIDDomain)
        return hasher.finalize().hex
    }

    // MARK: - Headers

    private func addressHeader(_ name: String, _ boxes: [Mailbox]) -> [String] {
        var header = HeaderFolder(name)
        for (index, box) in boxes.enumerated() {
            let separator = index == boxes.count - 1 ? "" : ","
            switch MIME.phrase(box.name) {
            case .none:
                header.atom(box.email + separator)
                continue
            case .atoms(let words):
                for word in words { header.atom(word) }
            case .quoted(let quoted):
                header.atom(quoted)
            case .encoded(let text):
                header.encodedPhrase(text)
            }
            header.atom("<" + box.email + ">" + separator)
        }
        return header.lines
    }

    private func subjectHeader() -> [String] {
        var header = HeaderFolder("Subject")
        if let words = MIME.plainWords(subject) {
            for word in words { header.atom(word) }
        } else if !subject.isEmpty {
            header.encodedWords(subject)
        }
        return header.lines
    }

    // MARK: - Body

    private func alternativeBody(boundary: String) -> [String] {
        var lines: [String] = []
        for (type, content) in [("text/plain", text), ("text/html", html)] {
            lines.append("--" + boundary)
            lines.append("Content-Type: \(type); charset=utf-8")
            lines.append("Content-Transfer-Encoding: quoted-printable")
            lines.append("")
            lines += MIME.quotedPrintable(content)
        }
        lines.append("--" + boundary + "--")
        return lines
    }

    private func attachmentPart(_ attachment: MailAttachment) -> [String] {
        var lines: [String] = []
        var contentType = HeaderFolder("Content-Type")
        let segments = attachment.contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let hasName = segments.dropFirst().contains { $0.lowercased().hasPrefix("name=") }
        let nameTokens = hasName ? [] : MIME.parameter("name", attachment.filename)
        for (index, segment) in segments.enumerated() {
            contentType.atom(segment + (index == segments.count - 1 && nameTokens.isEmpty ? "" : ";"))
        }
        for token in nameTokens { contentType.atom(token) }
        lines += contentType.lines
        var disposition = HeaderFolder("Content-Disposition")
        disposition.atom("attachment;")
        for token in MIME.parameter("filename", attachment.filename) { disposition.atom(token) }
        lines += disposition.lines
        lines.append("Content-Transfer-Encoding: base64")
        lines.append("")
        lines += MIME.base64Lines(attachment.data)
        return lines
    }
}

/// Builds one header field, folded so that no line exceeds 78 characters where it can be helped
/// (continuation lines start with a space). Everything appended is ASCII.
struct HeaderFolder {
    static let limit = 78
    private var done: [String] = []
    private var current: String
    /// Whether the header holds anything after its name yet.
    private var started = false

    init(_ name: String) { current = name + ":" }

    var lines: [String] { done + [current] }

    /// An unbreakable token, preceded by a space (or by a line fold when it does not fit). A token
    /// too long for any line stays beside the header name rather than leaving that line empty.
    mutating func atom(_ token: String) {
        if current.utf8.count + 1 + token.utf8.count > Self.limit, started || token.utf8.count + 1 <= Self.limit {
            done.append(current)
            current = ""
        }
        current += " " + token
        started = true
    }

    /// A display name that needs encoding, word by word: plain ASCII words stay atoms and each run of
    /// other words becomes encoded words. Decoders disagree on the space between two adjacent encoded
    /// words in a name (RFC 2047 drops it, Python keeps it), so names never split there unless a run is
    /// too long for one word. Runs of spaces become one space.
    mutating func encodedPhrase(_ text: String) {
        var run: [Substring] = []
        func isPlain(_ word: Substring) -> Bool {
            word.utf8.count <= 70 && !word.contains("=?") && word.unicodeScalars.allSatisfy(MailAddress.isAtext)
        }
        for word in text.split(separator: " ") {
            if isPlain(word) {
                if !run.isEmpty { encodedWords(run.joined(separator: " ")) }
                run = []
                atom(String(word))
            } else {
                run.append(word)
            }
        }
        if !run.isEmpty { encodedWords(run.joined(separator: " ")) }
    }

    /// `text` as RFC 2047 B encoded words (UTF-8), each at most 75 characters and fitting its line,
    /// never splitting a character.
    mutating func encodedWords(_ text: String) {
        var scalars = Substring(text).unicodeScalars[...]
        let overhead = "=?UTF-8?B??=".utf8.count
        while !scalars.isEmpty {
            var room = min(75, Self.limit - current.utf8.count - 1)
            if room < overhead + 8 {
                done.append(current)
                current = ""
                room = min(75, Self.limit - 1)
            }
            let maxBytes = (room - overhead) / 4 * 3
            var chunk: [UInt8] = []
            while let scalar = scalars.first {
                let bytes = Array(String(scalar).utf8)
                if !chunk.isEmpty, chunk.count + bytes.count > maxBytes { break }
                chunk += bytes
                scalars.removeFirst()
            }
            current += " =?UTF-8?B?" + Data(chunk).base64EncodedString() + "?="
            started = true
        }
    }
}

/// The encodings, by hand.
enum MIME {
    /// How a display name is written in an address header.
    enum Phrase: Equatable {
        case none
        case atoms([String])
        case quoted(String)
        case encoded(String)
    }

    static func hasLineBreak(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 == "\r" || $0 == "\n" }
    }

    /// For error messages: CR and LF shown as \r and \n.
    static func printable(_ text: String) -> String {
        text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// The words of `text` when it can be written as is (printable ASCII words, single spaces,
    /// nothing that looks like an encoded word, no word too long to fold); nil when it must be encoded.
    static func plainWords(_ text: String) -> [String]? {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value <= 0x7E }),
              !text.contains("=?") else { return nil }
        let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard words.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 70 }) else { return nil }
        return words
    }

    static func phrase(_ name: String) -> Phrase {
        guard !name.isEmpty else { return .none }
        guard let words = plainWords(name) else { return .encoded(name) }
        if words.allSatisfy({ $0.unicodeScalars.allSatisfy(MailAddress.isAtext) }) { return .atoms(words) }
        let quoted = "\"" + name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        return quoted.utf8.count <= 70 ? .quoted(quoted) : .encoded(name)
    }

    static func checkMailbox(_ box: Mailbox, header: String) throws {
        if hasLineBreak(box.name) {
            throw VigieError(.config, "le nom « \(printable(box.name)) » (\(header) : \(printable(box.email))) contient un retour à la ligne",
                             hint: "Un en-tête de courrier ne peut pas contenir de retour à la ligne (injection d'en-tête) : corrigez Config/recipients.yaml.")
        }
        if hasLineBreak(box.email) {
            throw VigieError(.config, "l'adresse « \(printable(box.email)) » (\(header)) contient un retour à la ligne",
                             hint: "Un en-tête de courrier ne peut pas contenir de retour à la ligne (injection d'en-tête) : corrigez Config/recipients.yaml.")
        }
        guard MailAddress.isPlain(box.email) else {
            throw VigieError(.config, "« \(box.email) » (\(header)) n'est pas une adresse électronique simple (nom@domaine)",
                             hint: "Écrivez l'adresse seule, sans espace, chevrons ni accents ; le nom va dans le champ name de Config/recipients.yaml.")
        }
    }

    /// `type/subtype` followed by `; attribute=value` parameters (token or quoted-string), all printable ASCII.
    static func isContentType(_ text: String) -> Bool {
        guard text.utf8.count <= 200, text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value <= 0x7E }) else { return false }
        func isToken(_ s: Substring) -> Bool {
            !s.isEmpty && s.unicodeScalars.allSatisfy { $0.value > 0x20 && !"()<>@,;:\\\"/[]?=".unicodeScalars.contains($0) }
        }
        let segments = text.split(separator: ";", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces)[...] }
        guard let first = segments.first else { return false }
        let type = first.split(separator: "/", omittingEmptySubsequences: false)
        guard type.count == 2, isToken(type[0]), isToken(type[1]) else { return false }
        return segments.dropFirst().allSatisfy { segment in
            guard let eq = segment.firstIndex(of: "=") else { return false }
            let value = segment[segment.index(after: eq)...]
            let quoted = value.count >= 2 && value.hasPrefix("\"") && value.hasSuffix("\"")
            return isToken(segment[..<eq]) && (isToken(value) || quoted)
        }
    }

    /// A `Content-Type` header of a multipart.
    static func multipartHeader(_ type: String, boundary: String) -> [String] {
        var header = HeaderFolder("Content-Type")
        header.atom(type + ";")
        header.atom("boundary=\"" + boundary + "\"")
        return header.lines
    }

    /// A parameter (`filename`, `name`) as header tokens: a quoted string when printable ASCII,
    /// else RFC 2231 `key*=utf-8''…`, split into `key*0*=`, `key*1*=`… when long.
    static func parameter(_ key: String, _ value: String) -> [String] {
        let quoted = "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        if value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value <= 0x7E }), key.utf8.count + 1 + quoted.utf8.count <= 70 {
            return [key + "=" + quoted]
        }
        let safe = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        let pieces = value.utf8.map { safe.contains($0) ? String(UnicodeScalar($0)) : "%" + [$0].hex.uppercased() }
        let single = key + "*=utf-8''" + pieces.joined()
        if single.utf8.count <= 70 { return [single] }
        var tokens: [String] = []
        var current = ""
        for piece in pieces {
            let prefix = tokens.isEmpty ? key + "*0*=utf-8''" : key + "*\(tokens.count)*="
            if (prefix + current + piece).utf8.count > 66 {
                tokens.append(prefix + current)
                current = ""
            }
            current += piece
        }
        let prefix = tokens.isEmpty ? key + "*0*=utf-8''" : key + "*\(tokens.count)*="
        tokens.append(prefix + current)
        return tokens.enumerated().map { $0.offset == tokens.count - 1 ? $0.element : $0.element + ";" }
    }

    /// Quoted-printable (RFC 2045 §6.7) of UTF-8 text: line ends become CRLF hard breaks, lines
    /// longer than 76 characters get soft breaks (`=`), `=`, non-ASCII bytes, control characters
    /// and whitespace at the end of a line are encoded. Returns the lines, without their CRLF.
    static func quotedPrintable(_ text: String) -> [String] {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var output: [String] = []
        for line in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            let scalars = Array(line.unicodeScalars)
            var tokens: [String] = []
            tokens.reserveCapacity(scalars.count)
            for (index, scalar) in scalars.enumerated() {
                let isLast = index == scalars.count - 1
                let literal: Bool
                switch scalar.value {
                case 0x20, 0x09: literal = !isLast
                case 0x3D: literal = false
                case 0x21...0x7E: literal = !(index == 0 && line.hasPrefix("From ")) // mbox "From " escaping
                default: literal = false
                }
                if literal {
                    tokens.append(String(scalar))
                } else { // one token per byte: a soft break may fall between the bytes of a character
                    tokens += String(scalar).utf8.map { "=" + [$0].hex.uppercased() }
                }
            }
            var current = ""
            var length = 0
            for (index, token) in tokens.enumerated() {
                let limit = index == tokens.count - 1 ? 76 : 75
                let count = token.utf8.count
                if length + count > limit {
                    output.append(current + "=")
                    current = ""
                    length = 0
                }
                current += token
                length += count
            }
            output.append(current)
        }
        return output
    }

    /// Base64 in lines of 76 characters.
    static func base64Lines(_ data: Data) -> [String] {
        let encoded = Array(data.base64EncodedString().utf8)
        return stride(from: 0, to: encoded.count, by: 76).map {
            String(decoding: encoded[$0..<min($0 + 76, encoded.count)], as: UTF8.self)
        }
    }

    /// `Mon, 23 Nov 2026 08:30:00 +0100`: RFC 5322, English names, Europe/Paris offset
    /// (UTC when the time-zone data is missing).
    static func rfc5322Date(_ date: Date) -> String {
        let zone = TimeZone(identifier: "Europe/Paris") ?? TimeZone(secondsFromGMT: 0) ?? TimeZone.current
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let offset = zone.secondsFromGMT(for: date) / 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let day = days[((c.weekday ?? 1) - 1 + 7) % 7]
        let month = months[((c.month ?? 1) - 1 + 12) % 12]
        let sign = offset < 0 ? "-" : "+"
        return "\(day), \(two(c.day ?? 1)) \(month) \(c.year ?? 1970) \(two(c.hour ?? 0)):\(two(c.minute ?? 0)):\(two(c.second ?? 0)) "
            + "\(sign)\(two(abs(offset) / 60))\(two(abs(offset) % 60))"
    }
}
