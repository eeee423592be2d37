import Crypto
import Foundation
import VigieCore

/// Looks up a feed's HMAC key where the configuration says it is (an environment variable or a
/// file), never in the configuration itself. The key is never printed or stored.
enum Secrets {
    static func hmacKey(for feed: Feed, configDirectory: URL) throws -> SymmetricKey? {
        guard !feed.hmac.isEmpty, let source = feed.hmacKey else { return nil }
        let material: Data?
        switch source {
        case .environment(let name):
            material = ProcessInfo.processInfo.environment[name].map { Data($0.utf8) }
        case .file(let path):
            let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : configDirectory.appendingPathComponent(path)
            material = try? Data(contentsOf: url)
        }
        guard let material, material.count >= 16 else {
            let place: String
            switch source {
            case .environment(let name): place = "la variable d'environnement \(name)"
            case .file(let path): place = "le fichier \(path)"
            }
            throw VigieError(.config, "clé HMAC du flux « \(feed.id) » absente ou trop courte (16 octets au moins) : \(place)",
                             hint: "Créez la clé (par ex. head -c 32 /dev/urandom | base64 > fichier) et gardez-la hors du dépôt.")
        }
        return SymmetricKey(data: material)
    }
}
