import Foundation

/// What an `XMLPushParser` reports, in document order.
protocol XMLEventHandler: AnyObject {
    /// An element opens. `name` is the local name (any `x:` prefix removed); attributes keep their
    /// qualified names (`r:id`) and decoded values.
    func start(_ name: String, attributes: [(name: String, value: String)]) throws
    /// An element closes (also sent right after `start` for `<a/>`).
    func end(_ name: String) throws
    /// Character data between tags, entities decoded. May arrive in several pieces.
    func text(_ text: String) throws
}

/// A small streaming XML parser for the parts of an Office Open XML package: bytes are pushed in
/// chunks and events come out as soon as a token is complete, so memory stays at one chunk plus
/// one token. It checks that tags nest and refuses DOCTYPE declarations (no entity expansion, so
/// no "billion laughs"). It is not a general XML parser: no namespaces beyond dropping prefixes,
/// UTF-8 only, which is what spreadsheet writers produce.
final class XMLPushParser {
    /// Reasons a part is refused.
    enum Failure: Error, Equatable {
        case malformed(String)
        case doctype
        case notUTF8
    }

    private unowned let handler: XMLEventHandler
    private var buffer: [UInt8] = []
    private var open: [String] = []
    private var sawRoot = false
    private var atStart = true
    /// The buffer size at which an incomplete token is looked at again: twice its size when last looked at,
    /// so that a huge token is scanned a few times in all, not once per chunk.
    private var retryAt = 0
    /// The largest single token (a tag or a run of text) accepted, 32 MiB, so that a hostile part cannot make
    /// the buffer grow without bound.
    static let maxTokenBytes = 32 << 20
    /// The deepest nesting of elements accepted (spreadsheet parts nest about ten deep): each open element is
    /// remembered, so a part of millions of `<a>` would otherwise fill memory.
    static let maxDepth = 256

    init(handler: XMLEventHandler) {
        self.handler = handler
    }

    /// Parses what it can of `chunk`, keeping an incomplete last token for the next call.
    func feed(_ chunk: Data) throws {
        if atStart {
            buffer.append(contentsOf: chunk)
            if buffer.count < 3 { return }
            if (buffer[0] == 0xFF && buffer[1] == 0xFE) || (buffer[0] == 0xFE && buffer[1] == 0xFF) { throw Failure.notUTF8 }
            if buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { buffer.removeFirst(3) }
            atStart = false
        } else {
            buffer.append(contentsOf: chunk)
        }
        if buffer.count < retryAt, buffer.count <= Self.maxTokenBytes { return }
        try drain(final: false)
        retryAt = 2 * buffer.count
    }

    /// Parses the rest and checks the document is complete.
    func finish() throws {
        atStart = false
        try drain(final: true)
        if !open.isEmpty { throw Failure.malformed("élément <\(open.last!)> non fermé") }
        if !sawRoot { throw Failure.malformed("document vide") }
    }

    private func drain(final: Bool) throws {
        var i = 0
        let count = buffer.count
        try buffer.withUnsafeBufferPointer { bytes in
            while i < count {
                if bytes[i] == UInt8(ascii: "<") {
                    guard let next = try token(bytes, at: i) else { break }
                    i = next
                } else {
                    var j = i
                    while j < count, bytes[j] != UInt8(ascii: "<") { j += 1 }
                    if j == count, !final { break }
                    if !open.isEmpty {
                        try handler.text(try Self.decode(bytes, i, j))
                    } else if bytes[i..<j].contains(where: { !Self.isSpace($0) }) {
                        throw Failure.malformed("texte hors de l'élément racine")
                    }
                    i = j
                }
            }
        }
        if i > 0 { buffer.removeFirst(i) }
        if buffer.count > Self.maxTokenBytes { throw Failure.malformed("élément ou texte démesuré") }
        if final, !buffer.isEmpty { throw Failure.malformed("fin de document au milieu d'une balise") }
    }

    /// Handles the markup starting at `i`; returns the index after it, or nil when it is incomplete.
    private func token(_ b: UnsafeBufferPointer<UInt8>, at i: Int) throws -> Int? {
        let n = b.count
        guard i + 1 < n else { return nil }
        switch b[i + 1] {
        case UInt8(ascii: "?"):
            guard let end = Self.find(b, from: i + 2, "?>") else { return nil }
            return end + 2
        case UInt8(ascii: "!"):
            if Self.hasPrefix(b, at: i, "<!--") {
                guard let end = Self.find(b, from: i + 4, "-->") else { return nil }
                return end + 3
            }
            if Self.hasPrefix(b, at: i, "<![CDATA[") {
                guard let end = Self.find(b, from: i + 9, "]]>") else { return nil }
                guard !open.isEmpty else { throw Failure.malformed("CDATA hors de l'élément racine") }
                try handler.text(String(decoding: UnsafeBufferPointer(rebasing: b[(i + 9)..<end]), as: UTF8.self))
                return end + 3
            }
            if i + 9 > n { return nil }
            if Self.hasPrefix(b, at: i, "<!DOCTYPE") { throw Failure.doctype }
            throw Failure.malformed("déclaration inconnue")
        case UInt8(ascii: "/"):
            guard let end = Self.tagEnd(b, from: i + 2) else { return nil }
            let name = Self.localName(String(decoding: UnsafeBufferPointer(rebasing: b[(i + 2)..<end]), as: UTF8.self).trimmingSpaces)
            guard let top = open.popLast(), top == name else {
                throw Failure.malformed("balise fermante </\(name)> inattendue")
            }
            try handler.end(name)
            return end + 1
        default:
            guard let end = Self.tagEnd(b, from: i + 1) else { return nil }
            let selfClosing = b[end - 1] == UInt8(ascii: "/")
            let (name, attributes) = try Self.parseTag(b, from: i + 1, to: selfClosing ? end - 1 : end)
            if open.isEmpty {
                if sawRoot { throw Failure.malformed("deux éléments racines") }
                sawRoot = true
            }
            try handler.start(name, attributes: attributes)
            if selfClosing { try handler.end(name) } else {
                guard open.count < Self.maxDepth else { throw Failure.malformed("éléments imbriqués sur plus de \(Self.maxDepth) niveaux") }
                open.append(name)
            }
            return end + 1
        }
    }

    /// The name and attributes of a start tag between `from` and `to` (exclusive).
    private static func parseTag(_ b: UnsafeBufferPointer<UInt8>, from: Int, to: Int) throws
        -> (String, [(name: String, value: String)]) {
        var i = from
        while i < to, !isSpace(b[i]) { i += 1 }
        guard i > from else { throw Failure.malformed("balise sans nom") }
        let name = localName(String(decoding: UnsafeBufferPointer(rebasing: b[from..<i]), as: UTF8.self))
        var attributes: [(name: String, value: String)] = []
        while true {
            while i < to, isSpace(b[i]) { i += 1 }
            if i >= to { break }
            let nameStart = i
            while i < to, b[i] != UInt8(ascii: "="), !isSpace(b[i]) { i += 1 }
            let attributeName = String(decoding: UnsafeBufferPointer(rebasing: b[nameStart..<i]), as: UTF8.self)
            while i < to, isSpace(b[i]) { i += 1 }
            guard i < to, b[i] == UInt8(ascii: "=") else { throw Failure.malformed("attribut \(attributeName) sans valeur") }
            i += 1
            while i < to, isSpace(b[i]) { i += 1 }
            guard i < to, b[i] == UInt8(ascii: "\"") || b[i] == UInt8(ascii: "'") else {
                throw Failure.malformed("valeur d'attribut sans guillemets")
            }
            let quote = b[i]
            i += 1
            let valueStart = i
            while i < to, b[i] != quote { i += 1 }
            guard i < to else { throw Failure.malformed("valeur d'attribut non terminée") }
            attributes.append((attributeName, try decode(b, valueStart, i)))
            i += 1
        }
        return (name, attributes)
    }

    /// The index of the `>` closing a tag that starts at `from`, skipping quoted attribute values.
    private static func tagEnd(_ b: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var quote: UInt8 = 0
        var i = from
        while i < b.count {
            let c = b[i]
            if quote != 0 {
                if c == quote { quote = 0 }
            } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                quote = c
            } else if c == UInt8(ascii: ">") {
                return i
            }
            i += 1
        }
        return nil
    }

    /// Text between `from` and `to` with the five predefined entities and character references decoded.
    private static func decode(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) throws -> String {
        let slice = UnsafeBufferPointer(rebasing: b[from..<to])
        guard slice.contains(UInt8(ascii: "&")) else { return String(decoding: slice, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(slice.count)
        var i = from
        while i < to {
            guard b[i] == UInt8(ascii: "&") else { out.append(b[i]); i += 1; continue }
            var j = i + 1
            while j < to, b[j] != UInt8(ascii: ";"), j - i < 12 { j += 1 }
            guard j < to, b[j] == UInt8(ascii: ";") else { throw Failure.malformed("entité non terminée") }
            let entity = String(decoding: UnsafeBufferPointer(rebasing: b[(i + 1)..<j]), as: UTF8.self)
            switch entity {
            case "lt": out.append(UInt8(ascii: "<"))
            case "gt": out.append(UInt8(ascii: ">"))
            case "amp": out.append(UInt8(ascii: "&"))
            case "quot": out.append(UInt8(ascii: "\""))
            case "apos": out.append(UInt8(ascii: "'"))
            default:
                let value: UInt32?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    value = UInt32(entity.dropFirst(2), radix: 16)
                } else if entity.hasPrefix("#") {
                    value = UInt32(entity.dropFirst(), radix: 10)
                } else {
                    value = nil
                }
                guard let value, let scalar = Unicode.Scalar(value) else { throw Failure.malformed("entité inconnue &\(entity);") }
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            i = j + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func localName(_ qualified: String) -> String {
        guard let colon = qualified.lastIndex(of: ":") else { return qualified }
        return String(qualified[qualified.index(after: colon)...])
    }

    private static func isSpace(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D
    }

    private static func hasPrefix(_ b: UnsafeBufferPointer<UInt8>, at i: Int, _ prefix: StaticString) -> Bool {
        let p = UnsafeBufferPointer(start: prefix.utf8Start, count: prefix.utf8CodeUnitCount)
        guard i + p.count <= b.count else { return false }
        for k in 0..<p.count where b[i + k] != p[k] { return false }
        return true
    }

    private static func find(_ b: UnsafeBufferPointer<UInt8>, from: Int, _ needle: StaticString) -> Int? {
        let p = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        var i = from
        while i + p.count <= b.count {
            if b[i] == p[0], hasPrefix(b, at: i, needle) { return i }
            i += 1
        }
        return nil
    }
}
