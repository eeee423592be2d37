import Foundation
import XCTest

/// `vigie bulletin`, `vigie diagnostic` and `vigie comment` run as a user runs them.
final class BulletinCommandTests: XCTestCase {
    func testCommentsAreAddedListedAndRemoved() throws {
        let cli = try CLI()
        let added = try cli.run(["comment", "add", "--bulletin", "weekly", "--period", "2026-W47", "--commune", "94028", "Réunion du GLTD jeudi."])
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertTrue(added.stdout.contains("Commentaire n° 1"), added.stdout)
        let listed = try cli.run(["comment", "list"])
        XCTAssertTrue(listed.stdout.contains("n° 1 — weekly 2026-W47 (Créteil) : Réunion du GLTD jeudi."), listed.stdout)
        XCTAssertEqual(try cli.run(["comment", "remove", "1"]).status, 0)
        XCTAssertTrue(try cli.run(["comment", "list"]).stdout.contains("Aucun commentaire."))
        let gone = try cli.run(["comment", "remove", "1"])
        XCTAssertEqual(gone.status, 2)
        XCTAssertTrue(gone.stderr.contains("aucun commentaire n° 1"), gone.stderr)
    }

    /// `--pdf` prints each bulletin to an A4 PDF beside its HTML within the page budget (the
    /// week's faits marquants of the sample: at most 4 pages, counted with pdfinfo); without
    /// Chromium it says how to install it, and the HTML is written all the same.
    func testPDFIsWrittenBesideTheHTMLWithinItsPageBudget() throws {
        let cli = try CLI()
        let week = CLI.repo.appendingPathComponent("SampleData/police-nationale/faits-marquants/faits-marquants_2026-W47.csv")
        XCTAssertEqual(try cli.run(["ingest", week.path, "--partner", "police-nationale", "--feed", "faits-marquants"]).status, 0)
        let empty = cli.file("sans-chromium")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let missing = try cli.run(["bulletin", "weekly", "--week", "2026-W47", "--commune", "94028", "--out", cli.file("a").path, "--pdf"],
                                  environment: ["PATH": empty.path, "VIGIE_CHROMIUM": ""])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("Chromium est introuvable") && missing.stderr.contains("apt-get install chromium"), missing.stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cli.file("a/weekly_2026-W47_94028.html").path))

        guard ["/usr/bin/chromium", "/usr/bin/chromium-browser"].contains(where: FileManager.default.isExecutableFile) else {
            throw XCTSkip("chromium est absent (apt-get install chromium)")
        }
        let out = cli.file("b")
        let written = try cli.run(["bulletin", "weekly", "--week", "2026-W47", "--commune", "94028", "--out", out.path, "--pdf"])
        XCTAssertEqual(written.status, 0, written.stderr)
        let pdf = out.appendingPathComponent("weekly_2026-W47_94028.pdf")
        let data = try Data(contentsOf: pdf)
        XCTAssertEqual(data.prefix(5), Data("%PDF-".utf8))
        XCTAssertTrue(written.stdout.contains(pdf.path), written.stdout)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: out.path)).filter { $0.hasSuffix(".pdf") }, ["weekly_2026-W47_94028.pdf"])
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/pdfinfo") else { throw XCTSkip("pdfinfo est absent (apt-get install poppler-utils)") }
        let process = Process()
        let pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/pdfinfo")
        process.arguments = [pdf.path]
        process.standardOutput = pipe
        try process.run()
        let info = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.dropFirst(6).trimmingCharacters(in: .whitespaces)) }
        XCTAssertNotNil(pages, info)
        XCTAssertLessThanOrEqual(pages ?? 99, 4, "weekly page budget")
        // A4 (595 × 842 points), as the weekly's @page asks.
        XCTAssertTrue(info.contains("(A4)"), info)
    }

    func testBulletinsAreWrittenUnderTheirNamesAndBadPeriodsRefused() throws {
        let cli = try CLI()
        let out = cli.file("sortie").path
        let weekly = try cli.run(["bulletin", "weekly", "--week", "2026-W47", "--out", out])
        XCTAssertEqual(weekly.status, 0, weekly.stderr)
        let monthly = try cli.run(["bulletin", "monthly", "--month", "2026-10", "--out", out])
        XCTAssertEqual(monthly.status, 0, monthly.stderr)
        let diagnostic = try cli.run(["diagnostic", "--commune", "94044", "--from", "2026-01", "--to", "2026-03", "--out", out])
        XCTAssertEqual(diagnostic.status, 0, diagnostic.stderr)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: out))
        for name in ["weekly_2026-W47_94002.html", "weekly_2026-W47_94028.md", "weekly_2026-W47_94044_totaux.csv",
                     "monthly_2026-10.html", "monthly_2026-10.md", "monthly_2026-10_categories.csv",
                     "diagnostic_2026-01_2026-03_94044.html"] {
            XCTAssertTrue(names.contains(name), "\(name) not in \(names.sorted())")
        }
        let bad = try cli.run(["bulletin", "weekly", "--week", "2026-10"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("n'est pas une semaine"), bad.stderr)
        // A period not begun is refused, in French, as a usage error.
        let future = try cli.run(["bulletin", "monthly", "--month", "2099-01", "--out", out])
        XCTAssertEqual(future.status, 2)
        XCTAssertTrue(future.stderr.contains("n'a pas commencé"), future.stderr)
        let both = try cli.run(["diagnostic", "--commune", "94044", "--quartier", "cre-palais", "--from", "2026-01", "--to", "2026-03"])
        XCTAssertEqual(both.status, 2)
    }
}
