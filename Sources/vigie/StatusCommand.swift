import ArgumentParser
import VigieCore
import VigiePipeline

/// `vigie status`: the ledger, per partner and feed.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Le registre des envois : par partenaire et par flux, les fichiers reçus, leurs périodes, chiffres et rejets.")

    @OptionGroup var options: StoreOptions

    @Flag(help: "Sortie en JSON.")
    var json = false

    func run() throws {
        let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
        let status = try LedgerStatus(config: observatory.config, store: observatory.store, today: observatory.context.today)
        printOut(json ? try vigieJSON(status) : status.text)
    }
}
