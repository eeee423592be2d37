import Foundation
import XCTest

/// `vigie reclassify`: a nature added to partners.yaml after its rows were loaded « non classé ».
final class ReclassifyCommandTests: XCTestCase {
    static let header = "Date de l'incident;Ligne;Arrêt;Ville;Type d'incident;Atteinte;Suites"
    /// STRAV's October 2025 list, then its correction (which supersedes it): day, town, nature.
    static let first: [(Int, String, String)] = [
        (3, "Créteil", "Jet de projectile"), (3, "Créteil", "Jet de projectile"), (3, "Créteil", "Jet de projectile"),
        (5, "Créteil", "Caillassage"), (12, "Alfortville", "Jet de projectile"), (20, "Créteil", "Incivilité"),
    ]
    static let corrected: [(Int, String, String)] = first + [
        (3, "Créteil", "Jet de projectile"), (28, "Alfortville", "jet de projectile"), (28, "Alfortville", "Caillassage"),
    ]
    /// OGIF's October 2025 numbers: residence, nature, value.
    static let ogif: [(String, String, Int)] = [("Franceschi", "Squat de cave", 3), ("Franceschi", "Dégradation", 2), ("Résidence du Port", "Squat de cave", 1)]

    /// The files of the test, written in `cli`'s folder, in the order they are loaded.
    static func writeFiles(_ cli: CLI) throws -> [(URL, String, String)] {
        var files: [(URL, String, String)] = []
        for (name, rows) in [("strav_2025-10.csv", first), ("strav_2025-10_v2.csv", corrected)] {
            let lines = rows.map { String(format: "%02d/10/2025", $0.0) + ";J1;Descartes;\($0.1);\($0.2);personne;plainte" }
            try Data(([header] + lines).joined(separator: "\n").utf8).write(to: cli.file(name))
            files.append((cli.file(name), "strav", "incidents-transport"))
        }
        let counts = ["Période;Groupe;Type d'incident;Nb"] + ogif.map { "octobre 2025;\($0.0);\($0.1);\($0.2)" }
        try Data(counts.joined(separator: "\n").utf8).write(to: cli.file("ogif_2025-10.csv"))
        files.append((cli.file("ogif_2025-10.csv"), "ogif", "incidents-residences"))
        return files
    }

    /// A copy of Config/ in `cli`'s folder.
    static func copyConfig(_ cli: CLI) throws -> URL {
        let config = cli.file("Config")
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("Config"), to: config)
        return config
    }

    /// Adds one nature to STRAV's and one to OGIF's feed, each in one line with a merge key.
    static func addNatures(_ config: URL) throws {
        let url = config.appendingPathComponent("partners.yaml")
        var text = try String(contentsOf: url, encoding: .utf8)
        for (anchor, nature) in [("transport", "Jet de projectile: destructions-degradations"), ("bailleurs", "Squat de cave: occupations-halls")] {
            let line = "        natures: *\(anchor)\n"
            XCTAssertEqual(text.components(separatedBy: line).count, 2, "one feed uses *\(anchor)")
            text = text.replacingOccurrences(of: line, with: "        natures: { <<: *\(anchor), \(nature) }\n")
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func run(_ cli: CLI, _ arguments: [String], config: URL, db: String? = nil, expect: Int32 = 0,
             file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let result = try cli.run(arguments + ["--config", config.path, "--db", db ?? cli.db], store: false)
        XCTAssertEqual(result.status, expect, result.stdout + result.stderr, file: file, line: line)
        return result.stdout + result.stderr
    }

    /// What every query reads, per table, submissions named by their bytes.
    func tables(_ cli: CLI, db: String) throws -> [String] {
        try [
            "SELECT s.sha256, i.source_row, i.nature, i.category FROM incident i JOIN submission s ON s.id = i.submission_id ORDER BY 1, 2",
            "SELECT s.sha256, d.day, d.commune, d.sector, d.quartier, d.category, d.nature, d.n FROM incident_daily d JOIN submission s ON s.id = d.submission_id ORDER BY 1, 2, 3, 4, 5, 6, 7",
            "SELECT s.sha256, m.day, m.commune, m.sector, m.quartier, m.category, m.nature, m.n FROM incident_monthly m JOIN submission s ON s.id = m.submission_id ORDER BY 1, 2, 3, 4, 5, 6, 7",
            "SELECT s.sha256, c.source_row, c.code, c.category, c.value FROM count_value c JOIN submission s ON s.id = c.submission_id ORDER BY 1, 2",
        ].map { try cli.sql($0, db: db) }
    }

    func testReclassifyGivesRowsLoadedUnclassifiedTheCategoryAFreshLoadWouldGive() throws {
        let cli = try CLI()
        let config = try Self.copyConfig(cli)
        let files = try Self.writeFiles(cli)
        for (url, partner, feed) in files {
            _ = try run(cli, ["ingest", url.path, "--partner", partner, "--feed", feed], config: config)
        }
        XCTAssertEqual(try cli.sql("SELECT status FROM submission ORDER BY id"), "superseded\nloaded\nloaded")
        func rows(_ list: [(Int, String, String)], _ nature: String) -> Int { list.filter { $0.2 == nature }.count }
        let squat = Self.ogif.filter { $0.1 == "Squat de cave" }.count

        let before = try run(cli, ["status"], config: config)
        XCTAssertTrue(before.contains("strav/incidents-transport : « Jet de projectile » (\(rows(Self.corrected, "Jet de projectile")) ligne(s))"), before)
        XCTAssertTrue(before.contains("strav/incidents-transport : « jet de projectile » (1 ligne(s))"), before)
        XCTAssertTrue(before.contains("ogif/incidents-residences : « Squat de cave » (\(squat) ligne(s))"), before)

        try Self.addNatures(config)
        XCTAssertTrue(try run(cli, ["reclassify", "--partner", "nobody"], config: config, expect: 2).contains("partenaire inconnu : « nobody »"))
        XCTAssertTrue(try run(cli, ["reclassify", "--feed", "nothing"], config: config, expect: 2).contains("flux inconnu : « nothing »"))

        // OGIF only, then everything: STRAV's rows of both files, the superseded one included.
        let ogif = try run(cli, ["reclassify", "--partner", "ogif", "--feed", "incidents-residences"], config: config)
        XCTAssertTrue(ogif.contains("ogif/incidents-residences : « Squat de cave » : \(squat) ligne(s) → "), ogif)
        XCTAssertFalse(ogif.contains("strav"), ogif)
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM incident WHERE category IS NULL"),
                       String(rows(Self.first + Self.corrected, "Jet de projectile") + 1))
        let all = try run(cli, ["reclassify"], config: config)
        let jets = rows(Self.first, "Jet de projectile") + rows(Self.corrected, "Jet de projectile")
        XCTAssertTrue(all.contains("strav/incidents-transport : « Jet de projectile » : \(jets) ligne(s) → "), all)
        XCTAssertTrue(all.contains("strav/incidents-transport : « jet de projectile » : 1 ligne(s) → "), all)
        XCTAssertFalse(all.contains("ogif"), all)

        // What a fresh store loading the same files with the new partners.yaml holds.
        let fresh = cli.file("fresh.sqlite").path
        for (url, partner, feed) in files {
            _ = try run(cli, ["ingest", url.path, "--partner", partner, "--feed", feed], config: config, db: fresh)
        }
        XCTAssertEqual(try tables(cli, db: cli.db), try tables(cli, db: fresh))
        XCTAssertEqual(try cli.contentDigest(), try cli.contentDigest(db: fresh))
        XCTAssertEqual(try cli.storeProblems(), "")
        for extract in [["extract", "incidents", "--by", "category"], ["extract", "incidents", "--by", "period,commune,category,nature", "--step", "day"],
                        ["extract", "counts", "--by", "category"]] {
            XCTAssertEqual(try run(cli, extract, config: config), try run(cli, extract, config: config, db: fresh), extract.joined(separator: " "))
        }
        XCTAssertTrue(try run(cli, ["extract", "incidents", "--by", "category"], config: config).contains("destructions-degradations"))

        let after = try run(cli, ["status"], config: config)
        XCTAssertFalse(after.contains("Natures non classées"), after)
        XCTAssertEqual(try cli.sql("SELECT partner, feed, nature, category, rows_changed FROM reclassification ORDER BY id"), """
            ogif|incidents-residences|Squat de cave|occupations-halls|\(squat)
            strav|incidents-transport|Jet de projectile|destructions-degradations|\(jets)
            strav|incidents-transport|jet de projectile|destructions-degradations|1
            """)

        let dump = try cli.sql(".dump")
        let again = try run(cli, ["reclassify"], config: config)
        XCTAssertTrue(again.contains("Rien à reclasser"), again)
        XCTAssertEqual(try cli.sql(".dump"), dump, "the second run changes nothing")
    }
}
