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

    func testTheLevelsOfTheExactTestAreReadAndChecked() throws {
        let config = try Configuration.load(from: Self.config)
        XCTAssertEqual(config.bulletinRules.levels, SignificanceLevels(watch: 0.05, significant: 0.01))
        let comma = try brokenConfig("bulletins.yaml") { $0.replacingOccurrences(of: "watch: 0.05", with: "watch: 0,1") }
        XCTAssertEqual(try Configuration.load(from: comma).bulletinRules.levels.watch, 0.1)
        let over = try brokenConfig("bulletins.yaml") { $0.replacingOccurrences(of: "significant: 0.01", with: "significant: 5") }
        assertConfigError(over, file: "bulletins.yaml", line: try lineNumber(of: "significant: 5", in: "bulletins.yaml", dir: over),
                          contains: "probabilité strictement comprise entre 0 et 1")
        let swapped = try brokenConfig("bulletins.yaml") { $0.replacingOccurrences(of: "significant: 0.01", with: "significant: 0.2") }
        assertConfigError(swapped, file: "bulletins.yaml", line: try lineNumber(of: "significant: 0.2", in: "bulletins.yaml", dir: swapped),
                          contains: "dépasse le seuil « watch »")
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

    /// The letter of the weekly mail: a restriction notice without « diffusion restreinte », an
    /// empty greeting or a greeting on two lines are refused, with their line.
    func testTheLettersRestrictionAndGreetingAreChecked() throws {
        let restriction = try brokenConfig("recipients.yaml") {
            $0.replacingOccurrences(of: "restriction: \"Diffusion restreinte :", with: "restriction: \"Confidentiel :")
        }
        assertConfigError(restriction, file: "recipients.yaml", line: try lineNumber(of: "Confidentiel", in: "recipients.yaml", dir: restriction),
                          contains: "« diffusion restreinte »")
        let greeting = try brokenConfig("recipients.yaml") {
            $0.replacingOccurrences(of: "greeting: Madame la Maire,", with: "greeting: \"Madame la Maire,\\nBcc: espion@example.com\"")
        }
        assertConfigError(greeting, file: "recipients.yaml", line: try lineNumber(of: "espion@example.com", in: "recipients.yaml", dir: greeting),
                          contains: "retour à la ligne interdit")
        let empty = try brokenConfig("recipients.yaml") { $0.replacingOccurrences(of: "  greeting: Madame, Monsieur,", with: "  greeting: \"  \"") }
        assertConfigError(empty, file: "recipients.yaml", line: try lineNumber(of: "greeting: \"  \"", in: "recipients.yaml", dir: empty),
                          contains: "un texte non vide est attendu")
    }

    /// An address the mail could not carry as written is refused when the file is read, not on Monday.
    func testAnAddressTheMailCouldNotCarryIsRefusedWhenRecipientsAreRead() throws {
        for bad in ["dgs@ville-créteil.fr", "DGS <dgs@ville-creteil.fr>", "dgs@ville-creteil..fr", "dgs.@ville-creteil.fr"] {
            let dir = try brokenConfig("recipients.yaml") { $0.replacingOccurrences(of: "email: dgs@ville-creteil.fr", with: "email: \"\(bad)\"") }
            assertConfigError(dir, file: "recipients.yaml", line: try lineNumber(of: bad, in: "recipients.yaml", dir: dir),
                              contains: "adresse électronique invalide « \(bad) »")
        }
    }

    /// The entries of the block mapping under the line holding `header` in `file` (comments aside),
    /// read from the file's text (« label: category », one per more indented line).
    func blockEntries(under header: String, in file: String, dir: URL) throws -> [String: String] {
        let lines = try String(contentsOf: dir.appendingPathComponent(file), encoding: .utf8).components(separatedBy: "\n")
        let start = try XCTUnwrap(lines.firstIndex { $0.contains(header) && !$0.hasPrefix("#") })
        let indent = lines[start].prefix { $0 == " " }.count
        var entries: [String: String] = [:]
        for line in lines[(start + 1)...] {
            guard line.prefix(while: { $0 == " " }).count > indent, let colon = line.range(of: ": ") else { break }
            entries[line[..<colon.lowerBound].trimmingCharacters(in: .whitespaces)] = line[colon.upperBound...].trimmingCharacters(in: .whitespaces)
        }
        return entries
    }

    /// A merge key adds one nature to a feed sharing an anchor's natures; a key written in the
    /// mapping wins over a merged one, and in a merge list an earlier mapping over a later one.
    func testAMergeKeyAddsANatureToAnAnchorsNatures() throws {
        let transport = try blockEntries(under: "natures: &transport", in: "partners.yaml", dir: Self.config)
        XCTAssertEqual(transport["Incivilité"], "troubles-tranquillite", "the anchor this test relies on")
        XCTAssertNil(transport["Jet de projectile"])
        // Block form on STRAV's feed (adds one nature, overrides one); flow form with a merge list on
        // OGIF's, where the inline mapping after *transport must not override it.
        let dir = try brokenConfig("partners.yaml") {
            $0.replacingOccurrences(of: """
                        columns: { date: Date de l'incident, line: Ligne, place: Arrêt, commune: Ville, nature: Type d'incident, target: Atteinte, follow_up: Suites }
                        natures: *transport
                """, with: """
                        columns: { date: Date de l'incident, line: Ligne, place: Arrêt, commune: Ville, nature: Type d'incident, target: Atteinte, follow_up: Suites }
                        natures:
                          <<: *transport
                          Jet de projectile: destructions-degradations
                          Incivilité: autres
                """).replacingOccurrences(of: """
                        columns: { period: Période, unit: Groupe, nature: Type d'incident, value: Nb }
                        natures: *bailleurs
                """, with: """
                        columns: { period: Période, unit: Groupe, nature: Type d'incident, value: Nb }
                        natures: { <<: [*transport, { Incivilité: autres, Squat: occupations-halls }], Dégradation: destructions-degradations }
                """)
        }
        let c = try Configuration.load(from: dir)
        var expected = transport
        expected["Jet de projectile"] = "destructions-degradations"
        expected["Incivilité"] = "autres"
        XCTAssertEqual(try c.feed(partner: "strav", feed: "incidents-transport").natures, expected)
        XCTAssertEqual(try c.feed(partner: "ratp", feed: "incidents-transport").natures, transport, "the anchor itself is unchanged")
        var merged = transport
        merged["Squat"] = "occupations-halls"
        merged["Dégradation"] = "destructions-degradations"
        XCTAssertEqual(try c.feed(partner: "ogif", feed: "incidents-residences").natures, merged)
    }

    func testAMergeKeyOnAScalarIsRefusedWithItsLine() throws {
        let dir = try brokenConfig("partners.yaml") {
            $0.replacingOccurrences(of: "        natures: *transport", with: "        natures:\n          <<: vols-cambriolages\n          Jet de projectile: autres")
        }
        assertConfigError(dir, file: "partners.yaml", line: try lineNumber(of: "<<: vols-cambriolages", in: "partners.yaml", dir: dir),
                          contains: "la clé de fusion « << » attend une table ou une liste de tables")
        let list = try brokenConfig("partners.yaml") { $0.replacingOccurrences(of: "        natures: *transport", with: "        natures: { <<: [*transport, autres] }") }
        assertConfigError(list, file: "partners.yaml", line: try lineNumber(of: "<<: [*transport, autres]", in: "partners.yaml", dir: list),
                          contains: "la clé de fusion « << » attend une table ou une liste de tables")
    }

    /// A YAML syntax error says « erreur de syntaxe YAML » in French, at the line to fix.
    func testAYAMLSyntaxErrorIsToldInFrenchAtItsLine() throws {
        let cases: [(file: String, from: String, to: String, line: String, says: String)] = [
            ("partners.yaml", "        cadence: weekly\n", "\tcadence: weekly\n", "\tcadence: weekly", "tabulation dans l'indentation"),
            ("partners.yaml", "name: RATP — Sûreté, département Val-de-Marne", "name: RATP : Sûreté: département Val-de-Marne",
             "name: RATP : Sûreté: département", "deux-points inattendu"),
            ("partners.yaml", "natures: *bailleurs", "natures: *bailleur", "natures: *bailleur", "alias « *bailleur » inconnu"),
            ("settings.yaml", "sendmail: /usr/sbin/sendmail -t -oi", "sendmail: \"/usr/sbin/sendmail -t -oi", "sendmail: \"", "guillemet jamais fermé"),
            ("settings.yaml", "sendmail: /usr/sbin", "sendmail /usr/sbin", "sendmail /usr/sbin", "« : » manquant après la clé"),
            ("partners.yaml", "phone: \"01 45 13 30 00\" }", "phone: \"01 45 13 30 00\"", "phone: \"01 45 13 30 00\"", "table « { … } » mal fermée"),
            ("partners.yaml", "name: RATP — Sûreté, département Val-de-Marne", "name: \"RATP\" — Sûreté", "name: \"RATP\" — Sûreté",
             "texte inattendu après la fin de la valeur"),
            ("partners.yaml", "          Incendie de poubelle", "         Incendie de poubelle", "         Incendie de poubelle",
             "ligne mal indentée dans la table « clé: valeur »"),
            ("settings.yaml", "retention_months: 12", "retention_months 12", "retention_months 12", "« : » manquant après la clé"),
            ("territory.yaml", "    population: 44600", "   population: 44600", "   population: 44600", "ligne mal indentée dans la liste"),
        ]
        for c in cases {
            let dir = try brokenConfig(c.file) { text in
                XCTAssertTrue(text.contains(c.from), c.from)
                return text.replacingOccurrences(of: c.from, with: c.to)
            }
            assertConfigError(dir, file: c.file, line: try lineNumber(of: c.line, in: c.file, dir: dir), contains: "erreur de syntaxe YAML : " + c.says)
            XCTAssertThrowsError(try Configuration.load(from: dir)) { error in
                XCTAssertFalse("\(error)".contains(" in line "), "no English text from Yams: \(error)")
            }
        }
    }
}
