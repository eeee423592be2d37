import Foundation
import VigieCore
import VigieReports
import XCTest

/// The weekly faits marquants, from lists written here and loaded for real.
final class WeeklyBulletinTests: XCTestCase {
    func testARepeatedFireSeriesAndAWeaponAreSelectedWithWhy() throws {
        let f = try ReportsFixture()
        // Weeks 43 to 45 were sent too (one fact each, in Alfortville): the totals compare week 47
        // with four weeks the feed sent.
        for week in 43...45 {
            let monday = Period.isoWeek(2026, week).start
            try f.load("faits-marquants_2026-W\(week).csv", partner: "police-nationale", feed: "faits-marquants", [
                ReportsFixture.faitsHeader, [monday.french, "09:00", "Alfortville", "Rue Véron", "Cambriolage", "Autre commune", "non", "A\(week)"],
            ])
        }
        // Week 46: one burglary in Palais, the start of a series.
        try f.load("faits-marquants_2026-W46.csv", partner: "police-nationale", feed: "faits-marquants", [
            ReportsFixture.faitsHeader,
            ["12/11/2026", "09:00", "Créteil", "Place Salvador Allende", "Cambriolage", "Commerce visité", "non", "P1"],
        ])
        // Week 47 (16–22 November 2026).
        let week47: [[String]] = [
            ReportsFixture.faitsHeader,
            ["16/11/2026", "22:10", "Créteil", "12 Rue Albert Doyen", "Incendie de véhicule", "Véhicule incendié", "non", "P2"],
            ["18/11/2026", "23:00", "Créteil", "30 bd John Fitzgerald Kennedy", "Incendie de véhicule", "Véhicule incendié", "non", "P3"],
            ["20/11/2026", "21:00", "Créteil", "12 rue Albert-Doyen", "Incendie de véhicule", "Nouvel épisode", "non", "P4"],
            ["19/11/2026", "10:00", "Créteil", "5 Rue des Écoles", "Coups et blessures volontaires", "Victime blessée au couteau", "oui", "P5"],
            ["17/11/2026", "09:00", "Créteil", "Place Salvador Allende", "Cambriolage", "Commerce visité", "non", "P6"],
            ["21/11/2026", "08:00", "Créteil", "Place Salvador Allende", "Cambriolage", "Commerce visité", "non", "P7"],
            ["18/11/2026", "15:00", "Créteil", "Rue Juliette Savar", "Cambriolage", "Appartement visité", "non", "P8"],
            ["18/11/2026", "15:00", "Alfortville", "Rue Véron", "Incendie de véhicule", "Autre commune", "non", "P9"],
        ]
        try f.load("faits-marquants_2026-W47.csv", partner: "police-nationale", feed: "faits-marquants", week47)

        let weekly = try WeeklyBulletin.build(week: .isoWeek(2026, 47), commune: "94028", context: f.context)
        // Selected: the three fires (arson, and three in Mont-Mesly within 14 days), the weapon,
        // and the two burglaries of the week in Palais (three with the one of week 46).
        // Not selected: the single burglary at L'Échat; not in this bulletin: Alfortville.
        XCTAssertEqual(weekly.entries.map(\.date), ["16/11/2026", "17/11/2026", "18/11/2026", "19/11/2026", "20/11/2026", "21/11/2026"])
        let byDate = Dictionary(grouping: weekly.entries, by: \.date)

        let firstFire = try XCTUnwrap(byDate["16/11/2026"]?.first)
        XCTAssertEqual(firstFire.quartier, "Mont-Mesly")
        XCTAssertEqual(firstFire.reasons, ["Fait grave par sa catégorie : incendies.",
                                           "Fait répété : 3 faits « incendies » dans le quartier Mont-Mesly en 14 jours.",
                                           "Fait répété : 2 faits de la famille « atteintes aux biens » au même lieu en 30 jours."])
        // Each series under its rule: the quartier's three fires; the address's two. The first
        // entry names them first: S1 and S2.
        XCTAssertEqual(firstFire.series.map(\.rule), ["Même catégorie dans le même quartier (au moins 3 en 14 jours)",
                                                      "Même lieu, faits de la famille « atteintes aux biens » (au moins 2 en 30 jours)"])
        XCTAssertEqual(firstFire.series.map(\.id), ["S1", "S2"])
        XCTAssertEqual(firstFire.series.map(\.span), ["du 16/11/2026 au 20/11/2026, 3 faits", "du 16/11/2026 au 20/11/2026, 2 faits"])
        // Each series listed once by the bulletin, with its incidents; the séries CSV holds them.
        let fires = try XCTUnwrap(weekly.series.first { $0.id == "S1" })
        XCTAssertEqual(fires.name, "Créteil, quartier Mont-Mesly : incendies")
        XCTAssertEqual(fires.items.map(\.date), ["16/11/2026", "18/11/2026", "20/11/2026"])
        let address = try XCTUnwrap(weekly.series.first { $0.id == "S2" })
        XCTAssertEqual(address.name, "Créteil, 12 Rue Albert Doyen : faits de la famille « atteintes aux biens »")
        XCTAssertEqual(weekly.seriesMembers.filter { $0.series == address.name }.map(\.provenance),
                       ["faits-marquants_2026-W47.csv, ligne 2", "faits-marquants_2026-W47.csv, ligne 4"])
        XCTAssertEqual(firstFire.provenance, "faits-marquants_2026-W47.csv, ligne 2")

        let weapon = try XCTUnwrap(byDate["19/11/2026"]?.first)
        // Blows with a knife: an attack, so the weapon was used.
        XCTAssertEqual(weapon.reasons, ["Fait grave : arme utilisée."])
        XCTAssertEqual(weapon.description, "Victime blessée au couteau")

        let burglary = try XCTUnwrap(byDate["17/11/2026"]?.first)
        // Three in Palais within 14 days, and all three at the same place within 30 days.
        XCTAssertEqual(burglary.reasons, ["Fait répété : 3 faits « vols et cambriolages » dans le quartier Palais en 14 jours.",
                                          "Fait répété : 3 faits de la famille « atteintes aux biens » au même lieu en 30 jours."])
        XCTAssertEqual(burglary.series.map(\.span), ["du 12/11/2026 au 21/11/2026, 3 faits", "du 12/11/2026 au 21/11/2026, 3 faits"])
        for reference in burglary.series {
            XCTAssertEqual(weekly.seriesMembers.filter { $0.series == reference.name }.map(\.date), ["12/11/2026", "17/11/2026", "21/11/2026"])
        }
        // Four series in all (fires: Mont-Mesly and 12 Rue Albert Doyen; burglaries: Palais and
        // Place Salvador Allende; the weapon and the burglary at L'Échat in none), each listed once.
        XCTAssertEqual(weekly.series.map(\.id), ["S1", "S2", "S3", "S4"])
        XCTAssertEqual(Set(weekly.entries.flatMap { $0.series.map(\.id) }), Set(weekly.series.map(\.id)))

        // Totals of the week from the list above: 3 fires, 3 burglaries, 1 violence in Créteil;
        // the mean of the 4 previous weeks holds the one burglary of week 46.
        let totals = Dictionary(uniqueKeysWithValues: weekly.totals.map { ($0.category, $0.count) })
        XCTAssertEqual(totals["Incendies"], 3)
        XCTAssertEqual(totals["Vols et cambriolages"], 3)
        XCTAssertEqual(totals["Violences aux personnes"], 1)
        // 1 burglary over 4 weeks = 0,25, printed with one decimal.
        XCTAssertEqual(weekly.totals.first { $0.category == "Vols et cambriolages" }?.mean, "0,3")
    }

    func testCommentsAppearInTheirBulletinOnly() throws {
        let f = try ReportsFixture()
        try f.load("faits-marquants_2026-W47.csv", partner: "police-nationale", feed: "faits-marquants", [
            ReportsFixture.faitsHeader,
            ["16/11/2026", "22:10", "Créteil", "12 Rue Albert Doyen", "Incendie de véhicule", "Véhicule incendié", "non", "P2"],
        ])
        try f.observatory.store.addComment(bulletin: "weekly", period: "2026-W47", commune: "94028", text: "Réunion GPO prévue jeudi.")
        try f.observatory.store.addComment(bulletin: "weekly", period: "2026-W47", commune: nil, text: "Pour tout le territoire.")
        try f.observatory.store.addComment(bulletin: "weekly", period: "2026-W46", commune: "94028", text: "Autre semaine.")
        try f.observatory.store.addComment(bulletin: "weekly", period: "2026-W47", commune: "94002", text: "Pour Alfortville.")
        let creteil = try WeeklyBulletin.build(week: .isoWeek(2026, 47), commune: "94028", context: f.context)
        XCTAssertEqual(creteil.comments, ["Réunion GPO prévue jeudi.", "Pour tout le territoire."])

        let out = f.directory.appendingPathComponent("bulletins")
        let files = try BulletinWriter(context: f.context, directory: out).write(creteil)
        let html = try String(contentsOf: files[0], encoding: .utf8)
        XCTAssertEqual(files[0].lastPathComponent, "weekly_2026-W47_94028.html")
        XCTAssertTrue(html.contains("Réunion GPO prévue jeudi."))
        XCTAssertFalse(html.contains("Pour Alfortville."))
        XCTAssertTrue(html.contains("Véhicule incendié"))
        let csv = try String(contentsOf: out.appendingPathComponent("weekly_2026-W47_94028_faits-marquants.csv"), encoding: .utf8)
        XCTAssertEqual(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count, 1 + creteil.entries.count)
        XCTAssertNotNil(try f.observatory.store.lastIssue(kind: "weekly", period: "2026-W47", scope: "94028"))
    }

    func testALongSeriesIsListedOnceWithItsTenLatestIncidentsAndTheCSVHoldsItWhole() throws {
        let f = try ReportsFixture()
        // 16 vehicle fires at one address, one a day from 7 to 22 November 2026.
        let days = Array(7...22)
        let rows = days.map { day in
            [String(format: "%02d/11/2026", day), "22:00", "Créteil", "12 Rue Albert Doyen", "Incendie de véhicule", "Véhicule incendié", "non", "P\(day)"]
        }
        try f.load("faits-marquants_2026-W47.csv", partner: "police-nationale", feed: "faits-marquants", [ReportsFixture.faitsHeader] + rows)
        let weekly = try WeeklyBulletin.build(week: .isoWeek(2026, 47), commune: "94028", context: f.context)
        // The 7 fires of week 47 are entries; each names the same two series (the quartier's, the
        // address's), and the bulletin lists each once.
        XCTAssertEqual(weekly.entries.count, 7)
        XCTAssertEqual(weekly.entries.map { $0.series.map(\.id) }, Array(repeating: ["S1", "S2"], count: 7))
        XCTAssertEqual(weekly.series.count, 2)
        let last = try XCTUnwrap(weekly.entries.first { $0.date == "22/11/2026" })
        // The address rule (2 in 30 days): the window holds all 16.
        let address = try XCTUnwrap(last.series.first { $0.rule.hasPrefix("Même lieu") })
        XCTAssertEqual(address.span, "du 07/11/2026 au 22/11/2026, 16 faits")
        let listed = try XCTUnwrap(weekly.series.first { $0.id == address.id })
        XCTAssertEqual(listed.items.map(\.date), days.suffix(10).map { String(format: "%02d/11/2026", $0) }, "the ten latest, in date order")
        let more = "et 6 autre(s) : liste complète dans le fichier CSV des séries"
        XCTAssertEqual(listed.more, more)

        let files = try BulletinWriter(context: f.context, directory: f.directory.appendingPathComponent("b")).write(weekly)
        let html = try String(contentsOf: files[0], encoding: .utf8)
        // Each series' box once, its list once; each entry links to its series.
        XCTAssertEqual(html.components(separatedBy: "data-kind=\"serie\"").count - 1, 2, html)
        XCTAssertEqual(html.components(separatedBy: ">\(more)</li>").count - 1, 2)
        XCTAssertEqual(html.components(separatedBy: "<li style=\"margin: 0;\">").count - 1, 2 * 11, "10 incidents and the rest, per series")
        XCTAssertEqual(html.components(separatedBy: "<a href=\"#\(address.id)\"").count - 1, 7)
        // The faits marquants CSV names the series and its days; the séries CSV lists its 16 incidents.
        func csv(_ suffix: String) throws -> [String] {
            let url = try XCTUnwrap(files.first { $0.lastPathComponent.hasSuffix(suffix) })
            return try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        }
        let line = try XCTUnwrap(try csv("_faits-marquants.csv").first { $0.hasPrefix("22/11/2026") })
        XCTAssertTrue(line.contains("« \(address.name) », du 07/11/2026 au 22/11/2026, 16 faits"), line)
        XCTAssertFalse(line.contains("08/11/2026"), "the series is not repeated under the entry: \(line)")
        let series = try csv("_series.csv")
        XCTAssertEqual(series.first, "série;date;heure;nature;lieu;quartier;provenance")
        let addressRows = series.filter { $0.contains(address.name) }
        XCTAssertEqual(addressRows.count, days.count)
        for (row, day) in zip(addressRows, days) {
            XCTAssertTrue(row.contains(String(format: ";%02d/11/2026;22h00;Incendie de véhicule;12 Rue Albert Doyen;", day)), row)
        }
        XCTAssertEqual(series.count, 1 + 2 * days.count, "each of the two series' 16 incidents, once")
    }

    func testAWeekInProgressIsComparedWithTheSameDaysOfThePreviousWeeks() throws {
        // Wednesday 25 November 2026, in week 48 (from Monday 23). The four weeks before: one
        // dépôt sauvage each Monday, five each Saturday; this week, one on Monday.
        let today = try XCTUnwrap(CivilDate(year: 2026, month: 11, day: 25))
        let f = try ReportsFixture(today: today)
        func rows(_ days: [(Int, Int)], month: Int) -> [[String]] {
            [ReportsFixture.pmHeader] + days.flatMap { day, n in
                (0..<n).map { i in [String(format: "%02d/%02d/2026", day, month), "10:00", "\(i + 1) rue de Paris", "Dépôt sauvage"] }
            }
        }
        try f.load("pm_94028_2026-10.csv", partner: "mairie-creteil", feed: "police-municipale", rows([(26, 1), (31, 5)], month: 10))
        try f.load("pm_94028_2026-11.csv", partner: "mairie-creteil", feed: "police-municipale",
                   rows([(2, 1), (7, 5), (9, 1), (14, 5), (16, 1), (21, 5), (23, 1)], month: 11))
        let weekly = try WeeklyBulletin.build(week: .isoWeek(2026, 48), commune: "94028", context: f.context)
        XCTAssertTrue(weekly.provisional.hasPrefix("période en cours : chiffres provisoires au 25 novembre"), weekly.provisional)
        XCTAssertTrue(weekly.provisional.contains("du lundi au mercredi"), weekly.provisional)
        // Monday to Wednesday: 1 this week against 4 (one each Monday) in the four weeks before,
        // a mean of 1,0 — not 24 (a mean of 6,0), which would read as a fall.
        let deposits = try XCTUnwrap(weekly.totals.first { $0.category == "Dépôts sauvages" })
        XCTAssertEqual([String(deposits.count), deposits.mean, deposits.flag], ["1", "1,0", ""])
        // A week not begun is refused.
        XCTAssertThrowsError(try WeeklyBulletin.build(week: .isoWeek(2026, 49), commune: "94028", context: f.context))
        // A week over has no notice and compares whole weeks.
        let last = try WeeklyBulletin.build(week: .isoWeek(2026, 47), commune: "94028", context: f.context)
        XCTAssertEqual(last.provisional, "")
        XCTAssertEqual(last.totals.first { $0.category == "Dépôts sauvages" }?.count, 6)
    }

    func testAFeedMissingInThePreviousWeeksIsLeftOutOfTheTotals() throws {
        // Créteil's police municipale sent November 2026 (5 dépôts sauvages in week 47) but never
        // October, which the four weeks before week 47 reach (from 19 October): its 5 would be
        // compared with weeks it did not send, so the totals leave it out on both sides.
        let f = try ReportsFixture()
        try f.load("pm_94028_2026-11.csv", partner: "mairie-creteil", feed: "police-municipale",
                   [ReportsFixture.pmHeader] + (16...20).map { [String(format: "%02d/11/2026", $0), "10:00", "Place Salvador Allende", "Dépôt sauvage"] })
        let weekly = try WeeklyBulletin.build(week: .isoWeek(2026, 47), commune: "94028", context: f.context)
        XCTAssertNil(weekly.totals.first { $0.category == "Dépôts sauvages" })
        XCTAssertFalse(weekly.totalSources.contains { $0.contains("police municipale") }, "\(weekly.totalSources)")
        // Once October is in, the feed counts again: 5 this week against none in the four before.
        try f.load("pm_94028_2026-10.csv", partner: "mairie-creteil", feed: "police-municipale",
                   [ReportsFixture.pmHeader] + [["02/10/2026", "10:00", "Rue de Paris", "Dépôt sauvage"]])
        let again = try WeeklyBulletin.build(week: .isoWeek(2026, 47), commune: "94028", context: f.context)
        XCTAssertEqual(again.totals.first { $0.category == "Dépôts sauvages" }?.count, 5)
    }

    /// « arme utilisée » only for an attack with a weapon, « port d'arme » otherwise; a same-address
    /// series counts the facts of the same category family only (families of nomenclature.yaml).
    func testWeaponWordingAndSameAddressSeriesOfOneFamily() throws {
        let f = try ReportsFixture()
        try f.load("faits-marquants_2026-W47.csv", partner: "police-nationale", feed: "faits-marquants", [
            ReportsFixture.faitsHeader,
            // One address, two families: a bin fire and a burglary (biens), two assaults (personnes).
            ["16/11/2026", "22:00", "Créteil", "5 Rue des Écoles", "Incendie de poubelle", "Poubelle incendiée", "non", "Q1"],
            ["17/11/2026", "18:00", "Créteil", "5 Rue des Écoles", "Coups et blessures volontaires", "Bagarre", "non", "Q2"],
            ["18/11/2026", "18:30", "Créteil", "5 Rue des Écoles", "Coups et blessures volontaires", "Nouvelle bagarre", "non", "Q3"],
            ["19/11/2026", "03:00", "Créteil", "5 Rue des Écoles", "Cambriolage", "Local visité", "non", "Q4"],
            // A weapon found on someone (carried), and shots fired (used).
            ["20/11/2026", "14:00", "Créteil", "Rue Juliette Savar", "Port d'arme prohibée", "Couteau saisi", "oui", "Q5"],
            ["21/11/2026", "23:00", "Créteil", "Place Salvador Allende", "Tirs par arme à feu", "Tirs en l'air", "oui", "Q6"],
        ])
        let weekly = try WeeklyBulletin.build(week: .isoWeek(2026, 47), commune: "94028", context: f.context)
        let byDate = Dictionary(grouping: weekly.entries, by: \.date)

        let fire = try XCTUnwrap(byDate["16/11/2026"]?.first)
        let fireAddress = try XCTUnwrap(fire.series.first { $0.rule.hasPrefix("Même lieu") })
        XCTAssertEqual(weekly.seriesMembers.filter { $0.series == fireAddress.name }.map(\.date), ["16/11/2026", "19/11/2026"],
                       "the burglary (biens), not the assaults (personnes)")
        XCTAssertTrue(fire.reasons.contains("Fait répété : 2 faits de la famille « atteintes aux biens » au même lieu en 30 jours."), "\(fire.reasons)")

        let assault = try XCTUnwrap(byDate["17/11/2026"]?.first)
        XCTAssertEqual(assault.reasons, ["Fait répété : 2 faits de la famille « atteintes aux personnes » au même lieu en 30 jours."])
        XCTAssertEqual(assault.series.map { reference in weekly.seriesMembers.filter { $0.series == reference.name }.map(\.date) },
                       [["17/11/2026", "18/11/2026"]])

        let carried = try XCTUnwrap(byDate["20/11/2026"]?.first)
        XCTAssertTrue(carried.reasons.contains("Fait grave : port d'arme."), "\(carried.reasons)")
        XCTAssertFalse(carried.reasons.contains { $0.contains("arme utilisée") }, "\(carried.reasons)")

        let shots = try XCTUnwrap(byDate["21/11/2026"]?.first)
        XCTAssertTrue(shots.reasons.contains("Fait grave : arme utilisée."), "\(shots.reasons)")
        XCTAssertFalse(shots.reasons.contains("Fait grave : port d'arme."), "\(shots.reasons)")
        // Every reason is a sentence: a capital first, a full stop last.
        for entry in weekly.entries {
            for reason in entry.reasons {
                XCTAssertTrue(reason.first?.isUppercase == true && reason.hasSuffix("."), reason)
            }
        }
    }
}
