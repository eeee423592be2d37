import ArgumentParser
import Foundation
import VigiePipeline

/// `vigie purge`: erases the descriptions older than the retention period, or says what it would erase.
struct PurgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract: "Efface les résumés (texte libre) des faits plus anciens que la durée de conservation ; les faits et les comptages restent.",
        discussion: """
            La durée de conservation est retention_months de settings.yaml (12 mois par défaut) : les résumés des faits \
            datés d'avant aujourd'hui moins cette durée sont effacés. vigie nightly fait la même chose chaque nuit.
            """)

    @OptionGroup var options: StoreOptions

    @Flag(help: "Dit combien de résumés seraient effacés, par partenaire et flux, avec leurs dates, sans rien modifier.")
    var dryRun = false

    func validate() throws {
        // Opening a missing store would create an empty one and report that nothing is old.
        guard FileManager.default.fileExists(atPath: options.databasePath) else {
            throw ValidationError("base introuvable : \(options.databasePath) — donnez --db ou $VIGIE_DB.")
        }
    }

    func run() throws {
        try present(try PurgeDescriptions(dryRun: dryRun).run(at: options.location))
    }
}
