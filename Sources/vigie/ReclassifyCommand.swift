import ArgumentParser
import Foundation
import VigiePipeline

/// `vigie reclassify`: rows loaded « non classé » take the category partners.yaml now gives their nature.
struct ReclassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reclassify",
        abstract: "Classe les lignes déjà chargées « non classé » dont la nature a été ajoutée depuis dans partners.yaml.",
        discussion: """
            Après l'ajout d'une nature sous « natures » d'un flux dans partners.yaml, les faits et les comptages \
            déjà chargés avec cette nature prennent sa catégorie, dans tous les fichiers du flux (en vigueur et \
            remplacés), agrégats compris, en une seule transaction. Chaque reclassement est inscrit dans la base \
            (table reclassification). Relancé sans nouvelle nature, il ne change rien.
            """)

    @OptionGroup var options: StoreOptions

    @Option(help: "Seulement les flux de ce partenaire (identifiant de partners.yaml).")
    var partner: String?

    @Option(help: "Seulement ce flux (identifiant de partners.yaml), chez tous les partenaires qui l'ont, ou chez --partner.")
    var feed: String?

    @Flag(help: "Sortie en JSON.")
    var json = false

    func validate() throws {
        // Opening a missing store would create an empty one and report that nothing changed.
        guard FileManager.default.fileExists(atPath: options.databasePath) else {
            throw ValidationError("base introuvable : \(options.databasePath) — donnez --db ou $VIGIE_DB.")
        }
    }

    func run() throws {
        try present(try Reclassify(partner: partner, feed: feed).run(at: options.location), json: json)
    }
}
