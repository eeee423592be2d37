import Foundation
import VigieCore

/// Reads `partners.yaml`: partners, their contact, and their feeds with kind, cadence and options.
enum PartnersLoader {
    static func load(_ url: URL, categories: Set<String>, communes: Set<String>) throws -> [Partner] {
        let doc = try YAMLValue.load(url)
        _ = try doc.mapping(allowed: ["partners"])
        var partners: [Partner] = []
        for p in try doc.required("partners").array() {
            _ = try p.mapping(allowed: ["id", "name", "contact", "feeds"])
            let id = try p.string("id")
            guard !partners.contains(where: { $0.id == id }) else { throw p.error("partenaire « \(id) » en double") }
            var contact: Contact?
            if let c = try p.optional("contact") {
                _ = try c.mapping(allowed: ["name", "email", "phone"])
                contact = Contact(name: try c.optionalString("name"), email: try c.optionalString("email"),
                                  phone: try c.optionalString("phone"))
            }
            var feeds: [Feed] = []
            for f in try p.required("feeds").array() {
                feeds.append(try feed(f, partner: id, categories: categories, communes: communes))
                if feeds.dropLast().contains(where: { $0.id == feeds.last?.id }) { throw f.error("flux en double") }
            }
            partners.append(Partner(id: id, name: try p.string("name"), contact: contact, feeds: feeds))
        }
        return partners
    }

    private static func feed(_ f: YAMLValue, partner: String, categories: Set<String>, communes: Set<String>) throws -> Feed {
        _ = try f.mapping(allowed: ["id", "kind", "cadence", "due_day", "units", "max_rejected_rows", "unit", "columns",
                                    "natures", "drop", "hmac", "hmac_key", "keep", "commune", "layout", "unit_kind", "since", "patterns",
                                    "read_hidden_sheets", "duplicates"])
        let kindText = try f.string("kind")
        guard let kind = FeedKind(rawValue: kindText) else {
            throw try f.required("kind").error("type de flux inconnu « \(kindText) »",
                hint: "Types possibles : \(FeedKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let cadenceText = try f.string("cadence")
        guard let cadence = Cadence(rawValue: cadenceText) else {
            throw try f.required("cadence").error("cadence inconnue « \(cadenceText) »",
                hint: "Cadences possibles : \(Cadence.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let dueDay = try f.optional("due_day")?.int()
        if let dueDay, !(1...28).contains(dueDay) {
            throw try f.required("due_day").error("jour d'échéance \(dueDay) hors de 1 à 28")
        }
        var units = UnitPolicy.territory
        if let u = try f.optional("units") {
            guard let policy = UnitPolicy(rawValue: try u.string()) else {
                throw u.error("valeur inconnue pour units", hint: "territory ou any.")
            }
            units = policy
        }
        let maxRejected = try f.optional("max_rejected_rows")?.int()
        if let maxRejected, maxRejected < 0 { throw try f.required("max_rejected_rows").error("nombre négatif") }
        var columns: [String: String] = [:]
        for (field, header) in try f.optional("columns")?.mapping() ?? [] {
            let known = kind == .incidents ? incidentFields : countFields
            guard known.contains(field) else {
                throw header.error("champ inconnu « \(field) » dans columns", hint: "Champs possibles : \(known.sorted().joined(separator: ", ")).")
            }
            columns[field] = try header.string()
        }
        var natures: [String: String] = [:]
        for (label, category) in try f.optional("natures")?.mapping() ?? [] {
            let id = try category.string()
            guard categories.contains(id) else {
                throw category.error("catégorie inconnue « \(id) » pour « \(label) »", hint: "Les catégories sont celles de nomenclature.yaml.")
            }
            natures[label] = id
        }
        if let c = try f.optional("commune"), !communes.contains(try c.string()) {
            throw c.error("commune inconnue « \(try c.string()) » (code INSEE de territory.yaml attendu)")
        }
        let hmac = try f.optional("hmac")?.strings() ?? []
        var hmacKey: SecretSource?
        if let k = try f.optional("hmac_key") {
            _ = try k.mapping(allowed: ["env", "file"])
            if let env = try k.optionalString("env") { hmacKey = .environment(env) }
            else if let file = try k.optionalString("file") { hmacKey = .file(file) }
            else { throw k.error("hmac_key attend « env: NOM_DE_VARIABLE » ou « file: chemin »") }
        }
        if !hmac.isEmpty && hmacKey == nil {
            throw try f.required("hmac").error("hmac sans hmac_key", hint: "Dites où est la clé : « hmac_key: { env: VIGIE_HMAC_KEY } ». Jamais la clé elle-même.")
        }
        var layout: CountLayout?
        if let l = try f.optional("layout") {
            guard let value = CountLayout(rawValue: try l.string()) else { throw l.error("layout : long ou wide") }
            layout = value
        }
        var unitKind: UnitKind?
        if let u = try f.optional("unit_kind") {
            guard let value = UnitKind(rawValue: try u.string()) else {
                throw u.error("unit_kind inconnu", hint: "Valeurs possibles : \(UnitKind.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            unitKind = value
        }
        var since: Period?
        if let p = try f.optional("since") {
            guard let value = Period(try p.string()) else { throw p.error("période illisible (ex. 2024-01)") }
            since = value
        }
        var feed = Feed(id: try f.string("id"), partnerID: partner, kind: kind, cadence: cadence, dueDay: dueDay,
                    units: units, maxRejectedRows: maxRejected, unit: try f.optionalString("unit"),
                    columns: columns, natures: natures, drop: try f.optional("drop")?.strings() ?? [], hmac: hmac,
                    hmacKey: hmacKey, keep: try f.optional("keep")?.strings() ?? [], commune: try f.optionalString("commune"),
                    layout: layout, unitKind: unitKind, since: since, patterns: try f.optional("patterns")?.strings() ?? [])
        // A pattern's placeholder gives the file's period: it must have the feed's cadence.
        let placeholderPeriods: [String: Period] = ["{month}": .month(2026, 1), "{week}": .isoWeek(2026, 1), "{year}": .year(2026),
                                                    "{semester}": .semester(2026, 1), "{school_year}": .schoolYear(2025)]
        for pattern in feed.patterns {
            for (placeholder, example) in placeholderPeriods where pattern.contains(placeholder) && feed.mismatch(example) != nil {
                throw try f.required("patterns").error("le motif « \(pattern) » donne la période par \(placeholder), mais le flux attend \(cadence.expected)")
            }
        }
        if let hidden = try f.optional("read_hidden_sheets") {
            switch try hidden.string() {
            case "true", "oui", "yes": feed.readHiddenSheets = true
            case "false", "non", "no": feed.readHiddenSheets = false
            default: throw hidden.error("read_hidden_sheets : true ou false")
            }
        }
        if let d = try f.optional("duplicates") {
            guard let policy = DuplicatePolicy(rawValue: try d.string()) else {
                throw d.error("duplicates : reject (les deux valeurs rejetées, le reste chargé) ou refuse (fichier refusé)")
            }
            feed.duplicates = policy
        }
        return feed
    }

    static let incidentFields: Set<String> = [
        "date", "time", "commune", "area", "place", "address", "lon", "lat", "nature", "description",
        "weapon", "target", "follow_up", "line", "channel", "reference",
    ]
    static let countFields: Set<String> = ["period", "unit", "nature", "value"]
}
