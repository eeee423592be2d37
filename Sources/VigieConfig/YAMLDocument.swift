import Foundation
import VigieCore
import Yams

/// A node of a YAML config file that knows its file and line, so every error can say where.
/// Unknown keys are refused: a typo in a key must not be silently ignored.
struct YAMLValue {
    let node: Node
    let file: String

    /// Parses `url`; a YAML syntax error names the file and the line, in French.
    static func load(_ url: URL) throws -> YAMLValue {
        let name = url.lastPathComponent
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw VigieError(.config, "fichier de configuration introuvable ou illisible",
                             at: SourceLocation(file: url.path), hint: "Vérifiez le dossier donné par --config.")
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw VigieError(.config, "fichier de configuration vide", at: SourceLocation(file: name))
            }
            return YAMLValue(node: node, file: name)
        } catch let error as YamlError {
            throw YAMLSyntaxError.explained(error, text: text, file: name)
        }
    }

    var line: Int? { node.mark?.line }

    func error(_ message: String, hint: String? = nil) -> VigieError {
        VigieError(.config, message, at: SourceLocation(file: file, row: line), hint: hint)
    }

    /// The mapping's entries, merge keys resolved; an error unless this node is a mapping whose
    /// keys are all in `allowed`.
    func mapping(allowed: Set<String>? = nil) throws -> [(key: String, value: YAMLValue)] {
        var out: [(String, YAMLValue)] = []
        for (k, v) in try entries() {
            let key = k.string ?? ""
            if let allowed, !allowed.contains(key) {
                throw YAMLValue(node: k, file: file).error("clé inconnue « \(key) »",
                    hint: "Clés possibles ici : \(allowed.sorted().joined(separator: ", ")).")
            }
            out.append((key, YAMLValue(node: v, file: file)))
        }
        return out
    }

    /// The key itself of an entry of this mapping, to point an error at the key's line.
    func keyNode(_ key: String) -> YAMLValue? {
        guard let entries = try? entries() else { return nil }
        return entries.first { $0.key.string == key }.map { YAMLValue(node: $0.key, file: file) }
    }

    func optional(_ key: String) throws -> YAMLValue? {
        try entries().first { $0.key.string == key }.map { YAMLValue(node: $0.value, file: file) }
    }

    func required(_ key: String) throws -> YAMLValue {
        guard let v = try optional(key) else { throw error("la clé « \(key) » manque") }
        return v
    }

    /// This mapping's entries in order, each merge key (`<<: *anchor`, `<<: [*a, *b]`) replaced by
    /// the entries it merges, per the YAML merge-key spec: a key written in the mapping wins over a
    /// merged one, and a mapping earlier in a merge list wins over a later one.
    private func entries() throws -> [(key: Node, value: Node)] {
        guard case .mapping(let m) = node else { throw error("une table « clé: valeur » est attendue ici") }
        var seen = Set(m.filter { !Self.isMergeKey($0.key) }.map { $0.key.string ?? "" })
        var out: [(key: Node, value: Node)] = []
        for (k, v) in m {
            guard Self.isMergeKey(k) else { out.append((k, v)); continue }
            let merged: [Node]
            switch v {
            case .mapping: merged = [v]
            case .sequence(let s) where s.allSatisfy({ $0.mapping != nil }): merged = Array(s)
            default:
                throw YAMLValue(node: k, file: file).error("la clé de fusion « << » attend une table ou une liste de tables",
                    hint: "Écrivez par exemple « <<: *transport » ou « <<: [*transport, *bailleurs] », l'ancre (&transport) étant posée sur une table « clé: valeur ».")
            }
            for mapping in merged {
                for entry in try YAMLValue(node: mapping, file: file).entries() where seen.insert(entry.key.string ?? "").inserted {
                    out.append(entry)
                }
            }
        }
        return out
    }

    /// The YAML merge key `<<` (a plain scalar, resolved by Yams to the merge tag).
    private static func isMergeKey(_ key: Node) -> Bool {
        key.tag.description == Tag.Name.merge.rawValue
    }

    func array() throws -> [YAMLValue] {
        guard case .sequence(let s) = node else { throw error("une liste est attendue ici") }
        return s.map { YAMLValue(node: $0, file: file) }
    }

    func string() throws -> String {
        guard case .scalar(let s) = node, !s.string.trimmingSpaces.isEmpty else { throw error("un texte non vide est attendu ici") }
        return s.string.trimmingSpaces
    }

    func int() throws -> Int {
        guard case .scalar(let s) = node, let i = Int(s.string.trimmingSpaces) else { throw error("un nombre entier est attendu ici") }
        return i
    }

    func strings() throws -> [String] { try array().map { try $0.string() } }

    func string(_ key: String) throws -> String { try required(key).string() }
    func optionalString(_ key: String) throws -> String? { try optional(key)?.string() }
}
