import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

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

    @Flag(help: "Sortie en JSON.")
    var json = false

    func run() throws {
        let configURL = URL(fileURLWithPath: config ?? ProcessInfo.processInfo.environment["VIGIE_CONFIG"] ?? "Config")
        try present(try RunDemo(config: configURL, out: out, sampleData: sampleData, pdf: pdf).run(), json: json)
    }
}
