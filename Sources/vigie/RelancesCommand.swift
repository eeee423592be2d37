import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie relances`: reminders to late partners and to senders of refused files.
struct RelancesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relances",
        abstract: "Relance par courrier les partenaires en retard et ceux dont un fichier a été refusé.",
        discussion: """
            Un message par partenaire en retard (flux, périodes, dates attendues, comment envoyer) et un par fichier refusé \
            (raison, lignes et colonnes en cause, que faire), à l'adresse « contact » de partners.yaml, d'après les modèles \
            Config/templates/relance-retard.txt.mustache et relance-refus.txt.mustache. La même relance n'est pas refaite \
            avant relances: interval_days (settings.yaml, 7 jours par défaut). Un partenaire sans adresse est signalé, \
            à relancer par téléphone. Code de sortie 1 quand un envoi a échoué ou qu'un partenaire n'a pas d'adresse.
            """)

    @OptionGroup var options: StoreOptions

    @Flag(help: "Envoie par la commande sendmail (settings.yaml, ou la variable VIGIE_SENDMAIL).")
    var send = false

    @Option(help: "N'envoie rien : écrit les messages en fichiers .eml dans ce dossier (essai).")
    var outbox: String?

    @Option(help: ArgumentHelp("Jour de référence AAAA-MM-JJ au lieu d'aujourd'hui (essais).", visibility: .hidden))
    var today: String?

    @Flag(help: "Écrit le résultat en JSON.")
    var json = false

    func day() throws -> CivilDate? {
        guard let today else { return nil }
        guard let day = CivilDate(iso: today) else { throw ValidationError("--today « \(today) » : une date AAAA-MM-JJ est attendue.") }
        return day
    }

    func validate() throws {
        _ = try day()
        guard send != (outbox != nil) else { throw ValidationError("Donnez --send ou --outbox DOSSIER (l'un des deux).") }
    }

    func run() throws {
        let useCase = Relances(outgoing: outbox.map { .outbox($0) } ?? .send, today: try day())
        try present(try useCase.run(at: options.location), json: json)
    }
}
