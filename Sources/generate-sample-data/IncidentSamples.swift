import Foundation
import VigieCore
import VigieFixtures

/// Incident lists: the police's weekly faits marquants, RATP and STRAV transport incidents,
/// the three municipal police services, the residents' complaints (doléances).
/// Hot spot: from mid-September 2026, repeated vehicle fires in Créteil's Mont-Mesly, some
/// twice at the same address. Week 2026-W47 also holds a knife attack.
struct IncidentSamples {
    let world: SampleWorld

    func write() throws -> [URL] {
        try faitsMarquants() + transport() + policeMunicipale() + doleances()
    }

    // MARK: Police nationale — faits marquants, weekly, Windows-1252 CSV

    static let faitsNatures: [((String, String), Double)] = [
        (("Incendie de véhicule", "Véhicule incendié sur la voie publique, pompiers sur place."), 14),
        (("Incendie de poubelle", "Feu de conteneurs, propagation évitée."), 9),
        (("Rixe", "Rixe entre plusieurs individus, dispersés à l'arrivée des effectifs."), 9),
        (("Agression à l'arme blanche", "Victime blessée à l'arme blanche, transportée à l'hôpital."), 4),
        (("Coups et blessures volontaires", "Victime frappée sur la voie publique, ITT en cours d'évaluation."), 9),
        (("Tirs par arme à feu", "Plusieurs détonations entendues, étuis retrouvés au sol."), 1),
        (("Port d'arme prohibée", "Individu interpellé porteur d'un couteau."), 4),
        (("Vol à main armée", "Commerce braqué, auteurs en fuite."), 2),
        (("Vol avec violence", "Arrachage de téléphone avec violence."), 8),
        (("Cambriolage", "Cambriolage d'appartement, porte forcée."), 12),
        (("Rodéo urbain", "Rodéo de motocross signalé par les riverains."), 6),
        (("Violences intrafamiliales", "Intervention pour violences conjugales, auteur placé en garde à vue."), 8),
        (("Trafic de stupéfiants", "Point de deal démantelé, saisie de résine de cannabis."), 6),
        (("Agression de policier", "Équipage pris à partie lors d'un contrôle."), 2),
        (("Agression de gardien", "Gardien d'immeuble agressé dans le hall."), 1),
        (("Tentative d'homicide", "Victime grièvement blessée, enquête confiée à la police judiciaire."), 0.4),
        (("Dégradation de bâtiment public", "Vitres de l'équipement municipal brisées."), 4),
    ]

    func faitsMarquants() throws -> [URL] {
        var random = SeededRandom(seed: 1101)
        let folder = try world.folder("police-nationale", "faits-marquants")
        var files: [URL] = []
        let header = ["Date des faits", "Heure", "Commune", "Lieu", "Nature", "Résumé", "Arme", "N° de procédure", "Nom de la victime"]
        var procedure = 1000
        for week in world.weeks {
            var rows: [[String]] = [["Police nationale — DTSP 94 — faits marquants de la semaine \(week)"], [], header]
            let count = random.poisson(11 * SampleWorld.season(week.start.month))
            var incidents: [(CivilDate, [String])] = []
            for _ in 0..<count {
                let day = week.start.adding(days: Int(random.unit() * 7))
                let commune = world.commune(&random)
                let (nature, summary) = SampleWorld.pick(Self.faitsNatures, &random)
                let weapon = ["Agression à l'arme blanche": "couteau", "Tirs par arme à feu": "arme de poing",
                              "Vol à main armée": "arme de poing", "Port d'arme prohibée": "couteau"][nature] ?? "non"
                procedure += 1
                incidents.append((day, [day.french, SampleWorld.time(&random, evening: nature.hasPrefix("Incendie")), commune.name,
                                        world.address(in: commune.insee, &random), nature, summary, weapon,
                                        "\(day.year)/\(procedure)", Self.fakeName(&random)]))
            }
            // The autumn 2026 series of vehicle fires in Mont-Mesly.
            if week.start >= CivilDate(dayNumber: 20_711) { // 2026-09-14
                let series = week == .isoWeek(2026, 47) ? 3 : 1 + random.poisson(1.2)
                for i in 0..<series {
                    let day = week.start.adding(days: (i * 2 + Int(random.unit() * 2)) % 7)
                    let address = i == 0 || week == .isoWeek(2026, 47) && i == 2 ? "12 Rue Albert Doyen" : world.address(in: "94028", quartier: "cre-mont-mesly", &random)
                    procedure += 1
                    incidents.append((day, [day.french, SampleWorld.time(&random, evening: true), "Créteil", address, "Incendie de véhicule",
                                            "Véhicule incendié en pleine nuit, nouvel épisode dans le secteur.", "non",
                                            "\(day.year)/\(procedure)", ""]))
                }
            }
            if week == .isoWeek(2026, 47) {
                procedure += 1
                let day = week.start.adding(days: 4)
                incidents.append((day, [day.french, "16:40", "Alfortville", "Quai Blanqui", "Agression à l'arme blanche",
                                        "Rixe entre jeunes à la sortie du lycée, un blessé au couteau.", "couteau", "2026/\(procedure)", ""]))
            }
            // Errors a partner really makes: a date that does not exist, a commune outside the territory.
            if week == .isoWeek(2026, 9) {
                incidents.append((week.start, ["31/02/2026", "10:00", "Créteil", "Rue de Mesly", "Cambriolage", "Cambriolage de cave.", "non", "2026/0999", ""]))
            }
            if week == .isoWeek(2025, 40) {
                incidents.append((week.start, [week.start.french, "11:20", "Bonneuil-sur-Marne", "Rue du Port", "Rixe", "Rixe sur le port.", "non", "2025/0998", ""]))
            }
            rows += incidents.sorted { $0.0 < $1.0 }.map(\.1)
            let url = folder.appendingPathComponent("faits-marquants_\(week).csv")
            try CSVWriter.write(url, rows: rows, delimiter: ";", encoding: .windows1252)
            files.append(url)
        }
        return files
    }

    static func fakeName(_ random: inout SeededRandom) -> String {
        let names = ["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU"]
        return random.unit() < 0.5 ? "" : names[Int(random.unit() * Double(names.count))]
    }

    // MARK: Transport — RATP (XLSX) and STRAV (UTF-8 CSV with BOM), monthly

    static let transportNatures: [(String, Double)] = [
        ("Agression de voyageur", 18), ("Agression d'agent", 6), ("Outrage à agent", 8), ("Vol à la tire", 22),
        ("Vol avec violence", 8), ("Dégradation de matériel", 14), ("Caillassage", 4), ("Tags et graffitis", 12), ("Incivilité", 8),
    ]
    static let followUps: [(String, Double)] = [("plainte", 45), ("main courante", 25), ("interpellation", 10), ("aucune", 20)]

    func transport() throws -> [URL] {
        var random = SeededRandom(seed: 2202)
        var files: [URL] = []
        let ratpStops = world.places(.stop, owner: "ratp"), stravStops = world.places(.stop, owner: "strav")
        let lineOfStop: (String) -> String = { id in
            id.hasPrefix("M8") ? "8" : id.hasPrefix("RER") ? "RER D" : id.hasPrefix("B104") ? "104" : id.hasPrefix("B103") ? "103"
                : id.hasPrefix("B217") ? "217" : id.contains("-J1-") ? "J1" : "K"
        }
        for month in world.months {
            guard case .month(let y, let m) = month else { continue }
            for (partner, stops, mean) in [("ratp", ratpStops, 34.0), ("strav", stravStops, 9.0)] {
                var rows: [[String]] = []
                for _ in 0..<random.poisson(mean * SampleWorld.season(m)) {
                    let day = month.start.adding(days: Int(random.unit() * Double(month.end.day)))
                    let stop = stops[Int(random.unit() * Double(stops.count))]
                    let nature = SampleWorld.pick(Self.transportNatures, &random)
                    let target = ["Dégradation de matériel", "Caillassage", "Tags et graffitis"].contains(nature) ? "équipement" : "personne"
                    let commune = world.config.territory.commune(insee: stop.commune ?? "")?.name ?? ""
                    rows.append([day.french, SampleWorld.time(&random), lineOfStop(stop.id), stop.name, commune, nature, target,
                                 SampleWorld.pick(Self.followUps, &random)])
                }
                rows.sort { $0[0].split(separator: "/").reversed().joined() < $1[0].split(separator: "/").reversed().joined() }
                let folder = try world.folder(partner, "incidents-transport")
                if partner == "ratp" {
                    let header = ["Date", "Heure", "Ligne", "Arrêt / station", "Commune", "Nature de l'atteinte", "Cible", "Suite donnée"]
                    let url = folder.appendingPathComponent("ratp_atteintes_\(month).xlsx")
                    let cells: [[XLSXValue]] = [header.map { .text($0) }] + rows.map { row in
                        row.enumerated().map { i, v in
                            if i == 0, let d = FrenchDateSample.parse(v) { return .date(d.year, d.month, d.day) }
                            return .text(v)
                        }
                    }
                    try XLSXWriter.write(url, sheets: [(name: "\(Period.monthNames[m - 1]) \(y)", rows: cells)])
                    files.append(url)
                } else {
                    let header = ["Date de l'incident", "Ligne", "Arrêt", "Ville", "Type d'incident", "Atteinte", "Suites"]
                    let url = folder.appendingPathComponent("strav_incidents_\(month).csv")
                    try CSVWriter.write(url, rows: [header] + rows.map { [$0[0], $0[2], $0[3], $0[4], $0[5], $0[6], $0[7]] },
                                        delimiter: ";", encoding: .utf8BOM)
                    files.append(url)
                }
            }
        }
        return files
    }

    // MARK: Police municipale — one file a month per commune, Windows-1252 CSV

    static let pmNatures: [(String, Double)] = [
        ("Dépôt sauvage", 22), ("Mécanique sauvage", 6), ("Rodéo", 8), ("Occupation de hall", 12), ("Tapage", 20),
        ("Rixe", 4), ("Accident de la circulation", 8), ("Stationnement dangereux", 20),
    ]

    /// Places without a street address, found only by the tablets' GPS position (or not at all).
    static let offStreetPlaces = ["Parking du centre commercial", "Chemin piétonnier", "Abords du stade", "Square derrière la médiathèque"]

    /// A coordinate written as the tablets export it: decimal comma, six decimals.
    static func decimal(_ value: Double) -> String {
        let micro = Int((value * 1_000_000).rounded())
        let fraction = String(micro % 1_000_000)
        return "\(micro / 1_000_000)," + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    func policeMunicipale() throws -> [URL] {
        var random = SeededRandom(seed: 3303)
        var files: [URL] = []
        let partners = [("mairie-alfortville", "94002", 55.0), ("mairie-creteil", "94028", 110.0), ("mairie-limeil", "94044", 32.0)]
        for (partner, insee, mean) in partners {
            let folder = try world.folder(partner, "police-municipale")
            for month in world.months {
                guard case .month(_, let m) = month else { continue }
                // Limeil's officers log on tablets, which add a GPS position.
                let tablets = insee == "94044"
                var rows: [[String]] = [["Date", "Heure", "Adresse", "Nature de l'intervention", "Agents"] + (tablets ? ["Longitude", "Latitude"] : [])]
                var entries: [(CivilDate, [String])] = []
                for _ in 0..<random.poisson(mean * SampleWorld.season(m)) {
                    let day = month.start.adding(days: Int(random.unit() * Double(month.end.day)))
                    var nature = SampleWorld.pick(Self.pmNatures, &random)
                    var address = world.address(in: insee, &random)
                    var position: [String] = []
                    // The recurring hall occupations of the Sablières residence.
                    if insee == "94028" && random.unit() < 0.08 { nature = "Occupation de hall"; address = "Rue des Sablières" }
                    // About one in ten interventions is at a place no street index knows; some are left at "voie publique".
                    let offStreet = random.unit()
                    if offStreet < 0.10 { address = Self.offStreetPlaces[Int(random.unit() * Double(Self.offStreetPlaces.count))] }
                    if offStreet < 0.02 { address = "Voie publique" }
                    if tablets {
                        position = offStreet < 0.02 ? ["", ""] : [Self.decimal(2.472 + random.unit() * 0.036), Self.decimal(48.737 + random.unit() * 0.021)]
                    }
                    entries.append((day, [day.french, SampleWorld.time(&random, evening: nature == "Tapage"), address, nature, "2"] + position))
                }
                rows += entries.sorted { $0.0 < $1.0 }.map(\.1)
                if partner == "mairie-creteil" && month == .month(2025, 6) {
                    rows.append(["2025-06-31", "14:00", "Rue des Écoles", "Tapage", "2"]) // 31 June does not exist
                }
                let url = folder.appendingPathComponent("pm_\(insee)_\(month).csv")
                try CSVWriter.write(url, rows: rows, delimiter: ";", encoding: .windows1252)
                files.append(url)
            }
        }
        return files
    }

    // MARK: Doléances — residents' complaints forwarded by the mayors' offices, monthly exports

    static let doleanceNatures: [(String, Double)] = [
        ("Bruit et tapage", 30), ("Dépôts sauvages", 22), ("Rodéos", 12), ("Occupation de hall", 10),
        ("Trafic de stupéfiants", 8), ("Vitesse excessive", 12), ("Dégradations", 6),
    ]

    func doleances() throws -> [URL] {
        var random = SeededRandom(seed: 4404)
        var files: [URL] = []
        let partners = [("mairie-alfortville", "94002", 9.0), ("mairie-creteil", "94028", 16.0), ("mairie-limeil", "94044", 5.0)]
        let header = ["Date de réception", "Secteur", "Objet", "Canal", "Nom", "Prénom", "Adresse du demandeur", "Téléphone"]
        for (partner, insee, mean) in partners {
            let folder = try world.folder(partner, "doleances")
            guard let commune = world.config.territory.commune(insee: insee) else { continue }
            for month in world.months + [.month(2026, 11)] {
                var rows: [[String]] = [header]
                let lastDay = month == .month(2026, 11) ? 22 : month.end.day
                var entries: [(CivilDate, [String])] = []
                for _ in 0..<random.poisson(mean) {
                    let day = month.start.adding(days: Int(random.unit() * Double(lastDay)))
                    let sector = commune.sectors[Int(random.unit() * Double(commune.sectors.count))]
                    // Some complaints name the quartier, others only the secteur.
                    let area = random.unit() < 0.6 ? sector.quartiers[Int(random.unit() * Double(sector.quartiers.count))].name : sector.name
                    entries.append((day, [day.french, area, SampleWorld.pick(Self.doleanceNatures, &random),
                                          ["Courrier", "Courriel", "Téléphone", "Accueil mairie"][Int(random.unit() * 4)],
                                          IncidentSamples.fakeName(&random), "", "", ""]))
                }
                rows += entries.sorted { $0.0 < $1.0 }.map(\.1)
                let url: URL
                if partner == "mairie-creteil" {
                    url = folder.appendingPathComponent("doleances_\(month).xlsx")
                    try XLSXWriter.write(url, sheets: [(name: "Doléances", rows: rows.map { $0.map { XLSXValue.text($0) } })])
                } else {
                    url = folder.appendingPathComponent("doleances_\(month).csv")
                    try CSVWriter.write(url, rows: rows, delimiter: ";", encoding: .windows1252)
                }
                files.append(url)
            }
        }
        return files
    }
}

/// dd/mm/yyyy back to a date, for the sample writers.
enum FrenchDateSample {
    static func parse(_ text: String) -> CivilDate? {
        let p = text.split(separator: "/").compactMap { Int($0) }
        return p.count == 3 ? CivilDate(year: p[2], month: p[1], day: p[0]) : nil
    }
}
