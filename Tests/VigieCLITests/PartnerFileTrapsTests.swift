import Foundation
import XCTest

/// Files partners really send that used to load with exit 0 and wrong figures (issue 16): each must
/// load the right values, or be refused / rejected with the file, sheet, row and column, the store's
/// data unchanged by a refusal. The workbooks in `Traps/` were written by openpyxl and XlsxWriter
/// (`Traps/make_traps.py`); the expected numbers are recomputed here from the rules that script states.
final class PartnerFileTrapsTests: XCTestCase {
    static let traps = CLI.repo.appendingPathComponent("Tests/VigieCLITests/Traps")
    static let communes = ["94002", "94028", "94044"]
    static let unused: Set<Int> = [96, 97, 99, 100]

    /// `make_traps.py`'s état 4001 value: index × 3 + column, modulo 11 (0 on unused index).
    static func stateValue(_ index: Int, _ column: Int) -> Int {
        unused.contains(index) ? 0 : (index * 3 + column) % 11
    }

    func trap(_ name: String) -> String { Self.traps.appendingPathComponent(name).path }

    /// A copy of Config/ whose partners.yaml went through `edit`.
    func config(in cli: CLI, _ edit: (String) -> String) throws -> String {
        let copy = cli.directory.appendingPathComponent("Config")
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("Config"), to: copy)
        let partners = copy.appendingPathComponent("partners.yaml")
        let text = try String(contentsOf: partners, encoding: .utf8)
        let edited = edit(text)
        XCTAssertNotEqual(edited, text, "the configuration edit changed nothing")
        try edited.write(to: partners, atomically: true, encoding: .utf8)
        return copy.path
    }

    /// The SHA-256 of every stored value (counts, incidents, aggregates, periods, rejects) and of the
    /// submissions not refused: what a refusal must leave as it was.
    func dataDigest(_ cli: CLI) throws -> String {
        try cli.sql("""
            SELECT hex(sha3(group_concat(x, char(10)))) FROM (
              SELECT 's|' || partner || '|' || feed || '|' || sha256 || '|' || status AS x FROM submission WHERE status != 'refused'
              UNION ALL SELECT 'c|' || period || '|' || unit || '|' || code || '|' || value || '|' || COALESCE(sheet, '') || source_row || source_column FROM count_value
              UNION ALL SELECT 'i|' || date || '|' || commune || '|' || nature || '|' || source_row FROM incident
              UNION ALL SELECT 'd|' || day || '|' || commune || '|' || category || '|' || nature || '|' || n FROM incident_daily
              UNION ALL SELECT 'm|' || day || '|' || commune || '|' || category || '|' || nature || '|' || n FROM incident_monthly
              UNION ALL SELECT 'p|' || period || '|' || submission_id FROM submission_period
              UNION ALL SELECT 'r|' || COALESCE(sheet, '') || '|' || COALESCE(source_row, '') || '|' || COALESCE(source_column, '') || '|' || reason FROM reject
              ORDER BY x)
            """)
    }

    /// Loads a first, clean file so that "unchanged" is checked on a store that holds something.
    func storeWithSomething(_ cli: CLI, config: String? = nil) throws -> String {
        let csv = cli.file("stats_affinees_2026-09.csv")
        try "Mois;Commune;Thème;Nombre\n2026-09;Créteil;Violences routières;4\n".write(to: csv, atomically: true, encoding: .utf8)
        let r = try ingest(cli, csv.path, "police-nationale", "statistiques-affinees", config: config)
        XCTAssertEqual(r.status, 0, r.stdout)
        return try dataDigest(cli)
    }

    func ingest(_ cli: CLI, _ file: String, _ partner: String, _ feed: String, config: String? = nil, _ extra: [String] = []) throws -> CLI.Result {
        if let config {
            return try cli.run(["ingest", file, "--partner", partner, "--feed", feed, "--config", config, "--db", cli.db] + extra, store: false)
        }
        return try cli.run(["ingest", file, "--partner", partner, "--feed", feed] + extra)
    }

    func refusals(_ cli: CLI) throws -> String {
        try cli.sql("SELECT message FROM submission WHERE status = 'refused' ORDER BY id")
    }

    // MARK: - 1. Hidden sheets

    func testHiddenSheetsAreNotReadAndTheReportSaysWhich() throws {
        let cli = try CLI()
        let r = try ingest(cli, trap("etat4001-masquees_2026-10.xlsx"), "police-nationale", "etat4001")
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.contains("feuille « Brouillon » non lue : elle est masquée"), r.stdout)
        XCTAssertTrue(r.stdout.contains("feuille « Copie » non lue : elle est très masquée"), r.stdout)
        // Only the visible sheet's values: +100 (hidden) or +1000 (very hidden) would show.
        for (column, commune) in Self.communes.enumerated() {
            let expected = (1...107).map { Self.stateValue($0, column) }.reduce(0, +)
            XCTAssertEqual(try cli.sql("SELECT SUM(value) FROM count_value WHERE commune = '\(commune)'"), String(expected), commune)
        }
        XCTAssertEqual(try cli.sql("SELECT COUNT(DISTINCT sheet) || ' ' || MIN(sheet) FROM count_value"), "1 Octobre 2026")
    }

    func testTheSameIndexInTwoSheetsIsNeverSummed() throws {
        let cli = try CLI()
        let config = try config(in: cli) {
            $0.replacingOccurrences(of: "        max_rejected_rows: 0\n        since: 2024-01\n",
                                    with: "        max_rejected_rows: 0\n        since: 2024-01\n        read_hidden_sheets: true\n")
        }
        let before = try storeWithSomething(cli, config: config)
        let r = try ingest(cli, trap("etat4001-masquees_2026-10.xlsx"), "police-nationale", "etat4001", config: config)
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("fichier refusé"), r.stdout)
        // The police state tolerates no rejected row: the first reject names both places of index 1 for Alfortville.
        XCTAssertTrue(r.stdout.contains("feuille « Octobre 2026 », ligne 4, colonne C, valeur « \(Self.stateValue(1, 0)) »"), r.stdout)
        XCTAssertTrue(r.stdout.contains("redonné feuille « Brouillon », ligne 4, colonne C (\(Self.stateValue(1, 0) + 100))"), r.stdout)
        XCTAssertEqual(try dataDigest(cli), before)
        XCTAssertTrue(try refusals(cli).contains("rejetée"))
    }

    // MARK: - 2. The 1904 date system

    func testAMacWorkbookInThe1904DateSystemGivesTheDaysItShows() throws {
        let cli = try CLI()
        let r = try ingest(cli, trap("ratp-mac-1904_2026-10.xlsx"), "ratp", "incidents-transport")
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        // make_traps.py wrote 3, 11, 17, 24 and 30 October 2026 (serials 44836… in the 1904 system).
        XCTAssertEqual(try cli.sql("SELECT group_concat(date, ' ') FROM (SELECT date FROM incident ORDER BY date)"),
                       "2026-10-03 2026-10-11 2026-10-17 2026-10-24 2026-10-30")
    }

    // MARK: - 3. Encodings

    func testAFileMixingUTF8AndWindows1252IsRefusedAtTheLineOfTheFirstBadByte() throws {
        let cli = try CLI()
        let before = try storeWithSomething(cli)
        var bytes = Array("Mois;Commune;Thème;Nombre\n2026-10;Créteil;Différends conjugaux et familiaux;12\n2026-10;Alfortville;Différends conjugaux et familiaux;7\n".utf8)
        bytes += Array("2026-10;Limeil-Br".utf8) + [0xE9] + Array("vannes;Violences routi".utf8) + [0xE8] + Array("res;3\n".utf8)
        let file = cli.file("stats_affinees_2026-10.csv")
        try Data(bytes).write(to: file)
        let r = try ingest(cli, file.path, "police-nationale", "statistiques-affinees")
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("ligne 4 : encodage mélangé"), r.stdout)
        XCTAssertTrue(r.stdout.contains("0xE9"), r.stdout)
        XCTAssertEqual(try dataDigest(cli), before)
    }

    /// One header misspelt: the refusal names the row that comes closest, the columns it has and
    /// the one it lacks — not every required column as if none were there.
    func testAMisspeltHeaderIsNamedAloneWithTheRowThatHasTheOthers() throws {
        let cli = try CLI()
        let before = try storeWithSomething(cli)
        let counts = cli.file("ch_incidents_2026-11.csv")
        try "Titre du tableau\nMois;Résidance;Nature;Nombre\n11/2026;Résidence du Mont-Mesly;Occupation de hall;2\n"
            .write(to: counts, atomically: true, encoding: .utf8)
        var r = try ingest(cli, counts.path, "creteil-habitat", "incidents-residences")
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("ligne d'en-tête introuvable : la ligne 2 a « Nature », « Nombre » mais pas « Résidence »"), r.stdout)
        let incidents = cli.file("strav_incidents_2026-11.csv")
        try "Date de l'incident;Ligne;Arrêt;Villes;Type d'incident;Atteinte;Suites\n01/11/2026;J1;Descartes;Créteil;Agression d'agent;personne;main courante\n"
            .write(to: incidents, atomically: true, encoding: .utf8)
        r = try ingest(cli, incidents.path, "strav", "incidents-transport")
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("la ligne 1 a « Date de l'incident », « Type d'incident » mais pas « Ville »"), r.stdout)
        // A file with none of them keeps the plain sentence.
        let other = cli.file("strav_incidents_2026-09.csv")
        try "A;B\n1;2\n".write(to: other, atomically: true, encoding: .utf8)
        r = try ingest(cli, other.path, "strav", "incidents-transport")
        XCTAssertTrue(r.stdout.contains("les colonnes « Date de l'incident », « Type d'incident », « Ville » n'apparaissent pas"), r.stdout)
        XCTAssertEqual(try dataDigest(cli), before)
    }

    func testWindows1252AloneAndUTF8AloneBothGiveTheAccents() throws {
        let cli = try CLI()
        let text = "Mois;Commune;Thème;Nombre\n2026-10;Limeil-Brévannes;Différends conjugaux et familiaux;12\n"
        let ansi = cli.file("stats_affinees_2026-10.csv"), utf8 = cli.file("stats_affinees_2026-11.csv")
        try XCTUnwrap(text.data(using: .windowsCP1252)).write(to: ansi)
        try XCTUnwrap(text.replacingOccurrences(of: "2026-10", with: "2026-11").data(using: .utf8)).write(to: utf8)
        for file in [ansi, utf8] {
            let r = try ingest(cli, file.path, "police-nationale", "statistiques-affinees")
            XCTAssertEqual(r.status, 0, r.stdout)
        }
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM count_value WHERE code = 'Différends conjugaux et familiaux' AND commune = '94044' AND category IS NOT NULL"), "2")
    }

    func testAnInvisibleCharacterInAValueIsShownInTheReport() throws {
        let cli = try CLI()
        let file = cli.file("stats_affinees_2026-10.csv")
        try "Mois;Commune;Thème;Nombre\n2026-10;Créteil;Violences routières;4\n2026-10;\u{FEFF}Paris;Violences routières;4\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let r = try ingest(cli, file.path, "police-nationale", "statistiques-affinees")
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("ligne 3, colonne B, valeur « <U+FEFF>Paris » : commune hors du territoire"), r.stdout)
    }

    // MARK: - 4. Duplicate keys in counts

    func testTheSameCommuneAndThemeTwiceRejectsBothAndLoadsTheRest() throws {
        let cli = try CLI()
        let rows = [("Créteil", "Violences routières", 5), ("Alfortville", "Violences routières", 9),
                    ("Créteil", "Violences routières", 7), ("Créteil", "Délinquance des mineurs", 11)]
        let file = cli.file("stats_affinees_2026-10.csv")
        try (["Mois;Commune;Thème;Nombre"] + rows.map { "2026-10;\($0.0);\($0.1);\($0.2)" }).joined(separator: "\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let r = try ingest(cli, file.path, "police-nationale", "statistiques-affinees")
        XCTAssertEqual(r.status, 1, r.stdout)
        // Lines 2 and 4 (Créteil × violences routières) are both rejected, each naming the other; never 5 + 7.
        XCTAssertTrue(r.stdout.contains("ligne 2, colonne D, valeur « 5 » : 2026-10 × Créteil × « Violences routières » est redonné ligne 4, colonne D (7)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("ligne 4, colonne D, valeur « 7 » : 2026-10 × Créteil × « Violences routières » est déjà donné ligne 2, colonne D (5)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("lignes lues : 4, chargées : 2, rejetées : 2 ; valeurs enregistrées : 2"), r.stdout)
        XCTAssertEqual(try cli.sql("SELECT group_concat(source_row || '=' || value, ' ') FROM (SELECT * FROM count_value ORDER BY source_row)"),
                       "3=9 5=11")
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM reject"), "2")
    }

    func testAFeedThatForbidsDuplicatesRefusesTheFile() throws {
        let cli = try CLI()
        let config = try config(in: cli) {
            $0.replacingOccurrences(of: "        columns: { period: Mois, unit: Commune, nature: Thème, value: Nombre }\n",
                                    with: "        columns: { period: Mois, unit: Commune, nature: Thème, value: Nombre }\n        duplicates: refuse\n")
        }
        let before = try storeWithSomething(cli, config: config)
        let file = cli.file("stats_affinees_2026-10.csv")
        try "Mois;Commune;Thème;Nombre\n2026-10;Créteil;Violences routières;5\n2026-10;créteil;violences routieres;7\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let r = try ingest(cli, file.path, "police-nationale", "statistiques-affinees", config: config)
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("ligne 3, colonne D : 2026-10 × créteil × « violences routieres » est donné deux fois : ligne 2, colonne D et ligne 3, colonne D (7)"), r.stdout)
        XCTAssertEqual(try dataDigest(cli), before)
    }

    // MARK: - 5. Formulas without a cached value

    func testAFormulaNeverComputedRefusesAStateThatMustBeComplete() throws {
        let cli = try CLI()
        let before = try storeWithSomething(cli)
        // XlsxWriter stores 0 for =3+4 and asks Excel to recalculate: 0 is not what the police meant.
        let r = try ingest(cli, trap("etat4001-formule_2026-10.xlsx"), "police-nationale", "etat4001")
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("feuille « Octobre 2026 », ligne 10, colonne D, valeur « =3+4 » : un nombre entier positif ou nul est attendu (formule sans valeur calculée : ouvrez et enregistrez le fichier dans Excel"), r.stdout)
        XCTAssertEqual(try dataDigest(cli), before)
    }

    func testAFormulaNeverComputedIsARejectedCellElsewhere() throws {
        let cli = try CLI()
        let r = try ingest(cli, trap("stats-formule_2026-10.xlsx"), "police-nationale", "statistiques-affinees")
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("ligne 5, colonne D, valeur « =2+3 » : un nombre entier positif ou nul est attendu (formule sans valeur calculée"), r.stdout)
        // make_traps.py's other three counts: 21, 34 and 8.
        XCTAssertEqual(try cli.sql("SELECT SUM(value) || ' ' || COUNT(*) FROM count_value"), "\(21 + 34 + 8) 3")
    }

    // MARK: - 6. Percent-formatted cells

    func testAPercentCellIsNotACount() throws {
        let cli = try CLI()
        let r = try ingest(cli, trap("stats-pourcentage_2026-10.xlsx"), "police-nationale", "statistiques-affinees")
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("ligne 4, colonne D, valeur « 100 % » : un nombre entier positif ou nul est attendu (cellule au format pourcentage"), r.stdout)
        XCTAssertEqual(try cli.sql("SELECT SUM(value) || ' ' || COUNT(*) FROM count_value"), "\(21 + 34 + 5) 3")
    }

    // MARK: - 7. The same bytes under another partner

    func testTheSameBytesUnderAnotherPartnerAreRefusedUnlessForced() throws {
        let cli = try CLI()
        // Columns of both bailleurs, so that the file is readable as either.
        let file = cli.file("incidents_2026-10.csv")
        try "Mois;Résidence;Nature;Nombre;Période;Groupe;Type d'incident;Nb\n10/2026;Les Sablières;Occupation de hall;4;10/2026;Les Sablières;Occupation de hall;4\n"
            .write(to: file, atomically: true, encoding: .utf8)
        XCTAssertEqual(try ingest(cli, file.path, "creteil-habitat", "incidents-residences").status, 0)
        let before = try dataDigest(cli)
        let r = try ingest(cli, file.path, "ogif", "incidents-residences")
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("a déjà été chargé le"), r.stdout)
        XCTAssertTrue(r.stdout.contains("pour un autre partenaire : « creteil-habitat », flux « incidents-residences », sous le nom « incidents_2026-10.csv »"), r.stdout)
        XCTAssertTrue(r.stdout.contains("--force"), r.stdout)
        XCTAssertEqual(try dataDigest(cli), before)
        let forced = try ingest(cli, file.path, "ogif", "incidents-residences", ["--force"])
        XCTAssertEqual(forced.status, 0, forced.stdout)
        XCTAssertEqual(try cli.sql("SELECT group_concat(partner, ' ') FROM (SELECT partner FROM submission WHERE status = 'loaded' ORDER BY partner)"),
                       "creteil-habitat ogif")
    }

    // MARK: - 8. Periods that do not fit the feed

    func testAPeriodOfAnotherCadenceIsRefused() throws {
        let cli = try CLI()
        let file = cli.file("parquet.csv")
        try "Année;Indicateur;Valeur\n2025;Affaires traitées;120\n".write(to: file, atomically: true, encoding: .utf8)
        let r = try ingest(cli, file.path, "justice", "activite-parquet", ["--period", "2020-01"])
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stderr.contains("la période 2020-01 n'a pas la cadence du flux « activite-parquet », qui attend une année (ex. 2026)"), r.stderr)
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM submission"), "0")

        // A month in the period column of a yearly feed is a rejected row, not a late year.
        try "Année;Indicateur;Valeur\n2025;Affaires traitées;120\n2025-03;Affaires traitées;9\n".write(to: file, atomically: true, encoding: .utf8)
        let rows = try ingest(cli, file.path, "justice", "activite-parquet")
        XCTAssertEqual(rows.status, 1, rows.stdout)
        XCTAssertTrue(rows.stdout.contains("ligne 3, colonne A, valeur « 2025-03 » : la période 2025-03 n'a pas la cadence"), rows.stdout)
        XCTAssertEqual(try cli.sql("SELECT group_concat(period || '=' || value) FROM count_value"), "2025=120")
    }

    // MARK: - Dry run

    func testADryRunChecksEverythingAndStoresNothing() throws {
        let cli = try CLI()
        let before = try storeWithSomething(cli)
        let ledger = try cli.sql("SELECT COUNT(*) FROM submission")
        let misnamed = cli.file("stats.csv"), good = cli.file("stats_affinees_2026-10.csv")
        try "Mois;Communes;Theme;Nombre\n2026-10;Créteil;Violences routières;4\n".write(to: misnamed, atomically: true, encoding: .utf8)
        try "Mois;Commune;Thème;Nombre\n2026-10;Créteil;Violences routières;4\n2026-10;Créteil;Vols de trottinettes;3\n2026-10;Paris;Violences routières;2\n"
            .write(to: good, atomically: true, encoding: .utf8)

        let refused = try ingest(cli, misnamed.path, "police-nationale", "statistiques-affinees", ["--dry-run"])
        XCTAssertEqual(refused.status, 1, refused.stdout)
        XCTAssertTrue(refused.stdout.contains("serait refusé (essai à blanc : rien n'a été enregistré)"), refused.stdout)
        XCTAssertTrue(refused.stdout.contains("en-tête trouvé ligne 1 : A : Mois | B : Communes | C : Theme | D : Nombre"), refused.stdout)
        XCTAssertTrue(refused.stdout.contains("« Commune » (unit) : absente — la plus proche : « Communes »"), refused.stdout)
        XCTAssertTrue(refused.stdout.contains("« Thème » (nature) : colonne C"), refused.stdout)

        let loads = try ingest(cli, good.path, "police-nationale", "statistiques-affinees", ["--dry-run"])
        XCTAssertEqual(loads.status, 1, loads.stdout)
        XCTAssertTrue(loads.stdout.contains("se chargerait (essai à blanc : rien n'a été enregistré)"), loads.stdout)
        XCTAssertTrue(loads.stdout.contains("natures non classées (chargées « non classé », à ajouter dans partners.yaml) : « Vols de trottinettes » (1)"), loads.stdout)
        XCTAssertTrue(loads.stdout.contains("ligne 4, colonne B, valeur « Paris » : commune hors du territoire"), loads.stdout)
        XCTAssertTrue(loads.stdout.contains("lignes lues : 3, chargées : 2, rejetées : 1 ; valeurs à enregistrer : 2"), loads.stdout)

        let formula = try ingest(cli, trap("etat4001-formule_2026-10.xlsx"), "police-nationale", "etat4001", ["--dry-run"])
        XCTAssertTrue(formula.stdout.contains("serait refusé") && formula.stdout.contains("formule sans valeur calculée"), formula.stdout)

        XCTAssertEqual(try dataDigest(cli), before)
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM submission"), ledger, "a dry run recorded something in the ledger")
        // The real load afterwards does what the dry run said.
        let real = try ingest(cli, good.path, "police-nationale", "statistiques-affinees")
        XCTAssertTrue(real.stdout.contains("lignes lues : 3, chargées : 2, rejetées : 1 ; valeurs enregistrées : 2"), real.stdout)
    }

    // MARK: - 11. Messages point where the problem is

    func testATitleThatDisagreesWithPeriodIsNamedAtItsLine() throws {
        let cli = try CLI()
        let file = cli.file("etat.csv")
        var lines = ["Direction territoriale", "État 4001 — septembre 2026", "", "Index;Libellé;Alfortville;Créteil;Limeil-Brévannes"]
        lines += (1...107).map { "\($0);libellé;1;1;1" }
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let r = try ingest(cli, file.path, "police-nationale", "etat4001", ["--period", "2026-10"])
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("fichier « etat.csv », ligne 2 : le titre indique 2026-09 mais --period dit 2026-10"), r.stdout)
    }

    func testACountTooLargeIsSaidSoAndLongValuesAreCut() throws {
        let cli = try CLI()
        let file = cli.file("stats_affinees_2026-10.csv")
        let long = String(repeating: "Thème très long ", count: 20_000)
        try "Mois;Commune;Thème;Nombre\n2026-10;Créteil;Violences routières;12345678901234\n2026-10;\(long);Violences routières;3\n2026-10;Créteil;Délinquance des mineurs;6\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let r = try ingest(cli, file.path, "police-nationale", "statistiques-affinees")
        XCTAssertEqual(r.status, 1, r.stdout)
        XCTAssertTrue(r.stdout.contains("valeur « 12345678901234 » : un nombre entier positif ou nul est attendu (nombre trop grand"), r.stdout)
        XCTAssertTrue(r.stdout.contains("(\(long.count) caractères en tout)"), r.stdout)
        let longest = r.stdout.split(separator: "\n").map(\.count).max() ?? 0
        XCTAssertLessThan(longest, 1_000, "a report line of \(longest) characters")
    }
}
