import Foundation
import XCTest

/// `vigie user add|list|disable|password` through the binary, the password on standard input.
final class UserCommandTests: XCTestCase {
    /// Runs `vigie` with `input` on its standard input.
    func run(_ cli: CLI, _ arguments: [String], input: String) throws -> CLI.Result {
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = arguments + ["--config", CLI.repo.appendingPathComponent("Config").path, "--db", cli.db]
        process.currentDirectoryURL = cli.directory
        let stdin = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return CLI.Result(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                          stderr: String(decoding: stderr, as: UTF8.self))
    }

    func testAddListDisableAndChangeAPassword() throws {
        let cli = try CLI()
        let added = try run(cli, ["user", "add", "marie", "--role", "assistant", "--name", "Marie Durand"], input: "une phrase de passe assez longue\n")
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertTrue(added.stdout.contains("Compte créé : marie (assistant, Marie Durand)"), added.stdout)
        let hash = try cli.sql("SELECT password_hash FROM web_user WHERE login = 'marie'")
        XCTAssertTrue(hash.hasPrefix("$2b$12$") || hash.hasPrefix("$2a$12$") || hash.hasPrefix("$2y$12$"), "bcrypt, cost 12: \(hash)")
        XCTAssertFalse(try cli.sql("SELECT * FROM web_user").contains("une phrase de passe"))

        let short = try run(cli, ["user", "add", "paul", "--role", "coordinateur"], input: "court\n")
        XCTAssertEqual(short.status, 2)
        XCTAssertTrue(short.stderr.contains("mot de passe trop court : 12 caractères au moins"), short.stderr)
        let none = try run(cli, ["user", "add", "paul", "--role", "coordinateur"], input: "")
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("aucun mot de passe sur l'entrée standard"), none.stderr)
        let role = try run(cli, ["user", "add", "paul", "--role", "maire"], input: "une phrase de passe assez longue\n")
        XCTAssertEqual(role.status, 2)
        XCTAssertTrue(role.stderr.contains("coordinateur, assistant, partenaire ou elu attendu"), role.stderr)
        let partnerless = try run(cli, ["user", "add", "paul", "--role", "partenaire"], input: "une phrase de passe assez longue\n")
        XCTAssertEqual(partnerless.status, 2)
        XCTAssertTrue(partnerless.stderr.contains("--role partenaire demande --partner"), partnerless.stderr)
        let elu = try run(cli, ["user", "add", "cabinet", "--role", "elu", "--commune", "Créteil", "--commune", "94002"],
                          input: "une phrase de passe assez longue\n")
        XCTAssertEqual(elu.status, 0, elu.stderr)
        XCTAssertTrue(elu.stdout.contains("Compte créé : cabinet (elu — Créteil, Alfortville)"), elu.stdout)
        let twice = try run(cli, ["user", "add", "marie", "--role", "assistant"], input: "une autre phrase assez longue\n")
        XCTAssertEqual(twice.status, 2)
        XCTAssertTrue(twice.stderr.contains("le compte « marie » existe déjà"), twice.stderr)
        let badLogin = try run(cli, ["user", "add", "Marie Durand", "--role", "assistant"], input: "une phrase de passe assez longue\n")
        XCTAssertEqual(badLogin.status, 2)
        XCTAssertTrue(badLogin.stderr.contains("identifiant « Marie Durand » refusé"), badLogin.stderr)

        let list = try cli.run(["user", "list"])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertTrue(list.stdout.contains("marie — assistant — Marie Durand"), list.stdout)
        XCTAssertFalse(list.stdout.contains("paul"))
        XCTAssertFalse(list.stdout.contains("$2"), "no hash shown")

        let changed = try run(cli, ["user", "password", "marie"], input: "un nouveau mot de passe solide\n")
        XCTAssertEqual(changed.status, 0, changed.stderr)
        XCTAssertNotEqual(try cli.sql("SELECT password_hash FROM web_user WHERE login = 'marie'"), hash)
        let shortChange = try run(cli, ["user", "password", "marie"], input: "court\n")
        XCTAssertEqual(shortChange.status, 2)
        let unknown = try run(cli, ["user", "password", "paul"], input: "un nouveau mot de passe solide\n")
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("aucun compte « paul »"), unknown.stderr)

        let disabled = try cli.run(["user", "disable", "marie"])
        XCTAssertEqual(disabled.status, 0, disabled.stderr)
        XCTAssertTrue(try cli.run(["user", "list"]).stdout.contains("marie — assistant — Marie Durand — désactivé"))
        XCTAssertEqual(try cli.run(["user", "disable", "paul"]).status, 2)

        // Every change in the web audit, by the Unix user who made it.
        let me = String(cString: getpwuid(getuid())!.pointee.pw_name)
        XCTAssertEqual(try cli.sql("SELECT login || ' | ' || action || ' | ' || detail FROM web_audit ORDER BY id"),
                       ["\(me) | compte créé | marie (assistant) — Marie Durand", "\(me) | compte créé | cabinet (elu de 94028, 94002)",
                        "\(me) | mot de passe changé | marie",
                        "\(me) | compte désactivé | marie"].joined(separator: "\n"))
    }
}
