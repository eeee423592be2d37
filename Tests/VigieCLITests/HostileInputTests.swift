import Foundation
import VigieFixtures
import XCTest

/// Broken and hostile files run through the real `vigie ingest` and `vigie nightly`: each is refused whole or
/// has its bad row quarantined, with a French message naming the file (and row and column where they apply);
/// none crashes, hangs or takes much memory, a refused file changes nothing in the store, and no file is lost.
final class HostileInputTests: XCTestCase {
    static let hostile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Hostile")
    /// A run still going after this is a hang.
    static let deadline: TimeInterval = 60
    /// Any run above this much resident memory fails.
    static let memoryCeilingMiB = 200

    /// One broken input: the feed it is sent to, what the message must say, and where.
    struct Case {
        var file: String
        var partner: String
        var feed: String
        var message: String
        /// The row and column the message or the reject must name, when the problem is in one cell.
        var row: Int? = nil
        var column: String? = nil
        /// Rows loaded despite the problem (the bad row quarantined); nil when the file is refused whole.
        var loaded: Int? = nil
    }

    static let municipal = ("mairie-creteil", "police-municipale")

    /// The table: file (in Hostile/, or written by `generated`) → expected fragment, row, column.
    static let cases: [Case] = [
        Case(file: "vide.csv", partner: municipal.0, feed: municipal.1, message: "fichier vide"),
        Case(file: "entete-seule.csv", partner: municipal.0, feed: municipal.1, message: "le fichier ne contient aucune valeur"),
        Case(file: "binaire.csv", partner: municipal.0, feed: municipal.1, message: "fichier binaire, pas un CSV"),
        Case(file: "utf8-tronque.csv", partner: municipal.0, feed: municipal.1, message: "encodage invalide", row: 2, column: "C"),
        Case(file: "separateurs-melanges.csv", partner: municipal.0, feed: municipal.1,
             message: "Séparateur de colonnes détecté : « , » ; si l'en-tête et les lignes n'ont pas le même"),
        Case(file: "guillemet-ouvert.csv", partner: municipal.0, feed: municipal.1, message: "guillemet ouvert ligne 3, jamais refermé",
             row: 3, column: "C"),
        Case(file: "champ-10-mio.csv", partner: municipal.0, feed: municipal.1, message: "champ de plus de 1 Mio", row: 2, column: "C"),
        Case(file: "date-31-fevrier.csv", partner: municipal.0, feed: municipal.1, message: "date illisible ou inexistante",
             row: 3, column: "A", loaded: 2),
        Case(file: "date-1900.csv", partner: municipal.0, feed: municipal.1, message: "date invraisemblable (12/10/1900)",
             row: 3, column: "A", loaded: 1),
        Case(file: "colonnes-en-trop.csv", partner: municipal.0, feed: municipal.1, message: "plus de colonnes que l'en-tête",
             row: 3, column: "E", loaded: 2),
        Case(file: "nombre-negatif.csv", partner: "police-nationale", feed: "statistiques-affinees", message: "nombre négatif",
             row: 3, column: "D", loaded: 1),
        Case(file: "index-108.csv", partner: "police-nationale", feed: "etat4001", message: "index 108 hors de 1 à 107",
             row: 6, column: "A"),
        Case(file: "archive-zip.xlsx", partner: "police-nationale", feed: "etat4001", message: "n'est pas un classeur XLSX"),
        Case(file: "sans-chaines-partagees.xlsx", partner: "police-nationale", feed: "etat4001",
             message: "partie « xl/sharedStrings.xml » absente", row: 1, column: "A"),
        Case(file: "milliard-de-rires.xlsx", partner: "police-nationale", feed: "etat4001", message: "déclaration DOCTYPE refusée"),
        Case(file: "bombe-zip.xlsx", partner: "police-nationale", feed: "etat4001", message: "démesurée une fois décompressée"),
        Case(file: "imbrication-profonde.xlsx", partner: "police-nationale", feed: "etat4001",
             message: "éléments imbriqués sur plus de 256 niveaux"),
        Case(file: "cellule-30-mio.xlsx", partner: "police-nationale", feed: "etat4001", message: "cellule de plus de 1 Mio",
             row: 2, column: "B"),
    ]

    /// Writes the cases too big or too binary to commit into `folder`.
    static func generated(in folder: URL) throws {
        let header = "Date;Heure;Adresse;Nature de l'intervention\n"
        var big = Data((header + "12/10/2026;14:30;").utf8)
        big.append(Data(repeating: UInt8(ascii: "x"), count: 10 << 20))
        big.append(Data(";Tapage\n".utf8))
        try big.write(to: folder.appendingPathComponent("champ-10-mio.csv"))

        try XLSXWriter.archive(folder.appendingPathComponent("archive-zip.xlsx"),
                               parts: [(path: "lisez-moi.txt", data: Data("Ceci est une archive, pas un classeur.".utf8))])

        let sheet: [[XLSXValue]] = [[.text("Index"), .text("Libellé"), .text("Créteil")], [.number(1), .text("Vols"), .number(3)]]
        let parts = XLSXWriter.parts(sheets: [(name: "octobre 2026", rows: sheet)])
        try XLSXWriter.archive(folder.appendingPathComponent("sans-chaines-partagees.xlsx"),
                               parts: parts.filter { $0.path != "xl/sharedStrings.xml" })

        var laughs = #"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">"#
        for level in 1...9 { laughs += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">" }
        laughs += #"]><worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>"#
        try XLSXWriter.archive(folder.appendingPathComponent("milliard-de-rires.xlsx"), parts: parts.map {
            $0.path == "xl/worksheets/sheet1.xml" ? ($0.path, Data(laughs.utf8)) : $0
        })

        var hugeCell = #"<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Index</t></is></c>"#
            + #"<c r="B1" t="inlineStr"><is><t>Libellé</t></is></c><c r="C1" t="inlineStr"><is><t>Créteil</t></is></c></row>"#
        hugeCell += #"<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>"# + String(repeating: "x", count: 30 << 20)
        hugeCell += "</t></is></c></row></sheetData></worksheet>"
        try XLSXWriter.archive(folder.appendingPathComponent("cellule-30-mio.xlsx"), parts: parts.map {
            $0.path == "xl/worksheets/sheet1.xml" ? ($0.path, Data(hugeCell.utf8)) : $0
        })

        // 15 Mi nested elements: 45 MiB of XML in a 48 KB file.
        let deep = Data(("<worksheet>" + String(repeating: "<a>", count: 15 << 20)).utf8)
        try XLSXWriter.archive(folder.appendingPathComponent("imbrication-profonde.xlsx"), parts: parts.map {
            $0.path == "xl/worksheets/sheet1.xml" ? ($0.path, deep) : $0
        })

        let bomb = folder.appendingPathComponent("bombe-zip.xlsx")
        try XLSXWriter.archive(bomb, parts: parts)
        try declareHugeSize(of: "xl/worksheets/sheet1.xml", in: bomb)
    }

    /// Rewrites the central directory entry of `part` so that it declares 4 GiB once uncompressed.
    static func declareHugeSize(of part: String, in url: URL) throws {
        var bytes = [UInt8](try Data(contentsOf: url))
        let name = Array(part.utf8)
        var i = 0
        while i + 46 + name.count <= bytes.count {
            // Central directory file header: signature, then the uncompressed size at +24, the name at +46.
            if bytes[i..<(i + 4)].elementsEqual([0x50, 0x4B, 0x01, 0x02]), bytes[(i + 46)..<(i + 46 + name.count)].elementsEqual(name) {
                bytes.replaceSubrange((i + 24)..<(i + 28), with: [0xF0, 0xFF, 0xFF, 0xFF])
                try Data(bytes).write(to: url)
                return
            }
            i += 1
        }
        XCTFail("partie \(part) introuvable dans \(url.lastPathComponent)")
    }

    /// Rows of each table that a load writes to.
    func storeCounts(_ cli: CLI) throws -> String {
        try cli.sql("SELECT (SELECT COUNT(*) FROM incident), (SELECT COUNT(*) FROM count_value), (SELECT COUNT(*) FROM reject), "
            + "(SELECT COUNT(*) FROM incident_daily), (SELECT COUNT(*) FROM submission WHERE status = 'loaded')")
    }

    func testEveryHostileFileIsRefusedOrQuarantinedWithItsMessageWithinBounds() throws {
        let cli = try CLI()
        let inputs = cli.file("entrees")
        try FileManager.default.copyItem(at: Self.hostile, to: inputs)
        try Self.generated(in: inputs)
        // A good file first, so that "unchanged" is checked against a store that holds something.
        let good = inputs.appendingPathComponent("interventions_2026-09.csv")
        try Data("Date;Heure;Adresse;Nature de l'intervention\n01/09/2026;10:00;1 rue de Paris;Tapage\n".utf8).write(to: good)
        XCTAssertEqual(try cli.runBounded(["ingest", good.path, "--partner", Self.municipal.0, "--feed", Self.municipal.1]).status, 0)

        for c in Self.cases {
            let url = inputs.appendingPathComponent(c.file)
            let size = try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int
            let before = try storeCounts(cli)
            let incidentsBefore = Int(try cli.sql("SELECT COUNT(*) FROM incident")) ?? -1
            let countsBefore = Int(try cli.sql("SELECT COUNT(*) FROM count_value")) ?? -1
            let run = try cli.runBounded(["ingest", url.path, "--partner", c.partner, "--feed", c.feed], deadline: Self.deadline)

            XCTAssertFalse(run.timedOut, "\(c.file) : toujours en cours après \(Self.deadline) s")
            XCTAssertEqual(run.status, 1, "\(c.file) : \(run.output)")
            XCTAssertLessThan(run.peakMiB, Self.memoryCeilingMiB, c.file)
            XCTAssertGreaterThan(run.peakMiB, 0, "\(c.file) : mémoire non mesurée")
            print("\(c.file) : statut \(run.status), \(run.peakMiB) Mio de mémoire au plus")
            XCTAssertTrue(run.stdout.contains(c.message), "\(c.file) : « \(c.message) » absent de\n\(run.output)")
            XCTAssertTrue(run.stdout.contains(c.loaded == nil ? "fichier « \(c.file) »" : "✔ \(c.file) —"),
                          "\(c.file) : le nom du fichier manque\n\(run.output)")
            XCTAssertFalse(run.stderr.contains("Fatal error") || run.stderr.contains("Stack dump"), "\(c.file) : \(run.stderr)")
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int, size, "\(c.file) : fichier modifié")
            if let row = c.row, let column = c.column {
                XCTAssertTrue(run.stdout.contains("ligne \(row), colonne \(column)"), "\(c.file) : ligne \(row), colonne \(column) absents\n\(run.output)")
            }
            if let loaded = c.loaded {
                // Quarantined: the other rows loaded, the bad one is kept in `reject` with its row and column.
                let added = (Int(try cli.sql("SELECT COUNT(*) FROM incident")) ?? 0) - incidentsBefore
                    + (Int(try cli.sql("SELECT COUNT(*) FROM count_value")) ?? 0) - countsBefore
                XCTAssertEqual(added, loaded, c.file)
                let reject = try cli.sql("""
                    SELECT r.source_row || ' ' || r.source_column FROM reject r JOIN submission s ON s.id = r.submission_id
                    WHERE s.file_name = '\(c.file)'
                    """)
                XCTAssertEqual(reject, "\(c.row ?? 0) \(c.column ?? "")", c.file)
            } else {
                XCTAssertEqual(try storeCounts(cli), before, "\(c.file) : la base a changé")
                XCTAssertEqual(try cli.sql("SELECT status FROM submission WHERE file_name = '\(c.file)'"), "refused", c.file)
            }
        }
    }

    func testNightlyKeepsEachRefusedFileInQuarantineWithItsReason() throws {
        let cli = try CLI()
        let generated = cli.file("generes")
        try FileManager.default.createDirectory(at: generated, withIntermediateDirectories: true)
        try Self.generated(in: generated)
        let feedFolder = cli.file("inbox/police-nationale/etat4001")
        try FileManager.default.createDirectory(at: feedFolder, withIntermediateDirectories: true)
        let sent: [(source: URL, name: String, message: String)] = [
            (Self.hostile.appendingPathComponent("binaire.csv"), "etat4001_2026-07.csv", "fichier binaire, pas un CSV"),
            (Self.hostile.appendingPathComponent("index-108.csv"), "etat4001_2026-10.csv", "index 108 hors de 1 à 107"),
            (generated.appendingPathComponent("milliard-de-rires.xlsx"), "etat4001_2026-09.xlsx", "déclaration DOCTYPE refusée"),
            (generated.appendingPathComponent("bombe-zip.xlsx"), "etat4001_2026-08.xlsx", "démesurée une fois décompressée"),
        ]
        for file in sent {
            let target = feedFolder.appendingPathComponent(file.name)
            try FileManager.default.copyItem(at: file.source, to: target)
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)], ofItemAtPath: target.path)
        }

        let run = try cli.runBounded(["nightly", "--inbox", cli.file("inbox").path], deadline: Self.deadline)
        XCTAssertFalse(run.timedOut)
        XCTAssertEqual(run.status, 1, run.output)
        XCTAssertLessThan(run.peakMiB, Self.memoryCeilingMiB)
        XCTAssertEqual(try storeCounts(cli), "0|0|0|0|0")
        for file in sent {
            let kept = cli.file("quarantine/police-nationale/etat4001/" + file.name)
            XCTAssertEqual(try Data(contentsOf: kept), try Data(contentsOf: file.source), "\(file.name) : fichier perdu ou modifié")
            let reason = try String(contentsOf: URL(fileURLWithPath: kept.path + ".reason.txt"), encoding: .utf8)
            XCTAssertTrue(reason.contains(file.message) && reason.contains(file.name), "\(file.name) : \(reason)")
        }
    }
}
