import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie diagnostic`: one area, theme and period, for an elected official.
struct DiagnosticCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diagnostic", abstract: "Diagnostic d'un quartier ou d'une commune, d'un thème, sur une période.")

    @OptionGroup var options: StoreOptions
    @OptionGroup var output: OutputOptions

    @Option(help: "Quartier (identifiant, nom ou alias de territory.yaml, par exemple cre-mont-mesly ou « Mont-Mesly »).")
    var quartier: String?

    @Option(help: "Commune (code INSEE, nom ou alias).")
    var commune: String?

    @Option(help: "Une catégorie de nomenclature.yaml (par exemple incendies) ; par défaut, toutes.")
    var category: String?

    @Option(help: "Première période incluse (mois, semestre ou année : 2026-01, 2026-S1, 2026).")
    var from: String

    @Option(help: "Dernière période incluse.")
    var to: String

    func validate() throws {
        guard (quartier == nil) != (commune == nil) else {
            throw ValidationError("Donnez --quartier ou --commune (l'un des deux).")
        }
        _ = try parsePeriod(from, option: "--from")
        _ = try parsePeriod(to, option: "--to")
    }

    func run() throws {
        guard let from = try parsePeriod(from, option: "--from"), let to = try parsePeriod(to, option: "--to") else { return }
        let place = quartier.map { "quartier:" + $0 } ?? "commune:" + (commune ?? "")
        try output.write(options, .diagnostic(place: place, category: category, from: from, to: to))
    }
}
