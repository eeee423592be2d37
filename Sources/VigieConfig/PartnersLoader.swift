import Foundation
import VigieCore

/// Reads `partners.yaml`: partners, their contact, and their feeds with kind, cadence and options.
enum PartnersLoader {
    static func load(_ url: URL) throws -> [Partner] {
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
                feeds.append(try feed(f, partner: id))
                if feeds.dropLast().contains(where: { $0.id == feeds.last?.id }) { throw f.error("flux en double") }
            }
            partners.append(Partner(id: id, name: try p.string("name"), contact: contact, feeds: feeds))
        }
        return partners
    }

    private static func feed(_ f: YAMLValue, partner: String) throws -> Feed {
        _ = try f.mapping(allowed: ["id", "kind", "cadence", "due_day", "units", "max_rejected_rows", "unit"])
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
        return Feed(id: try f.string("id"), partnerID: partner, kind: kind, cadence: cadence, dueDay: dueDay,
                    units: units, maxRejectedRows: maxRejected, unit: try f.optionalString("unit"))
    }
}
