import Foundation

/// A text as a dictionary key, hashed and compared on its UTF-8 bytes. `String` hashes and
/// compares through Unicode normalization whenever a text has an accent, and a load looks up
/// several names per row, a million rows a file. SQLite compares texts byte for byte too: two
/// spellings that only normalization makes equal (« é » composed or not) stay two keys, as in the store.
public struct UTF8Key: Hashable, Sendable {
    public let text: String

    public init(_ text: String) { self.text = text }

    public static func == (a: UTF8Key, b: UTF8Key) -> Bool {
        a.withBytes { x in
            b.withBytes { y in x.count == y.count && (x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0) }
        }
    }

    public func hash(into hasher: inout Hasher) {
        withBytes { hasher.combine(bytes: $0) }
    }

    private func withBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R {
        if let result = text.utf8.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) { return result }
        var copy = text
        return copy.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }
}
