import Foundation
import XCTest

/// What `vigie` prints for people — the demo, ingest reports with rejects, a refused and an
/// unrecognised file in the nightly run, its report file and journal, the ledger — holds no
/// English status word (the JSON outputs keep their machine keys and are not read here).
final class FrenchReportsTests: XCTestCase {
    static let english = ["refused", "unrecognized", "unrecognised", "loaded", "rejected", "pending", "error", "warning",
                          "null", "nil", "unreadable", "superseded", "already-loaded", "being-written", "not-a-file",
                          "left-config", "yearly", "continuous", "school-year"]

    /// The English words of `text`, as words (case ignored), and `?/?`.
    static func englishIn(_ text: String) -> [String] {
        var found = english.filter { word in
            text.range(of: "(^|[^A-Za-z_-])" + NSRegularExpression.escapedPattern(for: word) + "($|[^A-Za-z_-])",
                       options: [.regularExpression, .caseInsensitive]) != nil
        }
        if text.contains("?/?") { found.append("?/?") }
        return found
    }

    func testDemoIngestNightlyAndStatusSpeakFrench() throws {
        let cli = try CLI()
        let sample = CLI.repo.appendingPathComponent("SampleData/police-nationale")
        var outputs: [(String, String)] = []

        // The demo over a few SampleData files and one unreadable état 4001.
        let small = cli.file("echantillon/police-nationale")
        for feed in ["etat4001", "faits-marquants"] {
            try FileManager.default.createDirectory(at: small.appendingPathComponent(feed), withIntermediateDirectories: true)
        }
        for name in ["etat4001_2026-01.csv", "etat4001_2026-03.csv"] {
            try FileManager.default.copyItem(at: sample.appendingPathComponent("etat4001/" + name), to: small.appendingPathComponent("etat4001/" + name))
        }
        try FileManager.default.copyItem(at: sample.appendingPathComponent("faits-marquants/faits-marquants_2026-W46.csv"),
                                         to: small.appendingPathComponent("faits-marquants/faits-marquants_2026-W46.csv"))
        try Data("rien;de;lisible\n1;2;3\n".utf8).write(to: small.appendingPathComponent("etat4001/etat4001_2026-02.csv"))
        let demo = try cli.run(["demo", "--out", cli.file("demo").path, "--sample-data", cli.file("echantillon").path,
                                "--config", CLI.repo.appendingPathComponent("Config").path], store: false)
        XCTAssertEqual(demo.status, 0, demo.stderr)
        XCTAssertTrue(demo.stdout.contains("refusé"), demo.stdout)
        // (The data request the demo ends with, and its journal, are `vigie request`'s: checked with it.)
        let demoText = demo.stdout.components(separatedBy: "\nDemande de données").first ?? ""
        XCTAssertTrue(demoText.contains("Bilan : "), demoText)
        outputs.append(("demo", demoText + demo.stderr))

        // Ingest: a week with one rejected row (a date that is no date), then a feed that does not exist.
        let week = try String(data: Data(contentsOf: sample.appendingPathComponent("faits-marquants/faits-marquants_2026-W47.csv")), encoding: .windowsCP1252) ?? ""
        let withReject = week + "31/02/2026;10:00;Créteil;8 Avenue de France;Vol à la tire;Résumé;non;2026/9999;\r\n"
        try withReject.data(using: .windowsCP1252)?.write(to: cli.file("faits-marquants_2026-W47.csv"))
        let rejects = try cli.run(["ingest", cli.file("faits-marquants_2026-W47.csv").path, "--partner", "police-nationale", "--feed", "faits-marquants"])
        XCTAssertEqual(rejects.status, 1, rejects.stdout + rejects.stderr)
        XCTAssertTrue(rejects.stdout.contains("rejetées : 1"), rejects.stdout)
        outputs.append(("ingest (rejets)", rejects.stdout + rejects.stderr))
        let unknownFeed = try cli.run(["ingest", cli.file("faits-marquants_2026-W47.csv").path, "--partner", "police-nationale", "--feed", "inexistant"])
        XCTAssertEqual(unknownFeed.status, 2)
        outputs.append(("ingest (flux inconnu)", unknownFeed.stdout + unknownFeed.stderr))

        // Nightly: an unrecognised file and a refused one.
        let inbox = cli.file("inbox")
        try FileManager.default.createDirectory(at: inbox.appendingPathComponent("police-nationale/etat4001"), withIntermediateDirectories: true)
        try Data("rien;de;lisible\n1;2;3\n".utf8).write(to: inbox.appendingPathComponent("police-nationale/etat4001/etat4001_2026-09.csv"))
        try Data("ordre du jour".utf8).write(to: inbox.appendingPathComponent("notes.txt"))
        for url in CLI.paths(in: inbox) { try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: url.path) }
        let night = try cli.run(["nightly", "--inbox", inbox.path, "--report", cli.file("nuit.txt").path])
        XCTAssertEqual(night.status, 1, night.stderr)
        let report = try String(contentsOf: cli.file("nuit.txt"), encoding: .utf8)
        XCTAssertTrue(report.contains("notes.txt (partenaire et flux inconnus) : non reconnu"), report)
        XCTAssertTrue(report.contains("(police-nationale/etat4001) : refusé"), report)
        outputs.append(("nightly", night.stdout + night.stderr))
        outputs.append(("rapport de nuit", report))

        let status = try cli.run(["status"])
        XCTAssertTrue(status.stdout.contains("Fichiers refusés à faire renvoyer (1) :"), status.stdout)
        outputs.append(("status", status.stdout + status.stderr))
        let ledger = try cli.run(["status", "--ledger"])
        XCTAssertTrue(ledger.stdout.contains("REFUSÉ"), ledger.stdout)
        outputs.append(("status --ledger", ledger.stdout + ledger.stderr))
        let initialized = try cli.run(["init"])
        XCTAssertTrue(initialized.stdout.contains("hebdomadaire"), initialized.stdout)
        outputs.append(("init", initialized.stdout + initialized.stderr))

        for (name, text) in outputs {
            XCTAssertEqual(Self.englishIn(text), [], "\(name):\n\(text.prefix(4000))")
        }
    }
}
