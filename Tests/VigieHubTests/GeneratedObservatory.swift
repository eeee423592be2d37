import Foundation
import VigieCore
import VigiePipeline

/// A small observatory of another territory, generated: two communes of two quartiers each, the
/// police's monthly état 4001 (one column per commune) and a monthly incident list whose rows
/// carry a description, an address and a procedure number (pseudonymized) that must never reach
/// the hub; optionally a landlord's monthly incident list for its first commune only, a few a
/// month, some months never sent. Seeded: the same arguments write the same files.
struct GeneratedObservatory {
    struct Commune { var insee: String; var name: String; var quartiers: [(id: String, name: String, population: Int)] }

    var id: String
    var name: String
    var communes: [Commune]
    /// Communes whose quartiers the observatory allows at the hub.
    var quartiersAllowed: [String]
    /// A month whose incident list is never sent (« non reçu » at the hub).
    var skippedMonth: String
    /// Incidents a commune a month.
    var incidents: Range<Int> = 8..<33
    /// The months the landlord never sent; nil: no landlord.
    var landlordSkipped: [String]? = nil
    var seed: UInt64

    /// The landlord's partner and feed, and its name as the bulletins give it.
    static let landlordFeed = "bailleur-est/signalements"
    static let landlordLabel = "Bailleur Est Habitat (signalements)"

    /// Writes Config/ and the partner files under `root`, loads them into `root/vigie.sqlite`.
    func build(in root: URL, referenceConfig: URL) throws -> ObservatoryLocation {
        let fm = FileManager.default
        let config = root.appendingPathComponent("Config")
        try fm.createDirectory(at: config, withIntermediateDirectories: true)
        for file in ["nomenclature.yaml", "etat4001-index.csv"] {
            try fm.copyItem(at: referenceConfig.appendingPathComponent(file), to: config.appendingPathComponent(file))
        }
        try fm.createSymbolicLink(at: config.appendingPathComponent("templates"), withDestinationURL: referenceConfig.appendingPathComponent("templates"))
        var territory = "name: \(name)\ncommunes:\n"
        for c in communes {
            territory += "  - insee: \"\(c.insee)\"\n    name: \(c.name)\n    population: \(c.quartiers.reduce(0) { $0 + $1.population })\n"
            territory += "    sectors:\n      - id: \(c.insee)-s\n        name: \(c.name) secteur unique\n        quartiers:\n"
            for q in c.quartiers { territory += "          - { id: \(q.id), name: \(q.name), population: \(q.population) }\n" }
        }
        try territory.write(to: config.appendingPathComponent("territory.yaml"), atomically: true, encoding: .utf8)
        try ("""
            partners:
              - id: police-nationale
                name: Police nationale — commissariat de \(communes[0].name)
                feeds:
                  - id: etat4001
                    kind: etat4001
                    cadence: monthly
                    due_day: 10
                    units: territory
                    since: 2025-01
                  - id: main-courante
                    kind: incidents
                    cadence: monthly
                    due_day: 10
                    since: 2025-01
                    columns: { date: Date, commune: Commune, area: Quartier, address: Adresse, nature: Nature, description: Résumé, reference: N° de procédure }
                    hmac: [reference]
                    hmac_key: { env: VIGIE_HMAC_KEY }
                    natures:
                      Cambriolage: vols-cambriolages
                      Incendie de véhicule: incendies
                      Rixe: violences-personnes
                      Rodéo urbain: rodeos-urbains
                      Homicide: homicides
            """ + (landlordSkipped == nil ? "" : """

              - id: bailleur-est
                name: Bailleur Est Habitat
                feeds:
                  - id: signalements
                    kind: incidents
                    cadence: monthly
                    due_day: 10
                    since: 2025-01
                    commune: "\(communes[0].insee)"
                    columns: { date: Date, area: Quartier, nature: Nature }
                    natures:
                      Dégradation: destructions-degradations
                      Incendie de poubelle: incendies
                      Rixe: violences-personnes
                      Occupation de hall: occupations-halls
            """)).write(to: config.appendingPathComponent("partners.yaml"), atomically: true, encoding: .utf8)
        try "min_cell: 5\nhub:\n  id: \(id)\n  quartiers: [\(quartiersAllowed.map { "\"\($0)\"" }.joined(separator: ", "))]\n"
            .write(to: config.appendingPathComponent("settings.yaml"), atomically: true, encoding: .utf8)

        let location = ObservatoryLocation(configDirectory: config, databasePath: root.appendingPathComponent("vigie.sqlite").path)
        let observatory = try location.open()
        let files = root.appendingPathComponent("files")
        try fm.createDirectory(at: files, withIntermediateDirectories: true)
        var random = seed
        func next(_ n: Int) -> Int {
            random = random &* 6364136223846793005 &+ 1442695040888963407
            return Int((random >> 33) % UInt64(n))
        }
        let natures = ["Cambriolage", "Incendie de véhicule", "Rixe", "Rodéo urbain", "Cambriolage", "Rixe", "Homicide"]
        var serial = 0
        for year in 2025...2026 {
            for month in 1...12 where year == 2025 || month <= 10 {
                let period = String(format: "%04d-%02d", year, month)
                // État 4001: index 1–107, one column per commune.
                var etat = "Index;Libellé;\(communes.map(\.name).joined(separator: ";"))\n"
                for index in 1...107 {
                    etat += "\(index);Index \(index);\(communes.map { _ in String(index % 9 == 0 ? 3 + next(40) : next(3)) }.joined(separator: ";"))\n"
                }
                let etatURL = files.appendingPathComponent("etat4001_\(id)_\(period).csv")
                try etat.write(to: etatURL, atomically: true, encoding: .utf8)
                _ = try observatory.ingest(etatURL, partner: "police-nationale", feed: "etat4001", period: .month(year, month))
                guard period != skippedMonth else { continue }
                var list = "Date;Commune;Quartier;Adresse;Nature;Résumé;N° de procédure\n"
                let days = CivilDate.daysIn(month: month, year: year)
                for c in communes {
                    for _ in 0..<(incidents.lowerBound + next(incidents.count)) {
                        serial += 1
                        let q = c.quartiers[next(c.quartiers.count)]
                        list += String(format: "%02d/%02d/%04d", 1 + next(days), month, year)
                            + ";\(c.name);\(q.name);\(serial) rue Secrète-\(id)-\(serial);\(natures[next(natures.count)]);"
                            + "Description confidentielle \(id) numéro \(serial) : témoin Jean Témoin-\(serial);PV-\(id)-\(serial)\n"
                    }
                }
                let listURL = files.appendingPathComponent("main-courante_\(id)_\(period).csv")
                try list.write(to: listURL, atomically: true, encoding: .utf8)
                _ = try observatory.ingest(listURL, partner: "police-nationale", feed: "main-courante", period: .month(year, month))
            }
            // The landlord: its first commune only, 2 to 4 incidents of each nature a month (below
            // min_cell in each category, at least 8 in all).
            for month in 1...12 where landlordSkipped != nil && (year == 2025 || month <= 10) {
                let period = String(format: "%04d-%02d", year, month)
                guard !(landlordSkipped ?? []).contains(period) else { continue }
                var list = "Date;Quartier;Nature\n"
                for nature in ["Dégradation", "Incendie de poubelle", "Rixe", "Occupation de hall"] {
                    for _ in 0..<(2 + next(3)) {
                        let q = communes[0].quartiers[next(communes[0].quartiers.count)]
                        list += String(format: "%02d/%02d/%04d", 1 + next(28), month, year) + ";\(q.name);\(nature)\n"
                    }
                }
                let url = files.appendingPathComponent("bailleur_\(id)_\(period).csv")
                try list.write(to: url, atomically: true, encoding: .utf8)
                _ = try observatory.ingest(url, partner: "bailleur-est", feed: "signalements", period: .month(year, month))
            }
        }
        return location
    }

    static let valDOrly = GeneratedObservatory(
        id: "val-d-orly", name: "Val d'Orly",
        communes: [Commune(insee: "94054", name: "Orly", quartiers: [("orly-centre", "Orly Centre", 12000), ("orly-aviation", "Aviation", 11000)]),
                   Commune(insee: "94073", name: "Thiais", quartiers: [("thiais-bourg", "Bourg", 15000), ("thiais-grignon", "Grignon", 14000)])],
        quartiersAllowed: ["94054"], skippedMonth: "2026-03", seed: 22)

    static let bordsDeMarne = GeneratedObservatory(
        id: "bords-de-marne", name: "Bords de Marne",
        communes: [Commune(insee: "94017", name: "Champigny-sur-Marne", quartiers: [("cha-bois-l-abbe", "Bois-l'Abbé", 40000), ("cha-centre", "Centre Champigny", 37000)]),
                   Commune(insee: "94046", name: "Maisons-Alfort", quartiers: [("ma-juilliottes", "Juilliottes", 28000), ("ma-charentonneau", "Charentonneau", 27000)])],
        quartiersAllowed: [], skippedMonth: "2025-07", incidents: 60..<90, landlordSkipped: ["2025-08", "2026-09"], seed: 94)
}
