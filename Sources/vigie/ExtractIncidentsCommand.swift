import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie extract incidents`: numbers of current incidents, grouped by the `--by` names.
struct ExtractIncidentsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incidents",
        abstract: "Nombre de faits en vigueur (hors envois remplacés), regroupés par --by.")

    static let groups: [ExtractGroup] = [.periode, .commune, .secteur, .quartier, .categorie, .nature, .flux, .partenaire]

    @OptionGroup var options: StoreOptions
    @OptionGroup var extract: ExtractOptions

    @Option(help: groupsHelp(groups))
    var by: String = "periode"

    @Option(help: ArgumentHelp("Longueur des périodes de --by periode : \(ExtractStep.allCases.map(\.rawValue).joined(separator: ", ")) "
                               + "(noms anglais acceptés : \(ExtractStep.allCases.compactMap(\.names.last).joined(separator: ", "))).")
    )
    var step: String = "mois"

    func validate() throws {
        _ = try ExtractGroup.parse(by)
        _ = try ExtractStep.parse(step)
    }

    /// Incidents dated from the first day of `--from` to the last day of `--to`.
    func run() throws {
        let useCase = ExtractIncidents(groups: try ExtractGroup.parse(by), step: try ExtractStep.parse(step), filter: try extract.filter())
        try present(try useCase.run(at: options.location), json: extract.format == .json)
    }
}
