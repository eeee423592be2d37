extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, two digits per byte: how hashes and pseudonyms are written everywhere.
    /// Inlinable so that callers in other modules get it specialized for their byte type: the
    /// generic version cost as much as the HMAC of each pseudonym.
    @inlinable
    public var hex: String {
        var out: [UInt8] = []
        out.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            out.append(hexDigit(byte >> 4))
            out.append(hexDigit(byte & 0x0F))
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The ASCII digit of a value 0…15: "0"…"9", then "a"…"f".
@inlinable @inline(__always)
func hexDigit(_ value: UInt8) -> UInt8 {
    value < 10 ? 0x30 + value : 0x57 + value
}
