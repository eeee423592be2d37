import Foundation
import XCTest

/// Every command and subcommand of `vigie`, found in the help screens themselves, answers a wrong
/// option, `--help`, `help …` and a missing required option in French: none of swift-argument-parser's
/// English sentences reaches the user.
final class FrenchCommandLineTests: XCTestCase {
    /// Words and sentences of swift-argument-parser 1.8 (UsageGenerator, HelpGenerator, MessageInfo,
    /// HelpCommand, ParsableArguments._errorLabel), matched as words, case-sensitively.
    static let english = [
        "Error", "Usage", "USAGE", "OVERVIEW", "OPTIONS:", "ARGUMENTS", "SUBCOMMANDS", "Subcommands", "subcommand", "subcommands",
        "Help:", "Show help information", "Show subcommand help information", "Show the version", "Dump help information",
        "Unexpected", "unexpected", "Unknown option", "Missing", "missing", "expected", "argument", "arguments",
        "default:", "default as flag", "values:", "Please provide", "See '", "for detailed help", "for more information",
        "invalid for", "is invalid", "Did you mean", "does not take any value", "was specified", "Invalid option",
        "required", "had already been set", "not a parent", "Internal error", "Unspecified version", "Can't",
    ]

    /// The English words of `text`, if any.
    static func englishIn(_ text: String) -> [String] {
        english.filter { word in
            let pattern = "(^|[^A-Za-z])" + NSRegularExpression.escapedPattern(for: word) + "($|[^A-Za-z])"
            return text.range(of: pattern, options: .regularExpression) != nil
        }
    }

    /// The subcommands a help screen lists (French or English header, so that an untranslated
    /// screen still yields its commands), and the options its usage line requires.
    static func subcommands(inHelp help: String) -> [String] {
        var names: [String] = []
        var inSection = false
        for line in help.components(separatedBy: "\n") {
            if line.hasSuffix("SOUS-COMMANDES :") || line.hasSuffix("SUBCOMMANDS:") { inSection = true; continue }
            if inSection {
                if line.isEmpty || !line.hasPrefix("  ") { inSection = false; continue }
                // "  name   Abstract" (a name at column 2; abstracts continue at column 26).
                if line.dropFirst(2).first != " ", let name = line.dropFirst(2).split(separator: " ").first {
                    names.append(String(name).trimmingCharacters(in: CharacterSet(charactersIn: ",")))
                }
            }
        }
        return names
    }

    /// `--week <week>` in a usage line, outside brackets: an option the command cannot run without.
    static func requiresAnOption(_ help: String) -> Bool {
        let usage = help.components(separatedBy: "\n\n").first { $0.hasPrefix("UTILISATION : ") || $0.hasPrefix("USAGE: ") } ?? ""
        var depth = 0
        var outside = ""
        for c in usage {
            if c == "[" { depth += 1 } else if c == "]" { depth -= 1 } else if depth == 0 { outside.append(c) }
        }
        outside = outside.replacingOccurrences(of: "<sous-commande>", with: "").replacingOccurrences(of: "<subcommand>", with: "")
        return outside.contains(" --") || outside.contains(" <")
    }

    func testEveryCommandAnswersAWrongOptionHelpAndAMissingOptionInFrench() throws {
        let cli = try CLI()
        // Walk the command tree from `vigie --help`.
        var paths: [[String]] = []
        var queue: [[String]] = [[]]
        var helps: [String: String] = [:]
        while let path = queue.first {
            queue.removeFirst()
            paths.append(path)
            let help = try cli.run(path + ["--help"], store: false)
            XCTAssertEqual(help.status, 0, "vigie \(path.joined(separator: " ")) --help: \(help.stderr)")
            XCTAssertTrue(help.stderr.isEmpty, help.stderr)
            helps[path.joined(separator: " ")] = help.stdout
            queue += Self.subcommands(inHelp: help.stdout).map { path + [$0] }
        }
        // The walk found the tree (a broken walk would check nothing): every command the README names.
        let found = Set(paths.map { $0.joined(separator: " ") })
        for known in ["ingest", "status", "extract counts", "extract incidents", "bulletin weekly", "bulletin monthly",
                      "bulletin semester", "mail weekly", "nightly", "request new", "comment add", "audit", "demo", "purge"] {
            XCTAssertTrue(found.contains(known), "\(known) missing from the help's subcommands: \(found.sorted())")
        }
        XCTAssertGreaterThan(paths.count, 20)

        var required = 0, unknown = 0
        for path in paths {
            let name = (["vigie"] + path).joined(separator: " ")
            let help = helps[path.joined(separator: " ")] ?? ""
            XCTAssertTrue(help.contains("UTILISATION : "), "\(name) --help\n\(help)")
            XCTAssertEqual(Self.englishIn(help), [], "\(name) --help\n\(help)")

            let helpCommand = try cli.run(["help"] + path, store: false)
            XCTAssertEqual(helpCommand.status, 0, name)
            XCTAssertEqual(Self.englishIn(helpCommand.stdout + helpCommand.stderr), [], "vigie help \(path.joined(separator: " "))\n\(helpCommand.stdout)")

            let wrong = try cli.run(path + ["--nimportequoi"], store: false)
            XCTAssertEqual(wrong.status, 2, "\(name) --nimportequoi: \(wrong.stdout)\(wrong.stderr)")
            // (A missing required option, or a command's own check of its options, may be reported first.)
            XCTAssertTrue(wrong.stderr.hasPrefix("Erreur : "), "\(name)\n\(wrong.stderr)")
            if wrong.stderr.contains("option inconnue") { unknown += 1 }
            XCTAssertEqual(Self.englishIn(wrong.stdout + wrong.stderr), [], "\(name) --nimportequoi\n\(wrong.stderr)")

            if Self.requiresAnOption(help) {
                required += 1
                let missing = try cli.run(path, store: false)
                XCTAssertEqual(missing.status, 2, "\(name) without its required option: \(missing.stderr)")
                XCTAssertTrue(missing.stderr.hasPrefix("Erreur : "), "\(name)\n\(missing.stderr)")
                XCTAssertEqual(Self.englishIn(missing.stdout + missing.stderr), [], "\(name) (nothing given)\n\(missing.stderr)")
            }
        }
        XCTAssertGreaterThan(unknown, 8, "most commands name the unknown option")
        XCTAssertGreaterThan(required, 3, "commands with a required option (mail weekly --week, bulletin weekly --week…)")
    }

    func testAWrongValueAndAMissingValueAreExplainedInFrenchWithTheChoices() throws {
        let cli = try CLI()
        let format = try cli.run(["extract", "counts", "--format", "xls"], store: false)
        XCTAssertEqual(format.status, 2)
        XCTAssertTrue(format.stderr.contains("la valeur « xls » n'est pas valable pour « --format <format> »"), format.stderr)
        XCTAssertTrue(format.stderr.contains("« csv » ou « json »"), format.stderr)
        let value = try cli.run(["mail", "weekly", "--week"], store: false)
        XCTAssertEqual(value.status, 2)
        XCTAssertTrue(value.stderr.contains("valeur manquante pour « --week <week> »"), value.stderr)
        let typo = try cli.run(["extract", "counts", "--formt", "csv"], store: false)
        XCTAssertTrue(typo.stderr.contains("Vouliez-vous dire « --format » ?"), typo.stderr)
        let extra = try cli.run(["status", "valeur-en-trop", "autre-valeur"], store: false)
        XCTAssertEqual(extra.status, 2)
        XCTAssertTrue(extra.stderr.contains("2 paramètres en trop : « valeur-en-trop », « autre-valeur »"), extra.stderr)
        for text in [format.stderr, value.stderr, typo.stderr, extra.stderr] { XCTAssertEqual(Self.englishIn(text), [], text) }
    }
}
