import Foundation
import XCTest

/// Free-text descriptions are kept `retention_months` (settings.yaml), then erased by `vigie purge`
/// or the nightly run; incidents and every count stay.
final class PurgeCommandTests: XCTestCase {
    /// The first day kept, worked out here from the calendar: today in Paris less `retention_months`.
    static var cutoff: Date {
        get throws {
            let settings = try String(contentsOf: CLI.repo.appendingPathComponent("Config/settings.yaml"), encoding: .utf8)
            let line = try XCTUnwrap(settings.split(separator: "\n").first { $0.hasPrefix("retention_months:") })
            let months = try XCTUnwrap(Int(line.dropFirst("retention_months:".count).trimmingCharacters(in: .whitespaces)))
            return try XCTUnwrap(paris.date(byAdding: .month, value: -months, to: paris.startOfDay(for: Date())))
        }
    }

    static var paris: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .current
        return calendar
    }

    /// `date` plus `days`, as `dd/mm/yyyy` (the police's files) and `yyyy-mm-dd` (the store).
    static func day(_ date: Date, _ days: Int) -> (french: String, iso: String) {
        let c = paris.dateComponents([.year, .month, .day], from: paris.date(byAdding: .day, value: days, to: date) ?? date)
        return (String(format: "%02d/%02d/%04d", c.day ?? 0, c.month ?? 0, c.year ?? 0), String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0))
    }

    /// Six faits marquants around the cutoff C, in two files: C−40, C−39 and C−38 (this one without
    /// description), then C−1, C and C+1. Three descriptions are older than the cutoff: C−40…C−1.
    func loadAroundTheCutoff(_ cli: CLI) throws {
        let c = try Self.cutoff
        let header = "Date des faits;Heure;Commune;Lieu;Nature;Résumé;Arme;N° de procédure"
        let files: [(String, [(Int, String)])] = [
            ("ancien.csv", [(-40, "Résumé ancien un"), (-39, "Résumé ancien deux"), (-38, "")]),
            ("limite.csv", [(-1, "Résumé de la veille"), (0, "Résumé du premier jour gardé"), (1, "Résumé récent")]),
        ]
        for (name, rows) in files {
            let lines = rows.enumerated().map { i, row in
                "\(Self.day(c, row.0).french);10:00;Créteil;12 Rue Albert Doyen;Cambriolage;\(row.1);non;P-\(name)-\(i)"
            }
            try Data(([header] + lines).joined(separator: "\n").utf8).write(to: cli.file(name))
            let ingest = try cli.run(["ingest", cli.file(name).path, "--partner", "police-nationale", "--feed", "faits-marquants"])
            XCTAssertEqual(ingest.status, 0, ingest.stdout + ingest.stderr)
        }
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM incident"), "6")
    }

    /// What must not change when descriptions go: every incident and every number.
    func counts(_ cli: CLI) throws -> [String] {
        let extract = try cli.run(["extract", "incidents", "--by", "period,commune,quartier,category,nature", "--step", "day"])
        XCTAssertEqual(extract.status, 0, extract.stderr)
        return [extract.stdout, try cli.sql("SELECT COUNT(*), SUM(n) FROM incident_daily"), try cli.sql("SELECT COUNT(*) FROM incident")]
    }

    /// After a purge: the descriptions before the cutoff are gone, the three from the cutoff on stay.
    func assertPurged(_ cli: CLI, file: StaticString = #filePath, line: UInt = #line) throws {
        let c = Self.day(try Self.cutoff, 0).iso
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM incident WHERE date < '\(c)' AND description IS NOT NULL"), "0", file: file, line: line)
        XCTAssertEqual(try cli.sql("SELECT group_concat(description, '|') FROM (SELECT description FROM incident WHERE date >= '\(c)' ORDER BY date)"),
                       "Résumé du premier jour gardé|Résumé récent", file: file, line: line)
    }

    func testADryRunSaysWhatWouldGoAndChangesNothingThenThePurgeErasesExactlyThat() throws {
        let cli = try CLI()
        try loadAroundTheCutoff(cli)
        let c = try Self.cutoff
        // Every row of every table, read by the sqlite3 shell. (Not the file's bytes: GRDB opens a pool
        // whose WAL is empty by creating and dropping a table, so any command changes a checkpointed file.)
        let dump = try cli.sql(".dump")
        let before = try counts(cli)

        let dry = try cli.run(["purge", "--dry-run"])
        XCTAssertEqual(dry.status, 0, dry.stderr)
        XCTAssertTrue(dry.stdout.contains("Simulation : rien n'est modifié."), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("3 résumé(s) seraient effacé(s) :"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("antérieurs au \(Self.day(c, 0).french)"), dry.stdout)
        XCTAssertTrue(dry.stdout.contains("police-nationale/faits-marquants : 3 résumé(s), faits du \(Self.day(c, -40).french) au \(Self.day(c, -1).french)"), dry.stdout)
        XCTAssertEqual(try cli.sql(".dump"), dump, "the store holds the same rows")
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM incident WHERE description IS NOT NULL"), "5")

        let purge = try cli.run(["purge"])
        XCTAssertEqual(purge.status, 0, purge.stderr)
        XCTAssertTrue(purge.stdout.contains("3 résumé(s) effacé(s) :"), purge.stdout)
        XCTAssertFalse(purge.stdout.contains("Simulation"))
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM incident WHERE description IS NOT NULL"), "2")
        try assertPurged(cli)
        XCTAssertEqual(try counts(cli), before, "incidents and counts stay")

        let again = try cli.run(["purge", "--dry-run"])
        XCTAssertTrue(again.stdout.contains("0 résumé(s) seraient effacé(s)."), again.stdout)
    }

    func testTheNightlyRunErasesTheSameDescriptionsAndKeepsEveryCount() throws {
        let cli = try CLI()
        try loadAroundTheCutoff(cli)
        let before = try counts(cli)
        try FileManager.default.createDirectory(at: cli.file("inbox"), withIntermediateDirectories: true)
        let night = try cli.run(["nightly", "--inbox", cli.file("inbox").path])
        XCTAssertTrue(night.stdout.contains("Résumés effacés (durée de conservation) : 3."), night.stdout)
        try assertPurged(cli)
        XCTAssertEqual(try counts(cli), before, "incidents and counts stay")
    }

    func testAMissingStoreIsRefusedNotCreated() throws {
        let cli = try CLI()
        let missing = cli.file("absente.sqlite").path
        let result = try cli.run(["purge", "--dry-run", "--db", missing, "--config", CLI.repo.appendingPathComponent("Config").path], store: false)
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("base introuvable : \(missing)"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: missing))
        let help = try cli.run(["help", "purge"], store: false)
        XCTAssertTrue(help.stdout.contains("--dry-run") && help.stdout.contains("Dit combien de résumés"), help.stdout)
    }
}
