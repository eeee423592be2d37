import Foundation
import VigieCore

/// Reads `territory.yaml` and checks it: unique INSEE codes and ids, quartier populations that add
/// up to their commune's, services that name communes of the territory.
enum TerritoryLoader {
    static func load(_ url: URL) throws -> Territory {
        let doc = try YAMLValue.load(url)
        _ = try doc.mapping(allowed: ["name", "communes", "services"])
        var communes: [Commune] = []
        var seenIDs: Set<String> = []
        for c in try doc.required("communes").array() {
            _ = try c.mapping(allowed: ["insee", "name", "population", "aliases", "sectors"])
            let insee = try c.string("insee")
            guard insee.count == 5, insee.allSatisfy({ $0.isNumber || $0 == "A" || $0 == "B" }) else {
                throw try c.required("insee").error("code INSEE invalide « \(insee) » (5 caractères, ex. 94028)")
            }
            guard !communes.contains(where: { $0.insee == insee }) else { throw c.error("commune \(insee) en double") }
            let population = try c.required("population").int()
            var sectors: [Sector] = []
            for s in try c.required("sectors").array() {
                _ = try s.mapping(allowed: ["id", "name", "aliases", "quartiers"])
                var quartiers: [Quartier] = []
                for q in try s.required("quartiers").array() {
                    _ = try q.mapping(allowed: ["id", "name", "population", "aliases"])
                    let id = try q.string("id")
                    guard seenIDs.insert(id).inserted else { throw q.error("identifiant « \(id) » en double") }
                    quartiers.append(Quartier(id: id, name: try q.string("name"),
                                              population: try q.required("population").int(),
                                              aliases: try q.optional("aliases")?.strings() ?? []))
                }
                let id = try s.string("id")
                guard seenIDs.insert(id).inserted else { throw s.error("identifiant « \(id) » en double") }
                sectors.append(Sector(id: id, name: try s.string("name"),
                                      aliases: try s.optional("aliases")?.strings() ?? [], quartiers: quartiers))
            }
            let sum = sectors.flatMap(\.quartiers).reduce(0) { $0 + $1.population }
            guard sum == population else {
                throw try c.required("population").error(
                    "la population de \(insee) est \(population) mais ses quartiers font \(sum)",
                    hint: "Corrigez la population de la commune ou celles des quartiers.")
            }
            communes.append(Commune(insee: insee, name: try c.string("name"), population: population,
                                    aliases: try c.optional("aliases")?.strings() ?? [], sectors: sectors))
        }
        var services: [PoliceService] = []
        for s in try doc.optional("services")?.array() ?? [] {
            _ = try s.mapping(allowed: ["name", "aliases", "communes", "also_covers"])
            let codes = try s.required("communes").strings()
            for code in codes where !communes.contains(where: { $0.insee == code }) {
                throw try s.required("communes").error("le service couvre la commune \(code), absente de « communes »")
            }
            services.append(PoliceService(name: try s.string("name"), aliases: try s.optional("aliases")?.strings() ?? [],
                                          communes: codes, alsoCovers: try s.optional("also_covers")?.strings() ?? []))
        }
        return Territory(name: try doc.string("name"), communes: communes, services: services)
    }
}
