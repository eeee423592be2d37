import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie nightly`: the unattended load of the inbox, for cron.
struct NightlyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nightly",
        abstract: "Charge ce que les partenaires ont déposé, range les fichiers, signale les retards (pour cron).",
        discussion: """
            Codes de sortie : 0 tout va bien ; 1 des fichiers ou des lignes refusés, ou des envois en retard ;
            2 configuration ou base inutilisable ; 3 une autre exécution tient le verrou (rien n'a été chargé).
            Le journal va sur la sortie d'erreur, le compte rendu sur la sortie standard (et dans --report).
            Avec --relances (ou --relances-outbox DOSSIER), les relances des partenaires partent après le chargement
            (voir vigie relances).
            """)

    @OptionGroup var options: StoreOptions

    @Option(help: "Boîte de dépôt : <partenaire>/<flux>/<fichier>, ou des fichiers reconnus par les motifs de partners.yaml.")
    var inbox: String

    @Option(help: "Archive des fichiers chargés, rangés par contenu (défaut : <inbox>/../archive).")
    var archive: String?

    @Option(help: "Quarantaine des fichiers refusés, avec la raison à côté (défaut : <inbox>/../quarantine).")
    var quarantine: String?

    @Option(help: "Écrit le compte rendu dans ce fichier (texte) et à côté en JSON (même nom, .json).")
    var report: String?

    @Option(help: "Un fichier modifié depuis moins de ces secondes est peut-être en cours d'écriture : il attend la prochaine fois.")
    var settle: Double = 60

    @Flag(help: "Après le chargement, envoie les relances (vigie relances --send).")
    var relances = false

    @Option(help: "Après le chargement, écrit les relances en fichiers .eml dans ce dossier (vigie relances --outbox).")
    var relancesOutbox: String?

    func validate() throws {
        if relances && relancesOutbox != nil { throw ValidationError("Donnez --relances ou --relances-outbox DOSSIER, pas les deux.") }
    }

    func run() throws {
        let inboxURL = URL(fileURLWithPath: inbox).standardizedFileURL
        let parent = inboxURL.deletingLastPathComponent()
        let useCase = NightlyRun(
            options: .init(inbox: inboxURL,
                           archive: archive.map { URL(fileURLWithPath: $0) } ?? parent.appendingPathComponent("archive"),
                           quarantine: quarantine.map { URL(fileURLWithPath: $0) } ?? parent.appendingPathComponent("quarantine"),
                           settleSeconds: settle),
            reportPath: report,
            relances: relancesOutbox.map { .outbox($0) } ?? (relances ? .send : nil),
            log: { FileHandle.standardError.write(Data(("vigie nightly: " + $0 + "\n").utf8)) })
        try present(try useCase.run(at: options.location))
    }
}
