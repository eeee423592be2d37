import ArgumentParser
import VigieCore
import VigiePipeline

/// `vigie init`: checks the configuration, creates or upgrades the store, says what it found.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Crée ou met à jour la base, vérifie la configuration et dit ce qu'elle contient.")

    @OptionGroup var options: StoreOptions

    func run() throws {
        let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
        printOut(try InitSummary(observatory).text)
    }
}
