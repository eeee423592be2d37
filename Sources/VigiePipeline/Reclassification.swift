import Foundation
import VigieConfig
import VigieCore
import VigieStore

/// `vigie reclassify`: after a nature is added to a feed's `natures` in partners.yaml, the rows
/// already loaded « non classé » with that nature take its category, in every file of the feed.
public struct Reclassification: Sendable {
    let observatory: Observatory

    public init(_ observatory: Observatory) {
        self.observatory = observatory
    }

    /// What one run changed, and the natures still without a category.
    public struct Outcome: UseCaseResult {
        public var changes: [Reclassified]
        /// Natures of the chosen feeds still « non classé » in current files.
        public var stillUnclassified: [UnclassifiedNature]
        /// The label of each category in `changes` (nomenclature.yaml).
        public var categoryLabels: [String: String]

        public var total: Int { changes.map(\.rows).reduce(0, +) }

        /// The outcome for people, in French: one line per feed and nature reclassified.
        public var text: String {
            var lines: [String] = []
            if changes.isEmpty {
                lines.append("Rien à reclasser : aucune nature chargée « non classé » n'a de catégorie dans partners.yaml. La base n'a pas changé.")
            } else {
                lines.append("Reclassement des natures chargées « non classé » (fichiers en vigueur et remplacés) :")
                for c in changes {
                    lines.append("  \(c.partner)/\(c.feed) : « \(c.nature) » : \(c.rows) ligne(s) → \(categoryLabels[c.category] ?? c.category) (\(c.category))")
                }
                lines.append("\(total) ligne(s) reclassée(s), inscrites au registre des reclassements.")
            }
            if !stillUnclassified.isEmpty {
                lines.append("Natures toujours non classées (à ajouter sous « natures » du flux dans partners.yaml) :")
                for n in stillUnclassified { lines.append("  \(n.partner)/\(n.feed) : « \(n.nature) » (\(n.rows) ligne(s))") }
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Reclassifies the feeds of `partner` and/or named `feed` (every incident and counts feed when
    /// neither is given), in one transaction. An unknown partner or feed is a usage error.
    public func run(partner: String? = nil, feed: String? = nil) throws -> Outcome {
        let config = observatory.config
        let feeds = try Self.feeds(config, partner: partner, feed: feed).filter { $0.kind != .etat4001 }
        // A nature is matched as the adapters match it: its `matchKey` (case, accents, spacing aside).
        var categories: [String: [String: String]] = [:]
        for f in feeds {
            for (label, category) in f.natures { categories["\(f.partnerID)/\(f.id)", default: [:]][label.matchKey] = category }
        }
        let changes = try observatory.store.reclassify(feeds) { feed, nature in
            categories["\(feed.partnerID)/\(feed.id)"]?[nature.matchKey]
        }
        let remaining = try observatory.store.unclassifiedNatures().filter { n in
            feeds.contains { $0.partnerID == n.partner && $0.id == n.feed }
        }
        var labels: [String: String] = [:]
        for c in changes { labels[c.category] = config.nomenclature.category(id: c.category)?.label }
        return Outcome(changes: changes, stillUnclassified: remaining, categoryLabels: labels)
    }

    /// The feeds `--partner` and `--feed` name.
    static func feeds(_ config: Configuration, partner: String?, feed: String?) throws -> [Feed] {
        switch (partner, feed) {
        case let (partner?, feed?):
            return [try config.feed(partner: partner, feed: feed)]
        case let (partner?, nil):
            guard let p = config.partners.first(where: { $0.id == partner }) else {
                throw VigieError(.usage, "partenaire inconnu : « \(partner) »",
                                 hint: "Partenaires de partners.yaml : \(config.partners.map(\.id).joined(separator: ", ")).")
            }
            return p.feeds
        case let (nil, feed?):
            let found = config.partners.flatMap(\.feeds).filter { $0.id == feed }
            guard !found.isEmpty else {
                let ids = Set(config.partners.flatMap(\.feeds).map(\.id)).sorted()
                throw VigieError(.usage, "flux inconnu : « \(feed) »", hint: "Flux de partners.yaml : \(ids.joined(separator: ", ")).")
            }
            return found
        case (nil, nil):
            return config.partners.flatMap(\.feeds)
        }
    }
}

/// `vigie reclassify`: the rows loaded « non classé » of the chosen feeds take the category
/// partners.yaml now gives their nature.
public struct Reclassify: UseCase {
    public var partner: String?
    public var feed: String?

    public init(partner: String?, feed: String?) {
        self.partner = partner
        self.feed = feed
    }

    public func run(_ observatory: Observatory) throws -> Reclassification.Outcome {
        try Reclassification(observatory).run(partner: partner, feed: feed)
    }
}
