import Foundation
import VigieCore

/// Reads `nomenclature.yaml` and checks that every used 4001 index has exactly one category
/// and that no unused index has one.
enum NomenclatureLoader {
    static func load(_ url: URL, index: [Int: Index4001]) throws -> Nomenclature {
        let doc = try YAMLValue.load(url)
        _ = try doc.mapping(allowed: ["families", "categories", "etat4001"])
        var families: Set<String> = []
        var familyList: [Family] = []
        for f in try doc.optional("families")?.array() ?? [] {
            _ = try f.mapping(allowed: ["id", "label"])
            families.insert(try f.string("id"))
            familyList.append(Family(id: try f.string("id"), label: try f.string("label")))
        }
        var categories: [Category] = []
        for c in try doc.required("categories").array() {
            _ = try c.mapping(allowed: ["id", "label", "family"])
            let id = try c.string("id")
            guard !categories.contains(where: { $0.id == id }) else { throw c.error("catégorie « \(id) » en double") }
            let family = try c.optionalString("family")
            if let family, !families.contains(family) {
                throw try c.required("family").error("famille inconnue « \(family) »", hint: "Déclarez-la sous « families ».")
            }
            categories.append(Category(id: id, label: try c.string("label"), family: family))
        }
        var categoryOf: [Int: String] = [:]
        for (categoryID, list) in try doc.required("etat4001").mapping() {
            guard categories.contains(where: { $0.id == categoryID }) else {
                throw list.error("catégorie inconnue « \(categoryID) »", hint: "Déclarez-la sous « categories ».")
            }
            for item in try list.array() {
                let n = try item.int()
                guard let entry = index[n] else { throw item.error("l'index \(n) n'existe pas (1 à 107)") }
                guard entry.used else { throw item.error("l'index \(n) n'est pas utilisé dans l'état 4001") }
                if let other = categoryOf[n] { throw item.error("l'index \(n) est déjà classé dans « \(other) »") }
                categoryOf[n] = categoryID
            }
        }
        let missing = index.values.filter { $0.used && categoryOf[$0.number] == nil }.map(\.number).sorted()
        guard missing.isEmpty else {
            throw doc.error("index de l'état 4001 sans catégorie : \(missing.map(String.init).joined(separator: ", "))",
                            hint: "Ajoutez-les sous « etat4001 » dans nomenclature.yaml.")
        }
        return Nomenclature(families: familyList, categories: categories, index4001: index, categoryOf4001: categoryOf)
    }
}

/// Reads `etat4001-index.csv` (index, libelle_publie, libelle, utilise), copied from the shared reference.
enum Index4001Loader {
    static func load(_ url: URL) throws -> [Int: Index4001] {
        let name = url.lastPathComponent
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw VigieError(.config, "fichier introuvable ou illisible", at: SourceLocation(file: url.path))
        }
        var result: [Int: Index4001] = [:]
        for (i, line) in text.split(whereSeparator: \.isNewline).enumerated() where i > 0 {
            let fields = splitCommaLine(String(line))
            let at = SourceLocation(file: name, row: i + 1)
            guard fields.count == 4, let n = Int(fields[0]), (1...107).contains(n), let used = Int(fields[3]) else {
                throw VigieError(.config, "ligne illisible (index,libelle_publie,libelle,utilise attendus)", at: at)
            }
            result[n] = Index4001(number: n, publishedLabel: fields[1], label: fields[2], used: used == 1)
        }
        guard result.count == 107 else {
            throw VigieError(.config, "\(result.count) index lus, 107 attendus", at: SourceLocation(file: name))
        }
        return result
    }

    /// Splits one line of a comma-separated file with RFC 4180 quotes (the file has no multi-line field).
    static func splitCommaLine(_ line: String) -> [String] {
        var fields: [String] = []
        var current = ""
        var quoted = false
        var previous: Character?
        for ch in line {
            if ch == "\"" {
                // A quote closes a quoted field; a second quote right after reopens it and stands for itself.
                if quoted { quoted = false } else { if previous == "\"" { current.append("\"") }; quoted = true }
            } else if ch == "," && !quoted {
                fields.append(current)
                current = ""
            } else {
                current.append(ch)
            }
            previous = ch
        }
        fields.append(current)
        return fields
    }
}
