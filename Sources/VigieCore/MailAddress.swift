/// What Vigie takes for an e-mail address: a plain addr-spec (RFC 5322 §3.4.1 without quoted local
/// parts or domain literals): a dot-atom, `@`, a domain of ASCII letters, digits and hyphens.
/// `recipients.yaml` is checked with it when read, and every message again when it is built.
public enum MailAddress {
    /// True when `address` is a plain addr-spec of at most 254 bytes, its local part at most 64.
    public static func isPlain(_ address: String) -> Bool {
        guard address.utf8.count <= 254 else { return false }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].utf8.count <= 64 else { return false }
        let local = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard local.allSatisfy({ !$0.isEmpty && $0.unicodeScalars.allSatisfy(isAtext) }) else { return false }
        return isDomain(String(parts[1]))
    }

    /// True for a domain name of ASCII labels (letters, digits, inner hyphens), 63 bytes each, 253 in all.
    public static func isDomain(_ domain: String) -> Bool {
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return domain.utf8.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }
    }

    /// An atext character of RFC 5322 §3.2.3: a letter, a digit or one of ``!#$%&'*+-/=?^_`{|}~``.
    public static func isAtext(_ s: Unicode.Scalar) -> Bool {
        switch s {
        case "a"..."z", "A"..."Z", "0"..."9": return true
        default: return "!#$%&'*+-/=?^_`{|}~".unicodeScalars.contains(s)
        }
    }
}
