import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie extract`: sums from the store, grouped as asked.
struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extrait des sommes de la base, regroupées comme demandé.",
        discussion: """
            Par défaut, un CSV qu'Excel ouvre tel quel : séparateur « ; », UTF-8 avec BOM, en-têtes en \
            français, le nom à côté de chaque code (commune, quartier, secteur, catégorie, partenaire). \
            --format json donne un tableau d'objets pour les scripts : les codes sous les clés period, \
            commune, sector, quartier, category, nature, partner, feed, unit, code, et le nombre sous count.
            """,
        subcommands: [ExtractCountsCommand.self, ExtractIncidentsCommand.self])
}

/// The options both extracts share: which feed or partner, which periods, which format.
struct ExtractOptions: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    @Option(help: "Ne garder qu'un flux (identifiant de partners.yaml).")
    var feed: String?

    @Option(help: "Ne garder qu'un partenaire (identifiant de partners.yaml).")
    var partner: String?

    @Option(help: "Première période incluse (2026, 2026-S1, 2026-01, 2026-W40, 2025-2026).")
    var from: String?

    @Option(help: "Dernière période incluse.")
    var to: String?

    @Option(help: "Format de sortie : csv (pour Excel) ou json (pour les scripts).")
    var format: Format = .csv

    func validate() throws {
        _ = try filter()
    }

    func filter() throws -> ExtractFilter {
        ExtractFilter(partner: partner, feed: feed, from: try parsePeriod(from, option: "--from"),
                      to: try parsePeriod(to, option: "--to"))
    }
}

/// The `--by` help: French names, and the English ones still accepted.
func groupsHelp(_ groups: [ExtractGroup]) -> ArgumentHelp {
    ArgumentHelp("Regroupement, dans l'ordre, séparé par des virgules : \(groups.map(\.rawValue).joined(separator: ", ")) "
                 + "(noms anglais acceptés : \(groups.map(\.machineKey).joined(separator: ", "))).")
}

/// `vigie extract counts`: sums of the current counts, grouped by the `--by` names.
struct ExtractCountsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counts",
        abstract: "Somme des données agrégées en vigueur (hors envois remplacés), regroupées par --by.")

    static let groups: [ExtractGroup] = [.periode, .service, .index, .categorie, .commune, .quartier, .flux, .partenaire]

    @OptionGroup var options: StoreOptions
    @OptionGroup var extract: ExtractOptions

    @Option(help: groupsHelp(groups))
    var by: String = "periode"

    func validate() throws {
        _ = try ExtractGroup.parse(by)
    }

    func run() throws {
        let useCase = ExtractCounts(groups: try ExtractGroup.parse(by), filter: try extract.filter())
        try present(try useCase.run(at: options.location), json: extract.format == .json)
    }
}
