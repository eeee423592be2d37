import Crypto
import Foundation
import VigieCore

/// A keyed HMAC-SHA256 of a value, 16 hex digits: the same value always gives the same pseudonym
/// (so repeats can be counted) and it cannot be reversed without the key. Written with SHA-256 itself
/// (RFC 2104): the inner and outer keyed states are prepared once and copied for each value, and bytes
/// go in through `update(bufferPointer:)` — `HMAC.update(data:)` walked a generic `DataProtocol`
/// (metadata looked up at run time, four times a row), more than the hashing itself.
public struct Pseudonymizer {
    private let inner: SHA256
    private let outer: SHA256

    public init(key: SymmetricKey) {
        // The key, hashed when longer than a block, padded with zeros to one block of 64 bytes.
        var block = key.withUnsafeBytes { bytes in bytes.count > 64 ? Array(SHA256.hash(data: bytes)) : Array(bytes) }
        block += [UInt8](repeating: 0, count: 64 - block.count)
        func keyed(_ pad: UInt8) -> SHA256 {
            var hash = SHA256()
            block.map { $0 ^ pad }.withUnsafeBytes { hash.update(bufferPointer: $0) }
            return hash
        }
        inner = keyed(0x36)
        outer = keyed(0x5C)
    }

    /// The pseudonym of `value`, white space around it ignored.
    public func callAsFunction(_ value: String) -> String {
        var hash = inner
        var trimmed = value.trimmingSpaces
        trimmed.withUTF8 { hash.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        var mac = outer
        hash.finalize().withUnsafeBytes { mac.update(bufferPointer: $0) }
        // Hex of the raw bytes: walking the code as a Sequence cost more than the HMAC itself.
        return mac.finalize().withUnsafeBytes { $0.prefix(8).hex }
    }
}
