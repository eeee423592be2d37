import Foundation

/// Matching keys for names typed by people: case-, accent- and punctuation-insensitive, so that
/// « Créteil », « CRETEIL » and « creteil » are one key, and so are « Saint-Maur » and « saint maur ».
extension String {
    public var matchKey: String {
        let folded = self.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in folded.unicodeScalars {
            if scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                switch scalar {
                case "œ": out.append(contentsOf: "oe".unicodeScalars)
                case "æ": out.append(contentsOf: "ae".unicodeScalars)
                default: out.append(scalar)
                }
            } else {
                pendingSpace = true
            }
        }
        return String(out)
    }
}
