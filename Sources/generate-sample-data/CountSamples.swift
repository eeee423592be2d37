import Foundation
import VigieCore
import VigieFixtures

/// Aggregated numbers: the bailleurs (Créteil Habitat long CSV, OGIF long XLSX, France
/// Habitation wide XLSX), the police's refined statistics, the schools' signalements by school
/// year, and the justice and PJJ yearly figures.
/// Hot spot: the Sablières residence (Créteil Habitat) has hall occupations every month.
/// Planted for the demo: a negative count and an unknown residence (Créteil Habitat, March 2025),
/// an unknown nature « Squat de cave » (OGIF), a corrected resubmission (Créteil Habitat,
/// September 2026) and a missing file (OGIF, October 2026: late).
struct CountSamples {
    let world: SampleWorld

    func write() throws -> [URL] {
        try bailleurs() + statistiquesAffinees() + signalements() + justice()
    }

    static let bailleurNatures = [("Occupation de hall", 1.6), ("Agression de gardien", 0.15), ("Trouble de jouissance", 1.3),
                                  ("Dégradation", 2.0), ("Feu de parties communes", 0.25)]

    func bailleurs() throws -> [URL] {
        var random = SeededRandom(seed: 5505)
        var files: [URL] = []
        for month in world.months {
            guard case .month(let y, let m) = month else { continue }
            // Créteil Habitat: long layout, Windows-1252 CSV, months as 10/2026.
            var ch: [[String]] = [["Mois", "Résidence", "Nature", "Nombre"]]
            var corrected: [[String]] = ch
            for residence in world.places(.residence, owner: "creteil-habitat") {
                for (nature, mean) in Self.bailleurNatures {
                    let hot = residence.id == "CH-SAB-03" && nature == "Occupation de hall"
                    let value = random.poisson(hot ? 12 : mean)
                    ch.append([String(format: "%02d/%d", m, y), residence.name, nature, String(value)])
                    corrected.append([String(format: "%02d/%d", m, y), residence.name, nature, String(value + (hot ? 3 : 0))])
                }
            }
            if month == .month(2025, 3) {
                ch.append(["03/2025", "Les Bleuets", "Dégradation", "-2"])
                ch.append(["03/2025", "Résidence Les Lilas", "Occupation de hall", "4"])
            }
            let chFolder = try world.folder("creteil-habitat", "incidents-residences")
            let chURL = chFolder.appendingPathComponent("ch_incidents_\(month).csv")
            try CSVWriter.write(chURL, rows: ch, delimiter: ";", encoding: .windows1252)
            files.append(chURL)
            if month == .month(2026, 9) {
                let url = chFolder.appendingPathComponent("ch_incidents_\(month)_corrige.csv")
                try CSVWriter.write(url, rows: corrected, delimiter: ";", encoding: .windows1252)
                files.append(url)
            }

            // OGIF: long layout, XLSX, months written out; no October 2026 file (late).
            if month != .month(2026, 10) {
                var ogif: [[XLSXValue]] = [["Période", "Groupe", "Type d'incident", "Nb"].map { .text($0) }]
                for residence in world.places(.residence, owner: "ogif") {
                    for (nature, mean) in Self.bailleurNatures {
                        ogif.append([.text("\(Period.monthNames[m - 1]) \(y)"), .text(residence.name), .text(nature),
                                     .number(Double(random.poisson(mean)))])
                    }
                }
                if month == .month(2026, 4) {
                    ogif.append([.text("avril 2026"), .text("Franceschi"), .text("Squat de cave"), .number(3)])
                }
                let url = try world.folder("ogif", "incidents-residences").appendingPathComponent("ogif_\(month).xlsx")
                try XLSXWriter.write(url, sheets: [(name: "Incidents", rows: ogif)])
                files.append(url)
            }

            // France Habitation: wide layout, XLSX, the month as a date cell.
            let wideNatures = ["Occupations de halls", "Agressions de gardiens", "Troubles de jouissance", "Dégradations", "Feux de parties communes"]
            var fh: [[XLSXValue]] = [(["Résidence", "Mois"] + wideNatures).map { .text($0) }]
            for residence in world.places(.residence, owner: "france-habitation") {
                fh.append([.text(residence.name), .date(y, m, 1)] + Self.bailleurNatures.map { .number(Double(random.poisson($0.1))) })
            }
            let fhURL = try world.folder("france-habitation", "incidents-residences").appendingPathComponent("fh_tableau_de_bord_\(month).xlsx")
            try XLSXWriter.write(fhURL, sheets: [(name: "Tableau de bord", rows: fh)])
            files.append(fhURL)
        }
        return files
    }

    func statistiquesAffinees() throws -> [URL] {
        var random = SeededRandom(seed: 6606)
        var files: [URL] = []
        let themes = [("Différends conjugaux et familiaux", 0.55), ("Délinquance des mineurs", 0.9), ("Violences routières", 0.25),
                      ("Conduite sous l'emprise de l'alcool", 0.2), ("Conduite sous l'emprise de stupéfiants", 0.12)]
        let folder = try world.folder("police-nationale", "statistiques-affinees")
        for month in world.months {
            guard case .month(_, let m) = month else { continue }
            var rows: [[String]] = [["Mois", "Commune", "Thème", "Nombre"]]
            for commune in world.config.territory.communes {
                for (theme, per1000) in themes {
                    // Monthly rates per 1,000 inhabitants.
                    let mean = per1000 * Double(commune.population) / 1000 * SampleWorld.season(m)
                    rows.append([month.description, commune.name, theme, String(random.poisson(mean))])
                }
            }
            let url = folder.appendingPathComponent("stats_affinees_\(month).csv")
            try CSVWriter.write(url, rows: rows, delimiter: ";", encoding: .windows1252)
            files.append(url)
        }
        return files
    }

    func signalements() throws -> [URL] {
        var random = SeededRandom(seed: 7707)
        var files: [URL] = []
        let categories = [("Violences physiques", 6.0), ("Violences verbales", 9.0), ("Harcèlement", 4.0), ("Racket", 0.6),
                          ("Port d'arme", 0.4), ("Stupéfiants", 0.8), ("Dégradations", 3.0), ("Intrusions", 1.0)]
        let folder = try world.folder("education-nationale", "signalements")
        for start in [2023, 2024, 2025] {
            let year = "\(start)-\(start + 1)"
            var rows: [[XLSXValue]] = [["Année scolaire", "UAI", "Établissement", "Catégorie", "Nombre de signalements", "Nom du chef d'établissement"].map { .text($0) }]
            for school in world.places(.school) {
                for (category, mean) in categories {
                    rows.append([.text(year), .text(school.id), .text(school.name), .text(category),
                                 .number(Double(random.poisson(mean))), .text("M. ou Mme le principal")])
                }
            }
            let url = folder.appendingPathComponent("signalements_\(year).xlsx")
            try XLSXWriter.write(url, sheets: [(name: "Signalements \(year)", rows: rows)])
            files.append(url)
        }
        return files
    }

    func justice() throws -> [URL] {
        var random = SeededRandom(seed: 8808)
        var files: [URL] = []
        let parquet = [("Affaires traitées par le parquet", 9800.0), ("Affaires poursuivables", 6100.0),
                       ("Alternatives aux poursuites", 2300.0), ("Rappels à la loi (correspondants parquet)", 640.0)]
        let pjj = [("Mineurs pris en charge par la PJJ", 410.0), ("Mesures éducatives en milieu ouvert", 520.0), ("Mesures de réparation", 95.0)]
        for year in [2024, 2025] {
            for (feed, indicators) in [("activite-parquet", parquet), ("pjj", pjj)] {
                var rows: [[String]] = [["Année", "Indicateur", "Valeur"]]
                for (name, mean) in indicators {
                    let value = random.poisson(mean)
                    rows.append([String(year), name, value >= 1000 ? "\(value / 1000) \(String(format: "%03d", value % 1000))" : String(value)])
                }
                let url = try world.folder("justice", feed).appendingPathComponent("\(feed)_\(year).csv")
                try CSVWriter.write(url, rows: rows, delimiter: ";", encoding: .windows1252)
                files.append(url)
            }
        }
        return files
    }
}
