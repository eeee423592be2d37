import Foundation
import VigieCore
import VigieFixtures
import VigieIngest

/// Reads one input as `vigie ingest` would: writes it to a file, opens it with the reader of its format,
/// then reads every row of every sheet. Broken input must end in a `VigieError` (a refusal with a message);
/// any other error stops the process like a crash, so that libFuzzer and the corpus tests report it.
public struct FuzzHarness {
    public enum Format: String, Sendable {
        case csv, xlsx
    }

    /// What reading gave: rows read, or the refusal.
    public enum Outcome: Sendable {
        case read(rows: Int)
        case refused(VigieError)
    }

    /// The file name the reader is given, which every message must name.
    public static let fileName = "entree-fuzz"

    public let format: Format
    private let folder: URL

    /// Prepares a private folder for the input files of this process.
    public init(format: Format) throws {
        self.format = format
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-fuzz-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    /// Runs `bytes` through the reader. For XLSX, bytes that are not a ZIP archive become the first sheet's XML
    /// in an otherwise valid workbook, so that mutations reach the XML parser and the sheet reader directly;
    /// bytes holding `<workbook` become the workbook part instead (sheet states, date system, recalculation).
    public func run(_ bytes: UnsafeRawBufferPointer) throws -> Outcome {
        let url = folder.appendingPathComponent(Self.fileName + "." + format.rawValue)
        defer { try? FileManager.default.removeItem(at: url) }
        let data = Data(bytes)
        if format == .xlsx, !data.starts(with: [0x50, 0x4B]) {
            let parts = data.range(of: Data("<workbook".utf8)) != nil ? Self.workbookParts(workbook: data) : Self.workbookParts(sheet: data)
            try XLSXWriter.archive(url, parts: parts, compressed: false)
        } else {
            try data.write(to: url)
        }
        do {
            let reader: TableReader = format == .csv ? try CSVReader(url: url) : try XLSXReader(url: url)
            var rows = 0
            for sheet in try reader.sheetNames() {
                try reader.forEachRow(inSheet: sheet) { _ in rows += 1 }
            }
            return .read(rows: rows)
        } catch let error as VigieError {
            return .refused(error)
        }
    }

    /// A small valid workbook (shared strings; styles 1 a date, 2 and 3 percentages) whose sheet's XML is `sheet`.
    public static func workbookParts(sheet: Data) -> [(path: String, data: Data)] {
        defaultParts.map { part in part.path == "xl/worksheets/sheet1.xml" ? (part.path, sheet) : part }
    }

    /// The same workbook with `workbook` as its workbook part (its sheet is `rId1`).
    public static func workbookParts(workbook: Data) -> [(path: String, data: Data)] {
        defaultParts.map { part in part.path == "xl/workbook.xml" ? (part.path, workbook) : part }
    }

    private static let defaultParts: [(path: String, data: Data)] = {
        let rows: [[XLSXValue]] = [[.text("Index"), .text("Libellé"), .text("Créteil")], [.number(1), .text("Vols"), .date(2026, 2, 28)]]
        return XLSXWriter.parts(sheets: [(name: "Feuille 1", rows: rows)]).map { part in
            part.path == "xl/styles.xml" ? (part.path, Data(styles.utf8)) : part
        }
    }()

    private static let styles = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
        <numFmts count="1"><numFmt numFmtId="164" formatCode="0.0&quot; %&quot;%"/></numFmts>\
        <cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="9" applyNumberFormat="1"/>\
        <xf numFmtId="164" applyNumberFormat="1"/></cellXfs>\
        </styleSheet>
        """

    /// Runs the files named (folders: each file inside) and prints what each gave, in French.
    /// The plain build's entry point of `fuzz-csv` and `fuzz-xlsx`, to replay a corpus or a crash.
    public func replay(_ paths: [String]) throws {
        for path in paths {
            var isFolder: ObjCBool = false
            let files = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                switch try data.withUnsafeBytes(run) {
                case .read(let rows): print("\(file) : \(rows) ligne(s) lue(s)")
                case .refused(let error): print("\(file) : refusé — \(error.message)")
                }
            }
        }
    }
}
