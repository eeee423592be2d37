import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie ingest`: loads partner files for one feed and prints a load report per file.
struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Charge des fichiers d'un partenaire pour un flux, et donne le compte rendu de chacun.",
        discussion: "Code de sortie : 0 si tout est chargé, 1 si des lignes ou des fichiers ont été refusés, 2 en cas d'erreur d'usage ou de configuration.")

    @OptionGroup var options: StoreOptions

    @Option(help: "Identifiant du partenaire (partners.yaml), par ex. police-nationale.")
    var partner: String

    @Option(help: "Identifiant du flux de ce partenaire (partners.yaml), par ex. etat4001.")
    var feed: String

    @Option(help: "Période couverte quand le fichier ne la dit pas (2026-10, 2026, …).")
    var period: String?

    @Flag(help: "Compte rendu en JSON.")
    var json = false

    @Flag(help: "Charge aussi un fichier déjà chargé pour un autre partenaire (mêmes octets), refusé sinon.")
    var force = false

    @Flag(name: .customLong("dry-run"),
          help: "Essai à blanc : lit et vérifie tout, n'enregistre rien ; montre l'en-tête trouvé face aux colonnes attendues, les natures non classées et les lignes rejetées.")
    var dryRun = false

    @Argument(help: "Fichiers à charger (CSV ou XLSX).")
    var files: [String]

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("donnez au moins un fichier à charger.") }
        _ = try parsePeriod(period, option: "--period")
    }

    func run() throws {
        let use = IngestFiles(partner: partner, feed: feed, period: try parsePeriod(period, option: "--period"), files: files,
                              force: force, dryRun: dryRun)
        try present(try use.run(at: options.location), json: json)
    }
}
