import Foundation
import VigieConfig
import VigieCore
import XCTest

final class ConfigurationTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let config = repo.appendingPathComponent("Config")

    func testTheProjectConfigurationLoads() throws {
        let c = try Configuration.load(from: Self.config)
        XCTAssertEqual(c.territory.communes.map(\.insee), ["94002", "94028", "94044"])
        for commune in c.territory.communes {
            XCTAssertEqual(commune.sectors.flatMap(\.quartiers).reduce(0) { $0 + $1.population }, commune.population)
        }
        XCTAssertEqual(c.territory.unit(named: "DTSP94 CRETEIL"), ReportingUnit(id: "DTSP94 CRETEIL", commune: "94028"))
        XCTAssertEqual(c.territory.unit(named: "creteil"), ReportingUnit(id: "94028", commune: "94028"))
        // Boissy-Saint-Léger's service covers Limeil-Brévannes and other communes: its own unit.
        XCTAssertEqual(c.territory.unit(named: "DTSP94 BOISSY ST LEGER"), ReportingUnit(id: "DTSP94 BOISSY ST LEGER", commune: nil))
        XCTAssertNoThrow(try c.feed(partner: "police-nationale", feed: "etat4001"))
        XCTAssertNoThrow(try c.feed(partner: "ssmsi", feed: "etat4001-services"))
    }

    func testTheIndexFileIsTheSharedReferenceAndEveryUsedIndexHasACategory() throws {
        let shared = Self.repo.deletingLastPathComponent().appendingPathComponent("shared/reference/etat4001-index.csv")
        try XCTSkipUnless(FileManager.default.fileExists(atPath: shared.path), "shared/ absent")
        XCTAssertEqual(try Data(contentsOf: shared), try Data(contentsOf: Self.config.appendingPathComponent("etat4001-index.csv")))
        let c = try Configuration.load(from: Self.config)
        let lines = try String(contentsOf: shared, encoding: .utf8).split(separator: "\n").dropFirst()
        let unused = lines.filter { $0.hasSuffix(",0") }.count
        XCTAssertEqual(c.nomenclature.index4001.count, lines.count)
        XCTAssertEqual(c.nomenclature.categoryOf4001.count, lines.count - unused)
        XCTAssertEqual(c.nomenclature.index4001[1]?.label, "Règlements de compte entre malfaiteurs")
        XCTAssertEqual(c.nomenclature.index4001[1]?.publishedLabel, "Règlements de compte entre malfaireurs")
        XCTAssertEqual(c.nomenclature.index4001[20]?.label.hasPrefix("Vols avec armes blanches contre des établissements financiers,"), true)
    }

    /// A copy of Config/ with one file's text replaced, in a temporary folder.
    func brokenConfig(_ file: String, _ transform: (String) -> String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-config-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Self.config, to: dir)
        let url = dir.appendingPathComponent(file)
        try transform(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
        return dir
    }

    func assertConfigError(_ dir: URL, file: String, line: Int, contains text: String) {
        XCTAssertThrowsError(try Configuration.load(from: dir)) { error in
            guard let e = error as? VigieError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.kind, .config)
            XCTAssertEqual(e.location?.file, file)
            XCTAssertEqual(e.location?.row, line, e.description)
            XCTAssertTrue(e.description.contains(text), e.description)
        }
    }

    func lineNumber(of needle: String, in file: String, dir: URL) throws -> Int {
        let text = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8)
        let lines = text.components(separatedBy: "\n")
        return try XCTUnwrap(lines.firstIndex { $0.contains(needle) }) + 1
    }

    func testAnUnknownCadenceNamesFileAndLine() throws {
        let dir = try brokenConfig("partners.yaml") { $0.replacingOccurrences(of: "cadence: yearly", with: "cadence: annuelle") }
        assertConfigError(dir, file: "partners.yaml", line: try lineNumber(of: "cadence: annuelle", in: "partners.yaml", dir: dir),
                          contains: "cadence inconnue « annuelle »")
    }

    func testAMisspelledKeyIsRefused() throws {
        let dir = try brokenConfig("partners.yaml") { $0.replacingOccurrences(of: "due_day: 10", with: "due_dya: 10") }
        assertConfigError(dir, file: "partners.yaml", line: try lineNumber(of: "due_dya", in: "partners.yaml", dir: dir),
                          contains: "clé inconnue « due_dya »")
    }

    func testQuartierPopulationsMustAddUp() throws {
        let dir = try brokenConfig("territory.yaml") { $0.replacingOccurrences(of: "population: 11200", with: "population: 11300") }
        assertConfigError(dir, file: "territory.yaml", line: try lineNumber(of: "population: 44600", in: "territory.yaml", dir: dir),
                          contains: "ses quartiers font 44700")
    }

    func testAnIndexInTwoCategoriesIsRefused() throws {
        let dir = try brokenConfig("nomenclature.yaml") { $0.replacingOccurrences(of: "armes: [74]", with: "armes: [74, 7]") }
        assertConfigError(dir, file: "nomenclature.yaml", line: try lineNumber(of: "armes: [74, 7]", in: "nomenclature.yaml", dir: dir),
                          contains: "l'index 7 est déjà classé")
    }

    func testAnUnmappedIndexIsRefused() throws {
        let dir = try brokenConfig("nomenclature.yaml") { $0.replacingOccurrences(of: "armes: [74]", with: "armes: []") }
        XCTAssertThrowsError(try Configuration.load(from: dir)) { error in
            XCTAssertTrue("\(error)".contains("index de l'état 4001 sans catégorie : 74"), "\(error)")
        }
    }

    func testAServiceMustNameCommunesOfTheTerritory() throws {
        let dir = try brokenConfig("territory.yaml") { $0.replacingOccurrences(of: "communes: [\"94002\"]", with: "communes: [\"94003\"]") }
        XCTAssertThrowsError(try Configuration.load(from: dir)) { error in
            XCTAssertTrue("\(error)".contains("94003"), "\(error)")
            XCTAssertTrue("\(error)".contains("territory.yaml"), "\(error)")
        }
    }

    func testALineBreakInARecipientOrTheSendmailCommandIsRefused() throws {
        // A YAML double-quoted string can hold "\n": a name that would add a Bcc header.
        let name = try brokenConfig("recipients.yaml") {
            $0.replacingOccurrences(of: "name: Monsieur le Maire de Créteil,", with: "name: \"Monsieur le Maire\\nBcc: espion@example.com\",")
        }
        assertConfigError(name, file: "recipients.yaml", line: try lineNumber(of: "espion@example.com", in: "recipients.yaml", dir: name),
                          contains: "retour à la ligne interdit")
        let address = try brokenConfig("recipients.yaml") {
            $0.replacingOccurrences(of: "email: dgs@ville-creteil.fr", with: "email: \"dgs@ville-creteil.fr\\r\\nBcc: espion@example.com\"")
        }
        assertConfigError(address, file: "recipients.yaml", line: try lineNumber(of: "espion@example.com", in: "recipients.yaml", dir: address),
                          contains: "retour à la ligne interdit")
        let command = try brokenConfig("settings.yaml") {
            $0.replacingOccurrences(of: "sendmail: /usr/sbin/sendmail -t -oi", with: "sendmail: \"/usr/sbin/sendmail -t\\nrm -rf /\"")
        }
        assertConfigError(command, file: "settings.yaml", line: try lineNumber(of: "rm -rf", in: "settings.yaml", dir: command),
                          contains: "retour à la ligne interdit")
        let commune = try brokenConfig("recipients.yaml") { $0.replacingOccurrences(of: "\"94044\":", with: "\"94045\":") }
        assertConfigError(commune, file: "recipients.yaml", line: try lineNumber(of: "94045", in: "recipients.yaml", dir: commune),
                          contains: "commune inconnue « 94045 »")
    }

    /// An address the mail could not carry as written is refused when the file is read, not on Monday.
    func testAnAddressTheMailCouldNotCarryIsRefusedWhenRecipientsAreRead() throws {
        for bad in ["dgs@ville-créteil.fr", "DGS <dgs@ville-creteil.fr>", "dgs@ville-creteil..fr", "dgs.@ville-creteil.fr"] {
            let dir = try brokenConfig("recipients.yaml") { $0.replacingOccurrences(of: "email: dgs@ville-creteil.fr", with: "email: \"\(bad)\"") }
            assertConfigError(dir, file: "recipients.yaml", line: try lineNumber(of: bad, in: "recipients.yaml", dir: dir),
                              contains: "adresse électronique invalide « \(bad) »")
        }
    }
}
