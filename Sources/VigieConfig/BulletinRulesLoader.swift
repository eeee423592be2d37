import Foundation
import VigieCore

/// Reads `bulletins.yaml`: the notability rules of the weekly faits marquants and the levels of
/// the exact test. Categories must exist in the nomenclature and feeds in partners.yaml; counts
/// and days must be at least 1; levels are p-values with 0 < significant ≤ watch < 1.
enum BulletinRulesLoader {
    static func load(_ url: URL, categories: Set<String>, feeds: Set<String>, allFeeds: Set<FeedKey> = []) throws -> BulletinRules {
        guard FileManager.default.fileExists(atPath: url.path) else { return BulletinRules(feeds: feeds) }
        let doc = try YAMLValue.load(url)
        _ = try doc.mapping(allowed: ["weekly", "comparison"])
        let weekly = try doc.required("weekly")
        _ = try weekly.mapping(allowed: ["feeds", "requires", "serious", "repeated", "baseline_weeks"])
        var rules = BulletinRules(feeds: feeds)
        if let list = try weekly.optional("feeds") {
            for item in try list.array() where !feeds.contains(try item.string()) {
                throw item.error("flux inconnu « \(try item.string()) »", hint: "Les flux sont ceux de partners.yaml.")
            }
            rules.feeds = Set(try list.strings())
        }
        for item in try weekly.optional("requires")?.array() ?? [] {
            guard let key = FeedKey(try item.string()), allFeeds.contains(key) else {
                throw item.error("flux inconnu « \(try item.string()) » : partenaire/flux attendu",
                                 hint: "Par exemple police-nationale/faits-marquants ; les flux sont ceux de partners.yaml.")
            }
            rules.requires.append(key)
        }
        if let serious = try weekly.optional("serious") {
            _ = try serious.mapping(allowed: ["weapon", "weapon_used", "categories", "natures"])
            if let weapon = try serious.optional("weapon") {
                switch try weapon.string().lowercased() {
                case "true", "yes", "oui": rules.weaponIsSerious = true
                case "false", "no", "non": rules.weaponIsSerious = false
                default: throw weapon.error("true ou false attendu")
                }
            }
            for item in try serious.optional("categories")?.array() ?? [] where !categories.contains(try item.string()) {
                throw item.error("catégorie inconnue « \(try item.string()) »", hint: "Les catégories sont celles de nomenclature.yaml.")
            }
            rules.seriousCategories = Set(try serious.optional("categories")?.strings() ?? [])
            rules.seriousNatures = Set(try serious.optional("natures")?.strings() ?? [])
            if let used = try serious.optional("weapon_used") {
                _ = try used.mapping(allowed: ["categories", "natures"])
                for item in try used.optional("categories")?.array() ?? [] where !categories.contains(try item.string()) {
                    throw item.error("catégorie inconnue « \(try item.string()) »", hint: "Les catégories sont celles de nomenclature.yaml.")
                }
                rules.weaponUsedCategories = Set(try used.optional("categories")?.strings() ?? [])
                rules.weaponUsedNatures = Set(try used.optional("natures")?.strings() ?? [])
            }
        }
        if let repeated = try weekly.optional("repeated") {
            _ = try repeated.mapping(allowed: ["same_quartier", "same_address"])
            if let q = try repeated.optional("same_quartier") {
                (rules.quartierCount, rules.quartierDays) = try countAndDays(q)
            }
            if let a = try repeated.optional("same_address") {
                (rules.addressCount, rules.addressDays) = try countAndDays(a)
            }
        }
        if let weeks = try weekly.optional("baseline_weeks") {
            rules.baselineWeeks = try positive(weeks)
        }
        if let comparison = try doc.optional("comparison") {
            _ = try comparison.mapping(allowed: ["watch", "significant"])
            let watchValue = try comparison.optional("watch"), significantValue = try comparison.optional("significant")
            let watch = try watchValue.map(probability) ?? rules.levels.watch
            let significant = try significantValue.map(probability) ?? rules.levels.significant
            if significant > watch {
                throw (significantValue ?? comparison).error("le seuil « significant » (\(significant)) dépasse le seuil « watch » (\(watch))",
                                                             hint: "Un changement significatif est d'abord à surveiller : significant ≤ watch.")
            }
            rules.levels = SignificanceLevels(watch: watch, significant: significant)
        }
        return rules
    }

    /// A p-value strictly between 0 and 1, written 0.05 or 0,05.
    private static func probability(_ value: YAMLValue) throws -> Double {
        guard let p = Double(try value.string().replacingOccurrences(of: ",", with: ".")), p > 0, p < 1 else {
            throw value.error("une probabilité strictement comprise entre 0 et 1 est attendue (0.05)")
        }
        return p
    }

    private static func countAndDays(_ value: YAMLValue) throws -> (Int, Int) {
        _ = try value.mapping(allowed: ["count", "days"])
        return (try positive(try value.required("count")), try positive(try value.required("days")))
    }

    private static func positive(_ value: YAMLValue) throws -> Int {
        let n = try value.int()
        guard n >= 1 else { throw value.error("un nombre entier au moins égal à 1 est attendu") }
        return n
    }
}
