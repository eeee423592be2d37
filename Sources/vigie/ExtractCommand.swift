import Foundation
import ArgumentParser
import VigieCore
import VigiePipeline
import VigieStore

/// `vigie extract`: sums from the store, grouped as asked.
struct Extract: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extrait des sommes de la base, regroupées comme demandé.",
        subcommands: [ExtractCounts.self, ExtractIncidents.self])
}

/// The options both extracts share: which feed or partner, which periods, which format.
struct ExtractFilter: ParsableArguments {
    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    @Option(help: "Ne garder qu'un flux (identifiant de partners.yaml).")
    var feed: String?

    @Option(help: "Ne garder qu'un partenaire.")
    var partner: String?

    @Option(help: "Première période incluse (2026, 2026-S1, 2026-01, 2026-W40, 2025-2026).")
    var from: String?

    @Option(help: "Dernière période incluse.")
    var to: String?

    @Option(help: "Format de sortie : csv ou json.")
    var format: Format = .csv

    func validate() throws {
        _ = try fromPeriod()
        _ = try toPeriod()
    }

    func fromPeriod() throws -> Period? { try parsePeriod(from, option: "--from") }
    func toPeriod() throws -> Period? { try parsePeriod(to, option: "--to") }

    func print(_ table: ExtractTable) throws {
        printOut(format == .csv ? table.csv : try table.json())
    }
}

/// `vigie extract counts`: sums of the current counts, grouped by the `--by` names.
struct ExtractCounts: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "counts",
        abstract: "Somme des données agrégées en vigueur (hors envois remplacés), regroupées par --by.")

    @OptionGroup var options: StoreOptions
    @OptionGroup var filter: ExtractFilter

    @Option(help: "Regroupement, dans l'ordre : \(CountGrouping.allCases.map(\.rawValue).joined(separator: ",")).")
    var by: String = "period"

    func validate() throws {
        _ = try groups()
    }

    func groups() throws -> [CountGrouping] { try parseGroups(by) }

    func run() throws {
        let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
        let groups = try groups()
        let totals = try observatory.store.countTotals(
            by: groups, partner: filter.partner, feed: filter.feed, from: try filter.fromPeriod(), to: try filter.toPeriod())
        try filter.print(ExtractTable(columns: groups.map(\.rawValue), rows: totals.map { ($0.keys, $0.total) }))
    }
}
