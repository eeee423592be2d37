import Crypto
import Foundation
import GRDB
import VigieConfig
import VigieCore
import VigieIngest
import VigieStore
import XCTest

/// Incident lists and aggregated counts, from tables written in the test, through the store.
final class IncidentsLoadTests: XCTestCase {
    var config: VigieConfig.Configuration!
    var store: Store!
    let key = SymmetricKey(data: Data("une clé de test de trente-deux octets".utf8))

    override func setUpWithError() throws {
        config = try Fixture.config()
        store = try Fixture.store()
    }

    @discardableResult
    func load(_ rows: [[String]], partner: String, feed feedID: String, name: String = "fichier.csv", period: Period? = nil) throws -> LoadOutcome {
        let feed = try config.feed(partner: partner, feed: feedID)
        let adapter = FeedAdapters.adapter(for: feed, context: Fixture.context(config), fileName: name, period: period, hmacKey: key)
        return try store.load(ReceivedFile(name: name, sha256: UUID().uuidString, size: 1), feed: feed) { sink in
            try adapter.read(MemoryTable(rows), into: sink)
        }
    }

    func loaded(_ outcome: LoadOutcome, file: StaticString = #filePath, line: UInt = #line) throws -> LoadReport {
        guard case .loaded(let report) = outcome else { XCTFail("\(outcome)", file: file, line: line); throw CancellationError() }
        return report
    }

    static let faitsHeader = ["Date des faits", "Heure", "Commune", "Lieu", "Nature", "Résumé", "Arme", "N° de procédure", "Nom de la victime"]

    func testFaitsMarquantsAreDatedPlacedClassifiedAndPseudonymized() throws {
        let rows: [[String]] = [
            ["Faits marquants semaine 47"],
            Self.faitsHeader,
            ["16/11/2026", "22h15", "Créteil", "3 bd John Fitzgerald Kennedy", "Incendie de véhicule", "Deux véhicules incendiés", "non", "2026/123", "DUPONT Jean"],
            ["17/11/2026", "14:30", "CRETEIL", "15 av. du Gal de Gaulle", "Agression à l'arme blanche", "Un blessé léger", "couteau", "2026/124", "MARTIN"],
            ["18/11/2026", "", "Alfortville", "quelque part", "Chute de météorite", "Nature inconnue", "", "", ""],
            ["31/02/2026", "10:00", "Créteil", "", "Rixe", "", "", "", ""],
            ["19/11/2026", "25:99", "Limeil-Brévannes", "Rue Pasteur", "Rixe", "", "", "", ""],
            ["20/11/2026", "10:00", "Paris", "", "Rixe", "", "", "", ""],
            ["15/06/1900", "10:00", "Créteil", "", "Rixe", "", "", "", ""],
        ]
        let report = try loaded(try load(rows, partner: "police-nationale", feed: "faits-marquants", name: "faits_2026-W47.csv"))
        XCTAssertEqual(report.periods, [.isoWeek(2026, 47)])
        XCTAssertEqual(report.submission.rowsRead, 7)
        XCTAssertEqual(report.submission.valuesLoaded, 4)
        XCTAssertEqual(report.submission.rowsRejected, 3)
        let reasons = Dictionary(uniqueKeysWithValues: report.rejects.map { ("\($0.sourceRow ?? 0)\($0.sourceColumn ?? "")", $0.reason) })
        XCTAssertTrue(reasons["6A"]?.contains("date illisible ou inexistante") == true, "\(reasons)")
        XCTAssertTrue(reasons["7B"]?.contains("fait chargé sans heure") == true, "\(reasons)")
        XCTAssertTrue(reasons["8C"]?.contains("commune hors du territoire") == true, "\(reasons)")
        XCTAssertTrue(reasons["9A"]?.contains("date invraisemblable") == true, "\(reasons)")
        XCTAssertEqual(report.summary.unmappedNatures, ["Chute de météorite": 1])
        XCTAssertEqual(report.summary.placeLevels, ["address": 3, "commune": 1])
        XCTAssertTrue(report.summary.notes.contains { $0.contains("Nom de la victime") } == false, "dropped columns are not even mentioned as ignored")

        let byQuartier = try store.incidentTotals(by: [.commune, .quartier, .category])
        let sums = Dictionary(uniqueKeysWithValues: byQuartier.map { ($0.keys.joined(separator: "|"), $0.total) })
        XCTAssertEqual(sums, ["94028|cre-mont-mesly|incendies": 1, "94028|cre-palais|violences-personnes": 1,
                              "94002||": 1, "94044|lim-temps-durables|violences-personnes": 1])
        XCTAssertEqual(try store.unclassifiedNatures().map(\.nature), ["Chute de météorite"])

        // The procedure number is stored as a keyed pseudonym, the victim's name not at all.
        // Computed here with swift-crypto in one shot: HMAC-SHA256, first 8 bytes in hex.
        let expected = HMAC<SHA256>.authenticationCode(for: Data("2026/123".utf8), using: key).prefix(8)
            .map { String(format: "%02x", $0) }.joined()
        let stored = try String.fetchAll(store, sql: "SELECT reference FROM incident WHERE reference IS NOT NULL ORDER BY source_row")
        XCTAssertEqual(stored.first, expected)
        XCTAssertFalse(stored.contains("2026/123"))
        let everything = try String.fetchAll(store, sql: "SELECT COALESCE(description,'') || COALESCE(extra,'') || COALESCE(place_text,'') FROM incident")
        XCTAssertFalse(everything.joined().contains("DUPONT"))
        let weapons = try Int.fetchAll(store, sql: "SELECT weapon FROM incident WHERE weapon IS NOT NULL ORDER BY source_row")
        XCTAssertEqual(weapons, [0, 1])
    }

    func testACorrectedListForTheSameWeekReplacesTheFirst() throws {
        let first = [Self.faitsHeader, ["16/11/2026", "10:00", "Créteil", "", "Rixe", "", "", "", ""],
                     ["17/11/2026", "10:00", "Créteil", "", "Rixe", "", "", "", ""]]
        let corrected = [Self.faitsHeader, ["16/11/2026", "10:00", "Créteil", "", "Rixe", "", "", "", ""]]
        _ = try loaded(try load(first, partner: "police-nationale", feed: "faits-marquants", name: "fm_2026-W47.csv"))
        let second = try loaded(try load(corrected, partner: "police-nationale", feed: "faits-marquants", name: "fm_2026-W47_v2.csv"))
        XCTAssertEqual(second.superseded.count, 1)
        XCTAssertEqual(try store.incidentTotals(by: []).first?.total, 1)
    }

    func testAnIncidentOn31DecemberIsInWeek1OfTheNextYearWhenISOSaysSo() throws {
        // 31 December 2024 is a Tuesday of ISO week 2025-W01.
        let rows = [Self.faitsHeader, ["31/12/2024", "23:00", "Créteil", "", "Rixe", "", "", "", ""]]
        let report = try loaded(try load(rows, partner: "police-nationale", feed: "faits-marquants", name: "fm.csv"))
        XCTAssertEqual(report.periods, [.isoWeek(2025, 1)])
        let weeks = try store.incidentTotals(by: [.period], step: .week)
        XCTAssertEqual(weeks.map(\.keys), [["2025-W01"]])
        let months = try store.incidentTotals(by: [.period], step: .month)
        XCTAssertEqual(months.map(\.keys), [["2024-12"]])
    }

    func testDoleancesNeverKeepTheResidentsIdentity() throws {
        let rows = [["Date de réception", "Secteur", "Objet", "Canal", "Nom", "Prénom", "Téléphone"],
                    ["02/10/2026", "Créteil Sud", "Rodéos", "Courrier", "DURAND", "Paul", "06 12 34 56 78"],
                    ["05/10/2026", "Mont-Mesly", "Bruit et tapage", "Téléphone", "LEROY", "Anne", "06 98 76 54 32"]]
        let report = try loaded(try load(rows, partner: "mairie-creteil", feed: "doleances", name: "doleances_2026-10.csv"))
        XCTAssertEqual(report.submission.valuesLoaded, 2)
        XCTAssertEqual(report.summary.placeLevels, ["sector": 1, "quartier": 1])
        let dump = try String.fetchAll(store, sql: "SELECT quote(i.id) || '|' || i.date || '|' || COALESCE(i.description,'') || '|' || COALESCE(i.extra,'') || '|' || COALESCE(i.place_text,'') || '|' || COALESCE(i.reference,'') || '|' || COALESCE(i.channel,'') FROM incident i").joined(separator: "\n")
        for secret in ["DURAND", "Paul", "LEROY", "06 12"] { XCTAssertFalse(dump.contains(secret), secret) }
        XCTAssertTrue(dump.contains("Courrier"))
    }

    func testTransportIncidentsResolveStopsAndKeepLineTargetAndFollowUp() throws {
        let rows = [["Date", "Heure", "Ligne", "Arrêt / station", "Commune", "Nature de l'atteinte", "Cible", "Suite donnée"],
                    ["03/10/2026", "18:10", "8", "Créteil Préfecture", "Créteil", "Agression d'agent", "personne", "plainte"],
                    ["04/10/2026", "07:45", "104", "Mont-Mesly - Gabriel Péri", "Créteil", "Caillassage", "équipement", "aucune"]]
        let report = try loaded(try load(rows, partner: "ratp", feed: "incidents-transport", name: "ratp_2026-10.xlsx"))
        XCTAssertEqual(report.periods, [.month(2026, 10)])
        XCTAssertEqual(report.summary.placeLevels, ["address": 2])
        let stored = try Row.fetchAll(store, sql: "SELECT quartier, line, target, follow_up, category FROM incident ORDER BY source_row")
        XCTAssertEqual(stored.map { $0[0] as String? }, ["cre-prefecture", "cre-haut-mont-mesly"])
        XCTAssertEqual(stored.map { $0[1] as String? }, ["8", "104"])
        XCTAssertEqual(stored.map { $0[3] as String? }, ["plainte", "aucune"])
        XCTAssertEqual(stored.map { $0[4] as String? }, ["atteintes-agents", "destructions-degradations"])
    }

    func testAListWithoutItsColumnsIsRefused() throws {
        let outcome = try load([["Jour", "Quoi"], ["01/10/2026", "Rixe"]], partner: "ratp", feed: "incidents-transport")
        guard case .refused(_, let error) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertTrue(error.description.contains("« Date »"), error.description)
    }

    // MARK: - Counts

    func testABailleurLongLayoutSumsPerResidenceWithItsQuartier() throws {
        let rows = [["Mois", "Résidence", "Nature", "Nombre"],
                    ["10/2026", "Résidence du Mont-Mesly", "Occupation de hall", "7"],
                    ["10/2026", "CH-MM-01", "Dégradation", "2"],
                    ["10/2026", "Les Sablières", "Occupation de hall", "3"],
                    ["10/2026", "Résidence inconnue", "Occupation de hall", "4"],
                    ["10/2026", "Les Sablières", "Squat de cave", "1"],
                    ["10/2026", "Les Bleuets", "Dégradation", "deux"]]
        let report = try loaded(try load(rows, partner: "creteil-habitat", feed: "incidents-residences", name: "ch_2026-10.csv"))
        XCTAssertEqual(report.periods, [.month(2026, 10)])
        XCTAssertEqual(report.submission.rowsRejected, 2)
        XCTAssertEqual(report.summary.unmappedNatures, ["Squat de cave": 1])
        let byUnit = Dictionary(uniqueKeysWithValues: try store.countTotals(by: [.unit, .category]).map { ($0.keys.joined(separator: "|"), $0.total) })
        XCTAssertEqual(byUnit, ["CH-MM-01|occupations-halls": 7, "CH-MM-01|destructions-degradations": 2,
                                "CH-SAB-03|occupations-halls": 3, "CH-SAB-03|": 1])
        let quartier = try Int.fetchOne(store, sql: "SELECT SUM(value) FROM count_value WHERE quartier = 'cre-mont-mesly'")
        XCTAssertEqual(quartier, 9)
    }

    func testAWideLayoutHasOneNatureAColumn() throws {
        let rows = [["Résidence", "Mois", "Occupations de halls", "Agressions de gardiens", "Troubles de jouissance", "Dégradations", "Feux de parties communes"],
                    ["Résidence des Saussaies", "octobre 2026", "5", "0", "2", "", "1"],
                    ["La Hêtraie", "octobre 2026", "1", "1", "0", "3", "0"]]
        let report = try loaded(try load(rows, partner: "france-habitation", feed: "incidents-residences", name: "fh.xlsx"))
        XCTAssertEqual(report.periods, [.month(2026, 10)])
        XCTAssertEqual(report.submission.valuesLoaded, 9) // 10 cells, one empty
        let byCategory = Dictionary(uniqueKeysWithValues: try store.countTotals(by: [.category]).map { ($0.keys[0], $0.total) })
        XCTAssertEqual(byCategory["occupations-halls"], 6)
        XCTAssertEqual(byCategory["incendies"], 1)
        XCTAssertEqual(byCategory["destructions-degradations"], 3)
    }

    func testSchoolSignalementsAreCountedBySchoolYearAcross31August() throws {
        let rows = [["Année scolaire", "UAI", "Établissement", "Catégorie", "Nombre de signalements", "Nom du chef d'établissement"],
                    ["2025-2026", "0940001A", "Collège Louis Pasteur", "Violences physiques", "4", "M. X"],
                    ["31/08/2026", "0940001A", "Collège Louis Pasteur", "Harcèlement", "1", "M. X"],
                    ["01/09/2026", "0940001A", "Collège Louis Pasteur", "Harcèlement", "2", "M. X"]]
        let report = try loaded(try load(rows, partner: "education-nationale", feed: "signalements", name: "signalements.csv"))
        XCTAssertEqual(report.periods, [.schoolYear(2025), .schoolYear(2026)])
        let byPeriod = Dictionary(uniqueKeysWithValues: try store.countTotals(by: [.period]).map { ($0.keys[0], $0.total) })
        XCTAssertEqual(byPeriod, ["2025-2026": 5, "2026-2027": 2])
    }

    func testJusticeFiguresAreForTheWholeTerritoryByYear() throws {
        let rows = [["Année", "Indicateur", "Valeur"], ["2025", "Affaires poursuivables", "1 234"], ["2025", "Mesures de réparation", "56"]]
        let report = try loaded(try load(rows, partner: "justice", feed: "activite-parquet", name: "parquet_2025.csv"))
        XCTAssertEqual(report.periods, [.year(2025)])
        XCTAssertEqual(try store.countTotals(by: [.unit, .period]).map(\.total), [1290])
    }
}

extension String {
    static func fetchAll(_ store: Store, sql: String) throws -> [String] {
        try store.read { db in try String.fetchAll(db, sql: sql) }
    }
}

extension Int {
    static func fetchAll(_ store: Store, sql: String) throws -> [Int] {
        try store.read { db in try Int.fetchAll(db, sql: sql) }
    }

    static func fetchOne(_ store: Store, sql: String) throws -> Int? {
        try store.read { db in try Int.fetchOne(db, sql: sql) }
    }
}

extension Row {
    static func fetchAll(_ store: Store, sql: String) throws -> [Row] {
        try store.read { db in try Row.fetchAll(db, sql: sql) }
    }
}
