import Foundation
import VigieConfig
import VigieCore

/// Finds the files of the inbox and the feed each belongs to: by its folder
/// (`inbox/<partner>/<feed>/…`), else by the file-name patterns feeds declare in
/// `partners.yaml` (`4001_{month}.xlsx`), which can also give the period.
struct InboxScanner {
    struct Candidate {
        var url: URL
        var feed: Feed?
        var period: Period?
        /// Why no feed was found, when none was.
        var problem: String?
        /// Set for a symbolic link or a special file (FIFO, socket, device): what it is, in French.
        /// Such an entry is never opened nor followed, only moved as it is to the quarantine.
        var notAFile: String?
    }

    let config: Configuration
    let inbox: URL

    /// Every entry under the inbox but folders, in path order. Hidden entries, `*.reason.txt` and
    /// partial downloads (`.part`, `.tmp`, `.crdownload`, `~`) are skipped. The walk uses lstat:
    /// it never enters a link to a folder, and reports links and special files as `notAFile`.
    func scan() throws -> [Candidate] {
        guard FileManager.default.fileExists(atPath: inbox.path) else {
            throw VigieError(.usage, "boîte de dépôt introuvable : \(inbox.path)", hint: "Donnez le dossier avec --inbox.")
        }
        let root = inbox.standardizedFileURL.path
        var entries: [(relative: String, kind: FileKind)] = []
        walk(root, relative: nil, into: &entries)
        return entries.sorted { $0.relative < $1.relative }.compactMap { relative, kind in
            let parts = relative.split(separator: "/").map(String.init)
            guard let name = parts.last, !InboxScanner.skipped.contains(where: { name.lowercased().hasSuffix($0) }) else { return nil }
            let path = root + "/" + relative
            var found = candidate(URL(fileURLWithPath: path), parts: parts)
            found.notAFile = kind.refusal(atPath: path)
            return found
        }
    }

    /// Collects the entries under `root/relative` (hidden ones left out), entering real folders only.
    private func walk(_ root: String, relative: String?, into entries: inout [(relative: String, kind: FileKind)]) {
        let folder = relative.map { root + "/" + $0 } ?? root
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where !name.hasPrefix(".") {
            let path = relative.map { $0 + "/" + name } ?? name
            let kind = FileKind(atPath: root + "/" + path)
            if kind == .directory { walk(root, relative: path, into: &entries) } else if kind != .missing { entries.append((path, kind)) }
        }
    }

    static let skipped = [".reason.txt", ".part", ".tmp", ".crdownload", "~"]

    func candidate(_ url: URL, parts: [String]) -> Candidate {
        let name = url.lastPathComponent
        let matches = config.partners.flatMap(\.feeds).compactMap { feed -> (Feed, Period?)? in
            for pattern in feed.patterns { if let m = InboxScanner.match(name, pattern: pattern) { return (feed, m) } }
            return nil
        }
        if parts.count >= 3, let partner = config.partners.first(where: { $0.id == parts[0] }),
           let feed = partner.feeds.first(where: { $0.id == parts[1] }) {
            let period = matches.first { $0.0.partnerID == feed.partnerID && $0.0.id == feed.id }?.1
            return Candidate(url: url, feed: feed, period: period ?? nil)
        }
        if matches.count == 1 { return Candidate(url: url, feed: matches[0].0, period: matches[0].1) }
        if matches.count > 1 {
            return Candidate(url: url, problem: "le nom correspond aux motifs de plusieurs flux (\(matches.map { "\($0.0.partnerID)/\($0.0.id)" }.joined(separator: ", "))) : rangez le fichier dans inbox/<partenaire>/<flux>/")
        }
        return Candidate(url: url, problem: "ni son dossier ni son nom ne désignent un flux : rangez-le dans inbox/<partenaire>/<flux>/ ou déclarez un motif (patterns) du flux dans partners.yaml")
    }

    /// Matches `name` against a pattern such as `4001_{month}.xlsx` (`*` for any text; case
    /// ignored); returns the period a placeholder names (nil when the pattern has none), or nil
    /// when the name does not match.
    static func match(_ name: String, pattern: String) -> Period?? {
        var regex = "^"
        var placeholder: String?
        var rest = Substring(pattern)
        while let c = rest.first {
            if c == "{", let close = rest.firstIndex(of: "}") {
                let key = String(rest[rest.index(after: rest.startIndex)..<close])
                guard let group = placeholders[key] else { return nil }
                regex += "(" + group + ")"
                placeholder = key
                rest = rest[rest.index(after: close)...]
            } else {
                regex += c == "*" ? ".*" : NSRegularExpression.escapedPattern(for: String(c))
                rest = rest.dropFirst()
            }
        }
        regex += "$"
        guard let expression = try? NSRegularExpression(pattern: regex, options: [.caseInsensitive]),
              let m = expression.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) else { return nil }
        guard placeholder != nil, m.numberOfRanges > 1, let r = Range(m.range(at: 1), in: name) else { return .some(nil) }
        let text = name[r].uppercased()
        return .some(Period(text))
    }

    static let placeholders = [
        "month": #"\d{4}-\d{2}"#, "week": #"\d{4}-[Ww]\d{2}"#, "year": #"\d{4}"#,
        "semester": #"\d{4}-[Ss][12]"#, "school_year": #"\d{4}-\d{4}"#,
    ]
}
