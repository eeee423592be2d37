import ArgumentParser
import Foundation
import VigieCore
import VigieWeb

/// `vigie serve`: the web application over the same store and use cases as the command line.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Lance l'application web (tableau de bord) sur cette machine.",
        discussion: """
            Écoute par défaut sur 127.0.0.1:8080, seulement en local : pour le réseau de la mairie, mettez-la derrière \
            nginx avec TLS et réglez web: secure_cookies: true dans settings.yaml. Les comptes se créent avec vigie user add. \
            S'arrête proprement sur SIGTERM ou Ctrl-C (les requêtes en cours se terminent).
            """)

    @OptionGroup var options: StoreOptions

    @Option(help: "Adresse d'écoute (défaut : 127.0.0.1, cette machine seulement).")
    var host = "127.0.0.1"

    @Option(help: "Port d'écoute.")
    var port = 8080

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port \(port) : un port de 1 à 65535 est attendu.") }
        guard !host.isEmpty else { throw ValidationError("--host : une adresse est attendue (127.0.0.1 par défaut).") }
    }

    func run() throws {
        try WebServer(location: options.location, host: host, port: port).runUntilStopped()
    }
}
