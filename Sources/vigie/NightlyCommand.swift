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

    /// Another run holds the lock.
    static let busyExitCode: Int32 = 3

    func run() throws {
        let inboxURL = URL(fileURLWithPath: inbox).standardizedFileURL
        let parent = inboxURL.deletingLastPathComponent()
        let observatory = try Observatory(configDirectory: options.configURL, databasePath: options.databasePath)
        let nightly = Nightly(observatory, options: .init(
            inbox: inboxURL,
            archive: archive.map { URL(fileURLWithPath: $0) } ?? parent.appendingPathComponent("archive"),
            quarantine: quarantine.map { URL(fileURLWithPath: $0) } ?? parent.appendingPathComponent("quarantine"),
            settleSeconds: settle))
        let result: Nightly.Report
        do {
            result = try nightly.run { FileHandle.standardError.write(Data(("vigie nightly: " + $0 + "\n").utf8)) }
        } catch let busy as RunLock.Busy {
            FileHandle.standardError.write(Data(("vigie nightly: " + busy.description + "\n").utf8))
            throw ExitCode(Self.busyExitCode)
        }
        printOut(result.text)
        if let report {
            let textURL = URL(fileURLWithPath: report)
            let jsonURL = textURL.pathExtension == "json" ? textURL.deletingPathExtension().appendingPathExtension("txt")
                                                          : textURL.deletingPathExtension().appendingPathExtension("json")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try Data(result.text.utf8).write(to: textURL.pathExtension == "json" ? jsonURL : textURL, options: .atomic)
            try encoder.encode(result).write(to: textURL.pathExtension == "json" ? textURL : jsonURL, options: .atomic)
        }
        if result.exitCode != 0 { throw ExitCode(result.exitCode) }
    }
}
