import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline
import VigieStore

/// `vigie demo`: builds a fresh store from SampleData/ and prints what it did.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Construit une base de démonstration à partir de SampleData/ et dit ce qu'elle a fait.")

    @Option(name: .customLong("config"), help: "Dossier de configuration (défaut : $VIGIE_CONFIG, sinon ./Config).")
    var config: String?

    @Option(help: "Dossier où écrire la base et les produits de la démonstration.")
    var out: String = "demo"

    @Option(help: "Dossier des fichiers d'exemple, rangés en <partenaire>/<flux>/<fichier>.")
    var sampleData: String = "SampleData"

    @Flag(help: "Écrit aussi chaque bulletin en PDF à côté du HTML, avec Chromium sans interface (apt-get install chromium).")
    var pdf = false

    func run() throws {
        let outURL = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let dbPath = outURL.appendingPathComponent("vigie.sqlite").path
        // A fresh store each time: only the store's own files are removed.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dbPath + suffix) }
        let configURL = URL(fileURLWithPath: config ?? ProcessInfo.processInfo.environment["VIGIE_CONFIG"] ?? "Config")
        if let keyFile = try VigiePipeline.Demo.provideHMACKey(in: outURL) {
            printOut("Clé HMAC de démonstration créée : \(keyFile.path) (en service, la clé vient de VIGIE_HMAC_KEY).")
        }
        let observatory = try Observatory(configDirectory: configURL, databasePath: dbPath)
        let reports = try VigiePipeline.Demo.run(observatory, sampleData: URL(fileURLWithPath: sampleData), say: printOut)

        let loaded = reports.filter { $0.status == .loaded }.count
        let refused = reports.filter { $0.status == .refused || $0.status == .unreadable }.count
        printOut("")
        printOut("Bilan : \(reports.count) fichier(s), \(loaded) chargé(s), \(refused) refusé(s), \(reports.map(\.rowsRejected).reduce(0, +)) ligne(s) rejetée(s).")
        let status = try LedgerStatus(config: observatory.config, store: observatory.store, today: observatory.context.today)
        printOut("")
        printOut(status.completeness.text)
        if !status.unclassifiedNatures.isEmpty {
            printOut("\nNatures non classées (à ajouter sous « natures » du flux dans partners.yaml) :")
            for n in status.unclassifiedNatures { printOut("  \(n.partner)/\(n.feed) : « \(n.nature.shown()) » (\(n.rows) ligne(s))") }
        }
        let byCommune = try observatory.store.countTotals(by: [.commune, .period], feed: "etat4001", from: .year(2026), to: .year(2026))
        printOut("\nÉtat 4001 de 2026 par commune et mois :")
        printOut(ExtractTable(columns: ["commune", "period"], rows: byCommune.map { ($0.keys, $0.total) }).csv)
        // The demo's bulletins folder is its own output: rewritten whole, so no stale file stays.
        let bulletinsURL = outURL.appendingPathComponent("bulletins")
        try? FileManager.default.removeItem(at: bulletinsURL)
        let files = try VigiePipeline.Demo.writeBulletins(observatory, out: bulletinsURL)
        printOut("\nBase de démonstration : \(dbPath)")
        printOut("Essayez : vigie status --db \(dbPath)")
        printOut("          vigie extract counts --db \(dbPath) --by period,commune --from 2026-01 --to 2026-10")
        printOut("          vigie bulletin monthly --db \(dbPath) --month 2026-09 --out \(out)/bulletins")
        printOut("\nBulletins écrits (faits marquants 2026-W47, mensuel 2026-10, semestre 2026-S1, un diagnostic) :")
        for file in files where file.pathExtension == "html" || file.pathExtension == "md" { printOut("  \(file.path)") }
        if pdf {
            for file in files where file.pathExtension == "html" { printOut("  \(try PDFExport.write(file).path)") }
        }
        printOut("  et \(files.filter { $0.pathExtension == "csv" }.count) tableau(x) CSV à côté des bulletins.")

        let requestsURL = outURL.appendingPathComponent("demandes"), outboxURL = outURL.appendingPathComponent("envois")
        try? FileManager.default.removeItem(at: requestsURL)
        try? FileManager.default.removeItem(at: outboxURL)
        let (created, fulfilled) = try VigiePipeline.Demo.sampleRequest(observatory, out: requestsURL, outbox: outboxURL)
        printOut("\nDemande de données \(created.request.id) (\(created.requesterName) : \(created.request.purpose)), traitée de bout en bout :")
        printOut(try RequestShow(id: created.request.id).run(observatory).text.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        printOut("Paquet : \(fulfilled.folder)")
        for file in fulfilled.files { printOut("  \(file)") }
        printOut("Messages (boîte d'envoi \(outboxURL.path), rien n'est parti) :")
        for message in created.messages + fulfilled.messages { printOut("  " + message.line) }
    }
}
