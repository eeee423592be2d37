/// Where in a partner's file something was found: file, sheet, row and column, each when known.
public struct SourceLocation: Sendable, Equatable, Codable {
    public var file: String
    public var sheet: String?
    public var row: Int?
    /// Spreadsheet column letter (A, B, … AA), for CSV as for XLSX.
    public var column: String?

    public init(file: String, sheet: String? = nil, row: Int? = nil, column: String? = nil) {
        self.file = file
        self.sheet = sheet
        self.row = row
        self.column = column
    }

    /// "fichier « x.csv », feuille « S », ligne 12, colonne D" in French, for people.
    public var description: String {
        var parts = ["fichier « \(file.shown()) »"]
        if let sheet { parts.append("feuille « \(sheet.shown()) »") }
        if let row { parts.append("ligne \(row)") }
        if let column { parts.append("colonne \(column)") }
        return parts.joined(separator: ", ")
    }
}

/// Spreadsheet column letters: 0 → "A", 25 → "Z", 26 → "AA".
public func columnLetters(_ index: Int) -> String {
    index >= 0 && index < commonColumnLetters.count ? commonColumnLetters[index] : spellColumnLetters(index)
}

/// "A" to "ZZ", spelled once: loads name a source column for each of a million values.
private let commonColumnLetters: [String] = (0..<702).map(spellColumnLetters)

private func spellColumnLetters(_ index: Int) -> String {
    var n = index + 1
    var letters: [Character] = []
    while n > 0 {
        let r = (n - 1) % 26
        letters.append(Character(UnicodeScalar(UInt8(65 + r))))
        n = (n - 1) / 26
    }
    return String(letters.reversed())
}

/// An error meant for people: what went wrong, where, and what to do. Messages are in French.
public struct VigieError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// The configuration in Config/ is wrong.
        case config
        /// A partner file cannot be read or has the wrong structure; the file is refused whole.
        case input
        /// The store cannot be opened or written.
        case store
        /// The command was called wrongly.
        case usage
    }

    public var kind: Kind
    public var location: SourceLocation?
    public var message: String
    public var hint: String?

    public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil, hint: String? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
        self.hint = hint
    }

    public var description: String {
        var text = ""
        if let location { text += location.description + " : " }
        text += message
        if let hint { text += "\n  → " + hint }
        return text
    }
}
