import Crypto
import Foundation
import VigieCore

/// A keyed HMAC-SHA256 of a value, 16 hex digits: the same value always gives the same pseudonym
/// (so repeats can be counted) and it cannot be reversed without the key. The keyed state is
/// prepared once and copied for each value, instead of deriving it from the key on every row.
public struct Pseudonymizer {
    private let keyed: HMAC<SHA256>

    public init(key: SymmetricKey) {
        keyed = HMAC<SHA256>(key: key)
    }

    /// The pseudonym of `value`, white space around it ignored.
    public func callAsFunction(_ value: String) -> String {
        var mac = keyed
        var trimmed = value.trimmingSpaces
        trimmed.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
        // Hex of the raw bytes: walking the code as a Sequence cost more than the HMAC itself.
        return mac.finalize().withUnsafeBytes { $0.prefix(8).hex }
    }
}
