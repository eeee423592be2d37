import Foundation
import VigieConfig
import VigieCore
import VigiePipeline
import VigieReports
import VigieStore
import XCTest

/// An observatory on a fresh store in a private temporary folder, with today fixed at
/// 23 November 2026, into which a test writes partner files and loads them for real.
struct ReportsFixture {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let today = CivilDate(dayNumber: 20_780) // 2026-11-23

    let directory: URL
    let observatory: Observatory
    /// The day the observatory and its bulletins take as today.
    let today: CivilDate

    init(today: CivilDate = ReportsFixture.today) throws {
        self.today = today
        setenv("VIGIE_HMAC_KEY", "une clé de test assez longue pour HMAC", 1)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-reports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        observatory = try Observatory(configDirectory: ReportsFixture.repo.appendingPathComponent("Config"),
                                      databasePath: directory.appendingPathComponent("vigie.sqlite").path, today: today)
    }

    var context: BulletinContext { BulletinContext(config: observatory.config, store: observatory.store, today: today) }
    var config: Configuration { observatory.config }

    /// Writes `lines` as a `;` CSV named `name` and loads it for `partner`/`feed`; fails the test
    /// unless the file loads with no rejected row.
    func load(_ name: String, partner: String, feed: String, _ lines: [[String]], file: StaticString = #filePath, line: UInt = #line) throws {
        let url = directory.appendingPathComponent(name)
        try Data(lines.map { $0.joined(separator: ";") }.joined(separator: "\n").utf8).write(to: url)
        let result = try observatory.ingest(url, partner: partner, feed: feed)
        XCTAssertTrue(result.isClean, "\(name): \(String(describing: result.outcome)) \(String(describing: result.error))", file: file, line: line)
    }

    /// Police municipale rows of Créteil: `count` interventions at `address`, on days of `month` spread from the 1st.
    static func policeMunicipale(_ count: Int, year: Int, month: Int, address: String, nature: String = "Dépôt sauvage") -> [[String]] {
        (0..<count).map { i in
            let day = 1 + i % 28
            return [String(format: "%02d/%02d/%04d", day, month, year), "10:00", address, nature]
        }
    }

    static let pmHeader = ["Date", "Heure", "Adresse", "Nature de l'intervention"]
    static let faitsHeader = ["Date des faits", "Heure", "Commune", "Lieu", "Nature", "Résumé", "Arme", "N° de procédure"]
}
