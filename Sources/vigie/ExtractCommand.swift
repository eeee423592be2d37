import Foundation
import ArgumentParser
import VigieCore
import VigiePipeline
import VigieStore

/// `vigie extract`: sums from the store, grouped as asked.
struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extrait des sommes de la base, regroupées comme demandé.",
        subcommands: [ExtractCounts.self])
}

/// `vigie extract counts`: sums of the current counts, grouped by the `--by` names.
struct ExtractCounts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counts",
        abstract: "Somme des données agrégées en vigueur (hors envois remplacés), regroupées par --by.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    @OptionGroup var options: StoreOptions

    @Option(help: "Ne garder qu'un flux (identifiant de partners.yaml).")
    var feed: String?

    @Option(help: "Ne garder qu'un partenaire.")
    var partner: String?

    @Option(help: "Première période incluse (2020, 2026-01, …).")
    var from: String?

    @Option(help: "Dernière période incluse.")
    var to: String?

    @Option(help: "Regroupement, dans l'ordre : \(CountGrouping.allCases.map(\.rawValue).joined(separator: ",")).")
    var by: String = "period"

    @Option(help: "Format de sortie : csv ou json.")
    var format: Format = .csv

    func validate() throws {
        _ = try groups()
        _ = try parsePeriod(from, option: "--from")
        _ = try parsePeriod(to, option: "--to")
    }

    func groups() throws -> [CountGrouping] {
        try by.split(separator: ",").map { name in
            guard let g = CountGrouping(rawValue: name.trimmingCharacters(in: .whitespaces)) else {
                throw ValidationError("--by « \(name) » inconnu : choisissez parmi \(CountGrouping.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return g
        }
    }

    func run() throws {
        let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
        let groups = try groups()
        let totals = try observatory.store.countTotals(
            by: groups, partner: partner, feed: feed,
            from: try parsePeriod(from, option: "--from"), to: try parsePeriod(to, option: "--to"))
        let table = ExtractTable(columns: groups.map(\.rawValue), rows: totals.map { ($0.keys, $0.total) })
        printOut(format == .csv ? table.csv : try table.json())
    }
}
