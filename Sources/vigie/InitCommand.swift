import ArgumentParser
import VigieCore
import VigiePipeline

/// `vigie init`: checks the configuration, creates or upgrades the store, says what it found.
struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Crée ou met à jour la base, vérifie la configuration et dit ce qu'elle contient.")

    @OptionGroup var options: StoreOptions

    func run() throws {
        try present(try InitStore().run(at: options.location))
    }
}
