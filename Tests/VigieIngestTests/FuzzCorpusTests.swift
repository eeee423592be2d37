import Foundation
import VigieCore
import VigieFuzz
import XCTest

/// The fuzzing corpus (FuzzCorpus/, the seeds of `make fuzz` and every input it found crashing) run through
/// the same harness as the fuzzers, without libFuzzer: each input is read, or refused with a message naming the file.
final class FuzzCorpusTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("FuzzCorpus")

    /// Seeds that are valid files, with the rows they hold (counted in the files).
    static let rows: [String: Int] = [
        "csv/incidents-guillemets.csv": 3, "csv/4001-latin1.csv": 3, "csv/utf16.csv": 2,
        "xlsx/feuille-types.xml": 3, "xlsx/feuille-cdata-commentaire.xml": 1,
        // Seeds of issue 16's traps: a BOM and a bidi override inside values, a key twice, a count too large;
        // formulas without a value, percentages, shared formulas; a workbook in the 1904 system to recalculate.
        "csv/bom-doublon-trop-grand.csv": 4, "xlsx/feuille-formules-pourcentages.xml": 4, "xlsx/classeur-1904-recalcul.xml": 2,
    ]

    /// Inputs that crashed, hung or exhausted memory once, with the refusal they must give now.
    static let regressions: [String: String] = [
        // Found by fuzz-xlsx in 16 s on the reader before the XFD bound: column « UNSAFERAC » asked for 10^14 bytes.
        "xlsx/crash-colonne-UnsafeRaC.xml": "« UnsafeRaC1 » au-delà de la dernière colonne d'Excel (XFD)",
        "xlsx/colonne-au-dela-de-xfd.xml": "« AAAAAAAAAAAAAAAAAAAAAA1 » au-delà de la dernière colonne d'Excel (XFD)",
        "xlsx/colonne-apres-xfd.xml": "« XFE1 » au-delà de la dernière colonne d'Excel (XFD)",
        "xlsx/imbrication-profonde.xml": "éléments imbriqués sur plus de 256 niveaux",
        // Seeds of issue 16's traps, refused by design.
        "csv/encodage-melange.csv": "encodage mélangé : le fichier est en UTF-8, mais la ligne 3",
        "xlsx/classeur-masque-1904.xml": "toutes les feuilles du classeur sont masquées",
    ]

    func testEveryCorpusInputIsReadOrRefusedWithAMessageNamingTheFile() throws {
        var seen = 0
        for format in [FuzzHarness.Format.csv, .xlsx] {
            let harness = try FuzzHarness(format: format)
            let folder = Self.corpus.appendingPathComponent(format.rawValue)
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() {
                let key = format.rawValue + "/" + name
                seen += 1
                let data = try Data(contentsOf: folder.appendingPathComponent(name))
                switch try data.withUnsafeBytes(harness.run) {
                case .read(let rows):
                    XCTAssertNil(Self.regressions[key], "\(key) : lu alors qu'il doit être refusé")
                    if let expected = Self.rows[key] { XCTAssertEqual(rows, expected, key) }
                case .refused(let error):
                    XCTAssertNil(Self.rows[key], "\(key) : \(error)")
                    XCTAssertEqual(error.location?.file, FuzzHarness.fileName + "." + format.rawValue, key)
                    if let expected = Self.regressions[key] { XCTAssertTrue(error.message.contains(expected), "\(key) : \(error)") }
                }
            }
        }
        XCTAssertGreaterThanOrEqual(seen, Self.rows.count + Self.regressions.count)
    }
}
