import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline
import VigieStore

/// `vigie extract incidents`: numbers of current incidents, grouped by the `--by` names.
struct ExtractIncidents: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "Nombre de faits en vigueur (hors envois remplacés), regroupés par --by.")

    @OptionGroup var options: StoreOptions
    @OptionGroup var filter: ExtractFilter

    @Option(help: "Regroupement, dans l'ordre : \(IncidentGrouping.allCases.map(\.rawValue).joined(separator: ",")).")
    var by: String = "period"

    @Option(help: "Longueur des périodes de --by period : \(PeriodStep.allCases.map(\.rawValue).joined(separator: ", ")).")
    var step: String = "month"

    func validate() throws {
        _ = try groups()
        guard PeriodStep(rawValue: step) != nil else {
            throw ValidationError("--step « \(step) » inconnu : \(PeriodStep.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }

    func groups() throws -> [IncidentGrouping] { try parseGroups(by) }

    /// Incidents dated from the first day of `--from` to the last day of `--to`.
    func run() throws {
        let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
        let groups = try groups()
        let totals = try observatory.store.incidentTotals(
            by: groups, step: PeriodStep(rawValue: step) ?? .month, partner: filter.partner, feed: filter.feed,
            from: try filter.fromPeriod()?.start, to: try filter.toPeriod()?.end)
        try filter.print(ExtractTable(columns: groups.map(\.rawValue), rows: totals.map { ($0.keys, $0.total) }))
    }
}
