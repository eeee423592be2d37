import Foundation
import VigieCore
import Yams

/// Edits `partners.yaml` from the web pages: a feed's column header or a new nature, changed in the
/// text itself (comments and order kept), checked by loading the configuration again, and written
/// only then, after a timestamped backup beside it.
public enum PartnersFileEdit {
    /// Maps our `field` to the partner's `header` in the feed's `columns` (fields already listed only).
    /// Returns the backup written.
    public static func setColumns(_ headers: [String: String], partner: String, feed: String,
                                  configDirectory: URL, now: Date = Date()) throws -> URL {
        try edit(configDirectory, partner: partner, feed: feed, now: now, expect: { old, new in
            var columns = old
            for (field, header) in headers where old.partner == partner && old.feed == feed { columns.columns[field] = header }
            return new.columns == columns.columns && new.natures == old.natures
        }) { lines, feedNode in
            guard let found = entry(feedNode, "columns") else { throw refusal("le flux n'a pas de « columns » dans partners.yaml") }
            let (key, value) = (found.key, found.value)
            guard case .mapping(let mapping) = value else { throw refusal("« columns » n'est pas une table") }
            for field in headers.keys where !mapping.keys.contains(where: { $0.string == field }) {
                throw refusal("le champ « \(field) » n'est pas dans « columns » du flux")
            }
            let line = try lineIndex(key)
            let (code, comment) = split(lines[line])
            let rest = code.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces)
            if rest.hasPrefix("{") {
                guard rest.hasSuffix("}") else { throw refusal("« columns » s'étend sur plusieurs lignes : modifiez partners.yaml à la main") }
                let pairs = mapping.map { k, v in "\(k.string ?? ""): \(scalar(headers[k.string ?? ""] ?? v.string ?? ""))" }
                let prefix = String(code[..<(code.firstIndex(of: "{") ?? code.endIndex)])
                lines[line] = prefix + "{ " + pairs.joined(separator: ", ") + " }" + comment
            } else if rest.isEmpty {
                for (k, _) in mapping {
                    guard let field = k.string, let header = headers[field] else { continue }
                    let at = try lineIndex(k)
                    let indent = String(lines[at].prefix { $0 == " " })
                    lines[at] = indent + "\(field): \(scalar(header))" + split(lines[at]).comment
                }
            } else {
                throw refusal("« columns » renvoie à une autre table (\(rest)) : modifiez partners.yaml à la main")
            }
        }
    }

    /// Adds `label: category` to the feed's `natures`. A list shared through an alias (`*bailleurs`) is
    /// merged (`<<: *bailleurs`) so that the new nature is this feed's only; a list that defines an
    /// anchor gets the line, and the feeds that share it with it. Returns the backup written.
    public static func addNature(_ label: String, category: String, partner: String, feed: String,
                                 configDirectory: URL, now: Date = Date()) throws -> URL {
        try edit(configDirectory, partner: partner, feed: feed, now: now, expect: { old, new in
            let key = label.matchKey
            let added = new.natures.filter { !old.natures.keys.contains($0.key) }
            let target = old.partner == partner && old.feed == feed
            guard new.columns == old.columns, old.natures.allSatisfy({ new.natures[$0.key] == $0.value }) else { return false }
            return added.isEmpty && !target || added.count == 1 && added.first?.key.matchKey == key && added.first?.value == category
        }) { lines, feedNode in
            guard let found = entry(feedNode, "natures") else {
                throw refusal("le flux n'a pas de liste « natures » dans partners.yaml : ajoutez-la à la main")
            }
            let (key, value) = (found.key, found.value)
            let line = try lineIndex(key)
            let (code, comment) = split(lines[line])
            let indent = String(code.prefix { $0 == " " })
            let rest = code.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces)
            let entryText = "\(scalar(label)): \(category)"
            if rest.hasPrefix("*") {
                lines[line] = indent + "natures:" + comment
                lines.insert(contentsOf: [indent + "  <<: \(rest)", indent + "  " + entryText], at: line + 1)
            } else if rest.isEmpty || rest.hasPrefix("&") {
                guard case .mapping(let mapping) = value, let first = mapping.first?.key, let last = Array(mapping).last?.key,
                      let column = first.mark?.column else { throw refusal("« natures » n'est pas une table") }
                let end = try lineIndex(last)
                lines.insert(String(repeating: " ", count: column - 1) + entryText, at: end + 1)
            } else if rest.hasPrefix("{"), rest.hasSuffix("}") {
                let close = code.lastIndex(of: "}") ?? code.endIndex
                let before = String(code[..<close]).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
                lines[line] = before + (before.hasSuffix("{") ? " " : ", ") + entryText + " }" + comment
            } else {
                throw refusal("« natures » a une forme que Vigie ne sait pas modifier : modifiez partners.yaml à la main")
            }
        }
    }

    /// What a feed maps, compared before and after an edit.
    public struct FeedMaps: Sendable {
        public var partner: String
        public var feed: String
        public var columns: [String: String]
        public var natures: [String: String]
    }

    /// Reads the file, lets `change` edit its lines at the feed's node, checks the result by loading a
    /// configuration with it (every feed's maps must pass `expect`), then backs up and replaces the file.
    static func edit(_ directory: URL, partner: String, feed: String, now: Date, expect: (FeedMaps, FeedMaps) -> Bool,
                     change: (inout [String], Node) throws -> Void) throws -> URL {
        let url = directory.appendingPathComponent("partners.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let old = try Configuration.load(from: directory)
        guard let root = try Yams.compose(yaml: text), let partners = root["partners"]?.sequence else {
            throw refusal("partners.yaml n'a pas la forme attendue")
        }
        func feedNode(_ partner: String, _ feed: String) -> Node? {
            let p = partners.first { $0["id"]?.string == partner }
            return p?["feeds"]?.sequence?.first { $0["id"]?.string == feed }
        }
        guard let node = feedNode(partner, feed) else { throw refusal("flux inconnu : \(partner)/\(feed)") }
        var lines = text.components(separatedBy: "\n")
        try change(&lines, node)
        let newText = lines.joined(separator: "\n")
        let new = try check(newText, directory: directory)
        let before = maps(old), after = maps(new)
        guard before.count == after.count,
              zip(before, after).allSatisfy({ $0.partner == $1.partner && $0.feed == $1.feed && expect($0, $1) }) else {
            throw refusal("la modification changerait autre chose que ce flux : partners.yaml n'a pas été modifié")
        }
        return try replace(url, with: newText, old: text, now: now)
    }

    // MARK: Helpers

    static func maps(_ config: Configuration) -> [FeedMaps] {
        config.partners.flatMap { p in p.feeds.map { FeedMaps(partner: p.id, feed: $0.id, columns: $0.columns, natures: $0.natures) } }
    }

    /// Loads the configuration with `text` as partners.yaml, the other files being the folder's own.
    static func check(_ text: String, directory: URL) throws -> Configuration {
        let fm = FileManager.default
        let trial = fm.temporaryDirectory.appendingPathComponent("vigie-partners-\(UUID().uuidString)")
        try fm.createDirectory(at: trial, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? fm.removeItem(at: trial) }
        for name in try fm.contentsOfDirectory(atPath: directory.path) where name != "partners.yaml" {
            try fm.createSymbolicLink(at: trial.appendingPathComponent(name), withDestinationURL: directory.appendingPathComponent(name))
        }
        try Data(text.utf8).write(to: trial.appendingPathComponent("partners.yaml"))
        do {
            return try Configuration.load(from: trial)
        } catch let error as VigieError {
            throw refusal("la modification rendrait la configuration invalide (\(error.message)) : partners.yaml n'a pas été modifié")
        }
    }

    /// Writes the backup `partners.yaml.AAAAMMJJ-HHMMSS.bak` (the old text), then the new text
    /// through a temporary file renamed over the old one.
    static func replace(_ url: URL, with text: String, old: String, now: Date) throws -> URL {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Europe/Paris")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        var backup = URL(fileURLWithPath: url.path + ".\(formatter.string(from: now)).bak")
        var n = 2
        while FileManager.default.fileExists(atPath: backup.path) {
            backup = URL(fileURLWithPath: url.path + ".\(formatter.string(from: now))-\(n).bak")
            n += 1
        }
        let mode = (try? FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int) ?? 0o644
        try Data(old.utf8).write(to: backup, options: .withoutOverwriting)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".partners.yaml.\(UUID().uuidString).tmp")
        try Data(text.utf8).write(to: temporary)
        try? FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: temporary.path)
        guard rename(temporary.path, url.path) == 0 else {
            try? FileManager.default.removeItem(at: temporary)
            throw VigieError(.config, "impossible de remplacer \(url.path)", hint: "Vérifiez les droits sur le dossier Config/.")
        }
        return backup
    }

    static func entry(_ node: Node, _ key: String) -> (key: Node, value: Node)? {
        node.mapping?.first { $0.key.string == key }
    }

    /// The 0-based line of a node.
    static func lineIndex(_ node: Node) throws -> Int {
        guard let line = node.mark?.line else { throw refusal("position introuvable dans partners.yaml") }
        return line - 1
    }

    /// A line cut into its code and its comment (« # » after a space, outside quotes).
    static func split(_ line: String) -> (code: String, comment: String) {
        var quote: Character?
        var previous: Character = " "
        for index in line.indices {
            let c = line[index]
            if let q = quote { if c == q { quote = nil } } else if c == "\"" || (c == "'" && previous == " ") {
                quote = c
            } else if c == "#", previous == " " {
                let code = String(line[..<index])
                let trimmed = code.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
                return (trimmed, String(line[line.index(index, offsetBy: -(code.count - trimmed.count))...]))
            }
            previous = c
        }
        return (line, "")
    }

    /// A YAML scalar for `text`: plain when it is plainly a text, double-quoted otherwise.
    static func scalar(_ text: String) -> String {
        let allowed = CharacterSet.letters.union(.decimalDigits).union(CharacterSet(charactersIn: " '’-_./()°"))
        let plain = text.first.map { $0.isLetter } == true && text.last != " "
            && text.unicodeScalars.allSatisfy { allowed.contains($0) }
            && !["true", "false", "yes", "no", "null", "on", "off"].contains(text.lowercased())
        if plain { return text }
        var out = "\""
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20 || u.value == 0x7F: out += String(format: "\\u%04X", u.value)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    static func refusal(_ message: String) -> VigieError {
        VigieError(.usage, message)
    }
}
