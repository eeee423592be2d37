import Foundation
import XCTest

/// Every option that names a place takes the INSEE code, the id, the name or an alias, case and
/// accents ignored; a wrong one lists the closest names. Expected codes are read from territory.yaml.
final class PlaceOptionsTests: XCTestCase {
    /// INSEE code or id of a place named `name` in Config/territory.yaml, read without Vigie's loader.
    static func code(of name: String) throws -> String {
        let yaml = try String(contentsOf: CLI.repo.appendingPathComponent("Config/territory.yaml"), encoding: .utf8)
        let lines = yaml.split(separator: "\n").map(String.init)
        if let q = lines.first(where: { $0.contains("name: \(name),") && $0.contains("id: ") }),
           let id = q.firstMatch(of: /id: ([a-z0-9-]+)/)?.1 { return String(id) }
        let index = try XCTUnwrap(lines.firstIndex { $0.trimmingCharacters(in: .whitespaces) == "name: \(name)" })
        return try XCTUnwrap(lines[index - 1].firstMatch(of: /insee: "(\d+)"/)?.1).description
    }

    func testBulletinAndDiagnosticOptionsTakeCodesNamesWithOrWithoutAccentsAndAliases() throws {
        let cli = try CLI()
        let creteil = try Self.code(of: "Créteil"), limeil = try Self.code(of: "Limeil-Brévannes")
        let sablieres = try Self.code(of: "Sablières")
        for typed in [creteil, "Créteil", "CRETEIL", "creteil"] {
            let out = cli.file("weekly-\(typed)").path
            let run = try cli.run(["bulletin", "weekly", "--week", "2026-W47", "--commune", typed, "--out", out])
            XCTAssertEqual(run.status, 0, typed + ": " + run.stderr)
            XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: out).filter { $0.hasSuffix(".html") }, ["weekly_2026-W47_\(creteil).html"], typed)
        }
        // An alias (territory.yaml: aliases: [Limeil]).
        let alias = try cli.run(["bulletin", "monthly", "--month", "2026-10", "--commune", "limeil", "--out", cli.file("m").path])
        XCTAssertEqual(alias.status, 0, alias.stderr)
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: cli.file("m").path).contains { $0.contains(limeil) })

        for typed in [sablieres, "Sablières", "sablieres", "SABLIERES"] {
            let out = cli.file("diag-\(typed)").path
            let run = try cli.run(["diagnostic", "--quartier", typed, "--from", "2026-01", "--to", "2026-10", "--out", out])
            XCTAssertEqual(run.status, 0, typed + ": " + run.stderr)
            XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: out).contains("diagnostic_2026-01_2026-10_\(sablieres).html"), typed)
        }

        let wrong = try cli.run(["diagnostic", "--quartier", "Sabliere", "--from", "2026-01", "--to", "2026-10", "--out", cli.file("x").path])
        XCTAssertEqual(wrong.status, 2)
        XCTAssertTrue(wrong.stderr.contains("quartier inconnu « Sabliere »"), wrong.stderr)
        XCTAssertTrue(wrong.stderr.contains("Les noms les plus proches : Sablières"), wrong.stderr)
        let wrongCommune = try cli.run(["bulletin", "weekly", "--week", "2026-W47", "--commune", "Creteuil", "--out", cli.file("y").path])
        XCTAssertEqual(wrongCommune.status, 2)
        XCTAssertTrue(wrongCommune.stderr.contains("Les noms les plus proches : Créteil"), wrongCommune.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.file("y").path))
    }

    func testACommentTakesTheCommuneByNameAndAPeriodOfItsBulletinsKind() throws {
        let cli = try CLI()
        let alfortville = try Self.code(of: "Alfortville")
        let added = try cli.run(["comment", "add", "--bulletin", "weekly", "--period", "2026-W47", "--commune", "alfortville", "Réunion de quartier jeudi."])
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertEqual(try cli.sql("SELECT bulletin, period, commune FROM comment"), "weekly|2026-W47|\(alfortville)")

        // A month for the weekly, a week for the monthly: such a comment could never appear.
        for (bulletin, period) in [("weekly", "2026-10"), ("monthly", "2026-W47"), ("semester", "2026-10")] {
            let refused = try cli.run(["comment", "add", "--bulletin", bulletin, "--period", period, "Texte"])
            XCTAssertEqual(refused.status, 2, "\(bulletin) \(period)")
            XCTAssertTrue(refused.stderr.contains("la période « \(period) » ne convient pas au bulletin \(bulletin)"), refused.stderr)
        }
        let unknown = try cli.run(["comment", "add", "--bulletin", "weekly", "--period", "2026-W47", "--commune", "Alforville", "Texte"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("Alfortville"), unknown.stderr)
        XCTAssertEqual(try cli.sql("SELECT count(*) FROM comment"), "1")
    }

    /// `mail weekly --commune` and `request new --area` / `--requester`: the same lookup.
    func testMailAndRequestOptionsTakeCodesNamesWithOrWithoutAccents() throws {
        let cli = try CLI()
        let creteil = try Self.code(of: "Créteil"), sablieres = try Self.code(of: "Sablières")
        for typed in [creteil, "Créteil", "creteil"] {
            let approved = try cli.run(["mail", "weekly", "--week", "2026-W47", "--approve", "--force", "--commune", typed])
            XCTAssertEqual(approved.status, 0, typed + ": " + approved.stderr)
        }
        XCTAssertEqual(try cli.sql("SELECT DISTINCT scope FROM approval"), creteil)
        let wrongCommune = try cli.run(["mail", "weekly", "--week", "2026-W47", "--approve", "--force", "--commune", "Créteuil"])
        XCTAssertEqual(wrongCommune.status, 2)
        XCTAssertTrue(wrongCommune.stderr.contains("commune inconnue « Créteuil »") && wrongCommune.stderr.contains("Créteil"), wrongCommune.stderr)

        func request(area: String) throws -> CLI.Result {
            try cli.run(["request", "new", "--requester", "Créteil", "--purpose", "Diagnostic", "--data", "police-nationale/faits-marquants",
                         "--from", "2026-01", "--to", "2026-06", "--area", area, "--by", "quartier", "--outbox", cli.file("envois").path])
        }
        for typed in [sablieres, "Sablières", "SABLIERES"] {
            let created = try request(area: typed)
            XCTAssertEqual(created.status, 0, typed + ": " + created.stderr)
        }
        XCTAssertEqual(try cli.sql("SELECT DISTINCT area FROM data_request"), "quartier:\(sablieres)")
        XCTAssertEqual(try cli.sql("SELECT DISTINCT requester FROM data_request"), "mairie:\(creteil)")
        let wrongArea = try request(area: "Sablière")
        XCTAssertEqual(wrongArea.status, 2)
        XCTAssertTrue(wrongArea.stderr.contains("Sablières"), wrongArea.stderr)
        XCTAssertEqual(try cli.sql("SELECT count(*) FROM data_request"), "3")
    }
}
