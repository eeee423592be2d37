import Foundation
import XCTest

/// What partners can put in the inbox besides plain files: `vigie nightly` never follows a link nor
/// opens a special file, and never reads or changes anything outside the inbox, archive and quarantine.
final class InboxSafetyTests: XCTestCase {
    static let etat4001 = CLI.repo.appendingPathComponent("SampleData/police-nationale/etat4001")

    /// The bytes (nil for a folder) and permission bits of each path, read without following a link.
    static func snapshot(_ urls: [URL]) throws -> [String: String] {
        var seen: [String: String] = [:]
        for url in urls {
            var info = stat()
            XCTAssertEqual(lstat(url.path, &info), 0, url.path)
            let bytes = info.st_mode & S_IFMT == S_IFREG ? try Data(contentsOf: url).base64EncodedString() : "dossier"
            seen[url.path] = String(info.st_mode & 0o7777, radix: 8) + " " + bytes
        }
        return seen
    }

    /// The file type bits of `path` as lstat(2) gives them (S_IFLNK, S_IFIFO…), or nil when nothing is there.
    static func type(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
    }

    func testLinksAndSpecialFilesAreMovedAsTheyAreToTheQuarantineNeverFollowed() throws {
        let cli = try CLI()
        // Outside the inbox: a partner file, and a folder holding another one.
        let outsideFile = cli.file("ailleurs/etat4001_2026-09.csv")
        let outsideFolder = cli.file("ailleurs/dossier")
        let outsideInner = outsideFolder.appendingPathComponent("etat4001_2026-08.csv")
        try FileManager.default.createDirectory(at: outsideFolder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.etat4001.appendingPathComponent("etat4001_2026-09.csv"), to: outsideFile)
        try FileManager.default.copyItem(at: Self.etat4001.appendingPathComponent("etat4001_2026-08.csv"), to: outsideInner)
        XCTAssertEqual(chmod(outsideFile.path, 0o644), 0)
        XCTAssertEqual(chmod(outsideInner.path, 0o640), 0)
        XCTAssertEqual(chmod(outsideFolder.path, 0o755), 0)
        let outside = [outsideFile, outsideFolder, outsideInner]
        let before = try Self.snapshot(outside)

        // The inbox: one real file, which loads; a link to the outside file where a file of the feed
        // would go; a link to the outside folder, whose file the feed's pattern would match; a
        // dangling link; a FIFO, which would block whoever opens it.
        let inbox = cli.file("inbox")
        let feed = inbox.appendingPathComponent("police-nationale/etat4001")
        try FileManager.default.createDirectory(at: feed, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.etat4001.appendingPathComponent("etat4001_2026-07.csv"),
                                         to: feed.appendingPathComponent("etat4001_2026-07.csv"))
        let entries: [(path: String, type: mode_t, link: String?, says: String)] = [
            ("police-nationale/etat4001/etat4001_2026-09.csv", S_IFLNK, outsideFile.path, "lien symbolique vers « \(outsideFile.path) »"),
            ("etat4001-lien", S_IFLNK, outsideFolder.path, "lien symbolique vers « \(outsideFolder.path) »"),
            ("police-nationale/etat4001/etat4001_2026-06.csv", S_IFLNK, cli.file("absent.csv").path, "lien symbolique vers"),
            ("police-nationale/etat4001/etat4001_2026-05.csv", S_IFIFO, nil, "tube nommé (FIFO)"),
        ]
        for entry in entries {
            let path = inbox.appendingPathComponent(entry.path).path
            if let link = entry.link { XCTAssertEqual(symlink(link, path), 0, path) } else { XCTAssertEqual(mkfifo(path, 0o644), 0, path) }
        }

        let report = cli.file("rapport.txt")
        let night = try cli.runBounded(["nightly", "--inbox", inbox.path, "--settle", "0", "--report", report.path], deadline: 60)
        XCTAssertFalse(night.timedOut, "the night blocked (on the FIFO?)")
        XCTAssertEqual(night.status, 1, night.output)

        // Only the real file was loaded: one submission, and every count stored is its own.
        XCTAssertEqual(try cli.sql("SELECT file_name || ' ' || status FROM submission"), "etat4001_2026-07.csv loaded")
        XCTAssertEqual(try cli.sql("SELECT COUNT(*) FROM count_value WHERE submission_id != (SELECT id FROM submission)"), "0")
        XCTAssertEqual(try cli.sql("SELECT COUNT(DISTINCT period) FROM count_value"), "1")

        // Outside, nothing changed: same bytes, same modes.
        XCTAssertEqual(try Self.snapshot(outside), before)

        // Each entry is in the quarantine as it was (the link itself, the FIFO itself), with its reason.
        for entry in entries {
            XCTAssertNil(Self.type(inbox.appendingPathComponent(entry.path).path), "\(entry.path) left the inbox")
            let moved = cli.file("quarantine").appendingPathComponent(entry.path).path
            XCTAssertEqual(Self.type(moved), entry.type, moved)
            if let link = entry.link { XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: moved), link) }
            let reason = try String(contentsOfFile: moved + ".reason.txt", encoding: .utf8)
            XCTAssertTrue(reason.contains(entry.says), reason)
            XCTAssertTrue(reason.contains("non suivi, non lu ; déposez le fichier lui-même"), reason)
            XCTAssertTrue(night.stderr.contains("vigie nightly: écarté, ce n'est pas un fichier : \(entry.path) — "), night.stderr)
        }

        // The report says what each was.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: cli.file("rapport.json"))) as? [String: Any]
        let fates = (json?["files"] as? [[String: Any]] ?? []).map { "\($0["file"] ?? "") \($0["fate"] ?? "")" }.sorted()
        XCTAssertEqual(fates, (entries.map { "\($0.path) not-a-file" } + ["police-nationale/etat4001/etat4001_2026-07.csv loaded"]).sorted())
        let text = try String(contentsOf: report, encoding: .utf8)
        XCTAssertTrue(text.contains("4 lien(s) ou fichier(s) spécial(aux) écarté(s)"), text)
        XCTAssertTrue(text.contains("✘ police-nationale/etat4001/etat4001_2026-05.csv (police-nationale/etat4001) : écarté, ce n'est pas un fichier — tube nommé (FIFO)"), text)
    }

    /// A file name holding a newline, a tab and a right-to-left override (U+202E) is printed escaped
    /// wherever it appears: one journal line per event, the report, the quarantine's note, the ledger
    /// (`vigie status`) and `vigie ingest`'s report. The JSON report keeps the name as it is.
    func testFileNamesWithControlAndBidiCharactersArePrintedEscaped() throws {
        let cli = try CLI()
        let feed = cli.file("inbox/police-nationale/etat4001")
        try FileManager.default.createDirectory(at: feed, withIntermediateDirectories: true)
        // One loads (a real état 4001); the other is refused (another feed's file in this feed's folder).
        let loaded = "etat4001 septembre\n2026\t\u{202E}vsc.csv"
        let refused = "stats\naffinées\t\u{202E}vsc.csv"
        try FileManager.default.copyItem(at: Self.etat4001.appendingPathComponent("etat4001_2026-09.csv"),
                                         to: feed.appendingPathComponent(loaded))
        try FileManager.default.copyItem(at: CLI.repo.appendingPathComponent("SampleData/police-nationale/statistiques-affinees/stats_affinees_2026-09.csv"),
                                         to: feed.appendingPathComponent(refused))
        let shownLoaded = #"etat4001 septembre\n2026\t<U+202E>vsc.csv"#
        let shownRefused = #"stats\naffinées\t<U+202E>vsc.csv"#

        let report = cli.file("rapport.txt")
        let night = try cli.run(["nightly", "--inbox", cli.file("inbox").path, "--settle", "0", "--report", report.path])
        XCTAssertEqual(night.status, 1, night.stderr)
        XCTAssertEqual(try cli.sql("SELECT status FROM submission ORDER BY id"), "loaded\nrefused")

        // The journal: every line is one event of the night, the names escaped.
        let journal = night.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        XCTAssertFalse(journal.isEmpty)
        for line in journal { XCTAssertTrue(line.hasPrefix("vigie nightly: "), "a line of its own: \(line)") }
        XCTAssertTrue(night.stderr.contains("vigie nightly: chargé : police-nationale/etat4001/\(shownLoaded) → "), night.stderr)
        XCTAssertTrue(night.stderr.contains("vigie nightly: refusé : police-nationale/etat4001/\(shownRefused) — "), night.stderr)

        // The report, as printed and as written; the quarantine's note.
        let text = try String(contentsOf: report, encoding: .utf8)
        XCTAssertEqual(night.stdout.trimmingCharacters(in: .newlines), text.trimmingCharacters(in: .newlines))
        XCTAssertTrue(text.contains("  ✘ police-nationale/etat4001/\(shownRefused) (police-nationale/etat4001) : refusé — "), text)
        let note = try String(contentsOfFile: cli.file("quarantine/police-nationale/etat4001/" + refused).path + ".reason.txt", encoding: .utf8)
        XCTAssertTrue(note.hasPrefix("Fichier : police-nationale/etat4001/\(shownRefused)\n"), note)
        XCTAssertTrue(note.contains("✘ \(shownRefused) — police-nationale/etat4001 : fichier refusé"), note)

        // The ledger.
        let status = try cli.run(["status", "--ledger"])
        XCTAssertEqual(status.status, 0, status.stderr)
        XCTAssertTrue(status.stdout.contains("« \(shownLoaded) » : chargé"), status.stdout)
        XCTAssertTrue(status.stdout.contains("« \(shownRefused) » : REFUSÉ"), status.stdout)

        // `vigie ingest` of the archived bytes under the same name: already loaded, both names escaped.
        let archived = try XCTUnwrap(NightlyCommandTests.files(in: cli.file("archive")).first)
        let again = feed.appendingPathComponent(loaded)
        try FileManager.default.copyItem(at: archived, to: again)
        let ingest = try cli.run(["ingest", "--partner", "police-nationale", "--feed", "etat4001", again.path])
        XCTAssertEqual(ingest.status, 0, ingest.stderr)
        XCTAssertTrue(ingest.stdout.hasPrefix("= \(shownLoaded) — police-nationale/etat4001 : déjà intégré"), ingest.stdout)
        XCTAssertTrue(ingest.stdout.contains("fichier « \(shownLoaded) »"), ingest.stdout)

        // Nothing printed holds the raw characters; the JSON report keeps the names as they are.
        for output in [night.stdout, night.stderr, text, note, status.stdout, ingest.stdout] {
            XCTAssertFalse(output.contains("\u{202E}") || output.contains("\t"), output)
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: cli.file("rapport.json"))) as? [String: Any]
        let files = (json?["files"] as? [[String: Any]] ?? []).compactMap { $0["file"] as? String }.sorted()
        XCTAssertEqual(files, ["police-nationale/etat4001/" + loaded, "police-nationale/etat4001/" + refused])
    }
}
