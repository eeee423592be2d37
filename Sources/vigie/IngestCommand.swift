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
        let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
        let period = try parsePeriod(period, option: "--period")
        if dryRun {
            let reports = try files.map { try observatory.dryRun(URL(fileURLWithPath: $0), partner: partner, feed: feed, period: period, force: force) }
            printOut(json ? try vigieJSON(reports) : reports.map(\.text).joined(separator: "\n"))
            if !reports.allSatisfy({ $0.load.status == .loaded && $0.load.rejects.isEmpty }) { throw ExitCode(1) }
            return
        }
        var reports: [IngestReport] = []
        for file in files {
            let result = try observatory.ingest(URL(fileURLWithPath: file), partner: partner, feed: feed, period: period, force: force)
            let report = IngestReport(result)
            if !json { printOut(report.text) }
            reports.append(report)
        }
        if json { printOut(try vigieJSON(reports)) }
        let clean = reports.allSatisfy { $0.status == .loaded && $0.rowsRejected == 0 && $0.rejects.isEmpty || $0.status == .alreadyLoaded }
        if !clean { throw ExitCode(1) }
    }
}
