import Foundation
import VigieCore

/// Opens a partner file with the reader its content calls for: XLSX when it is a ZIP,
/// CSV otherwise. The extension is not trusted (partners rename files). A workbook's hidden sheets
/// are read only with `readHiddenSheets` (the reader lists the ones it skipped).
public enum TableFile {
    public static func open(_ url: URL, displayName: String? = nil, readHiddenSheets: Bool = false) throws -> TableReader {
        let name = displayName ?? url.lastPathComponent
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw VigieError(.input, "fichier introuvable ou illisible", at: SourceLocation(file: name),
                             hint: "Vérifiez le chemin et les droits du fichier.")
        }
        let magic = (try? handle.read(upToCount: 4)) ?? Data()
        try? handle.close()
        if magic.starts(with: [0x50, 0x4B, 0x03, 0x04]) || magic.starts(with: [0x50, 0x4B, 0x05, 0x06]) {
            return try XLSXReader(url: url, displayName: name, readHiddenSheets: readHiddenSheets)
        }
        if magic.starts(with: [0xD0, 0xCF, 0x11, 0xE0]) {
            throw VigieError(.input, "classeur Excel ancien format (.xls), non lu", at: SourceLocation(file: name),
                             hint: "Ouvrez-le dans Excel ou LibreOffice et enregistrez-le en .xlsx ou en CSV.")
        }
        return try CSVReader(url: url, displayName: name)
    }
}
