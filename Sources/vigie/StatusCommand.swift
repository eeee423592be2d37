import ArgumentParser
import VigieCore
import VigiePipeline

/// `vigie status`: what needs doing today, then (with --ledger) the whole ledger.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ce qu'il y a à faire aujourd'hui : envois en retard, fichiers refusés, natures non classées, bulletins à approuver.",
        discussion: "Avec --ledger, le registre complet des envois : par partenaire et par flux, les fichiers reçus, leurs périodes, chiffres et rejets.")

    @OptionGroup var options: StoreOptions

    @Flag(help: "Ajoute le registre complet des envois.")
    var ledger = false

    @Flag(help: "Sortie en JSON (le résumé et le registre complet).")
    var json = false

    func run() throws {
        try present(try ShowStatus(ledger: ledger).run(at: options.location), json: json)
    }
}
