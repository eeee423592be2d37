import Foundation
import VigieCore
import ZIPFoundation

/// Reads an Excel workbook (.xlsx, Office Open XML) sheet by sheet, streaming each sheet's XML out of
/// the ZIP archive, so memory holds one chunk, one row and the shared strings, not the sheet.
/// Cells come typed: shared, inline and formula strings as text, numbers, booleans, and numbers whose
/// style is a date format as `.dateSerial`. Hostile archives (ZIP bombs, DTDs, bad indexes) are refused
/// with the file, sheet, row and column.
public struct XLSXReader: TableReader {
    /// A part whose uncompressed size exceeds this (2 GiB) is refused; so is one that turns out larger than it declared.
    static let maxPartBytes: Int64 = 2 << 30
    /// A part larger than `ratioCheckBytes` that expands more than this many times is taken for a ZIP bomb.
    static let maxCompressionRatio: Int64 = 200
    /// The size (64 MiB) from which a part's compression ratio is checked: small parts of repeated XML compress well.
    static let ratioCheckBytes: Int64 = 64 << 20
    /// The largest cell text accepted, in bytes (1 MiB; Excel's own limit is 32,767 characters).
    static let maxCellBytes = 1 << 20
    /// The most columns a row may have: Excel's 16,384 (A to XFD).
    static let maxColumns = 16_384
    /// The largest row accepted, in bytes, all cells together (16 MiB).
    static let maxRowBytes = 16 << 20
    /// The most shared strings kept in memory (4 Mi entries), and their largest total size (64 MiB): the table is
    /// held whole while the sheets are read, so these bound the reader's memory.
    static let maxSharedStrings = 1 << 22
    static let maxSharedStringBytes = 64 << 20
    /// Size of the blocks handed from the decompressor to the XML parser.
    static let chunkSize = 1 << 16

    public let url: URL
    public let displayName: String
    /// Sheet names in workbook order, each with its part's path inside the archive.
    let sheets: [(name: String, path: String)]
    let sharedStrings: [String]
    /// The shared-strings part the workbook names but lacks, if so: a cell that refers to it is refused.
    let missingSharedStrings: String?
    /// For each cell style index (`s` attribute), whether its number format shows a date.
    let dateStyles: [Bool]
    private let archive: Archive

    /// Opens the workbook and reads its directory: sheet list, shared strings and styles.
    public init(url: URL, displayName: String? = nil) throws {
        let name = displayName ?? url.lastPathComponent
        self.url = url
        self.displayName = name
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw VigieError(.input, "classeur illisible : ce n'est pas une archive XLSX valide", at: SourceLocation(file: name),
                             hint: "Le fichier est peut-être tronqué ou corrompu : demandez un nouvel envoi au partenaire.")
        }
        self.archive = archive
        let parts = PartReader(archive: archive, file: name)

        let workbookPath = try parts.officeDocumentPath()
        let relations = try parts.relationships(of: workbookPath)
        let workbook = WorkbookHandler()
        try parts.parse(workbookPath, with: workbook)
        guard !workbook.sheets.isEmpty else {
            throw VigieError(.input, "classeur sans feuille", at: SourceLocation(file: name),
                             hint: "Vérifiez que le classeur contient au moins une feuille de données.")
        }
        var sheets: [(name: String, path: String)] = []
        var paths: Set<String> = []
        for sheet in workbook.sheets {
            guard let target = relations[sheet.relation] else {
                throw VigieError(.input, "la feuille « \(sheet.name.shown()) » ne renvoie à aucune partie du classeur",
                                 at: SourceLocation(file: name), hint: "Réenregistrez le classeur depuis Excel ou LibreOffice.")
            }
            // Each part is read once: sheets sharing a part would multiply what a small archive makes us decompress.
            guard paths.insert(target).inserted else {
                throw VigieError(.input, "la feuille « \(sheet.name.shown()) » renvoie à une partie déjà lue pour une autre feuille (\(target.shown()))",
                                 at: SourceLocation(file: name), hint: "Réenregistrez le classeur depuis Excel ou LibreOffice.")
            }
            sheets.append((sheet.name, target))
        }
        self.sheets = sheets

        let sharedStringsPath = relations.values.first { $0.hasSuffix("sharedStrings.xml") } ?? "xl/sharedStrings.xml"
        if archive[sharedStringsPath] != nil {
            let strings = SharedStringsHandler(file: name)
            try parts.parse(sharedStringsPath, with: strings)
            sharedStrings = strings.strings
            missingSharedStrings = nil
        } else {
            sharedStrings = []
            missingSharedStrings = sharedStringsPath
        }
        let stylesPath = relations.values.first { $0.hasSuffix("styles.xml") } ?? "xl/styles.xml"
        if archive[stylesPath] != nil {
            let styles = StylesHandler()
            try parts.parse(stylesPath, with: styles)
            dateStyles = styles.cellFormats.map { styles.isDate(formatID: $0) }
        } else {
            dateStyles = []
        }
    }

    public func sheetNames() throws -> [String?] {
        sheets.map(\.name)
    }

    public func forEachRow(inSheet sheet: String?, _ body: (SourceRow) throws -> Void) throws {
        guard let part = sheets.first(where: { $0.name == sheet }) ?? (sheet == nil ? sheets.first : nil) else {
            throw VigieError(.input, "feuille « \((sheet ?? "").shown()) » absente du classeur", at: SourceLocation(file: displayName),
                             hint: "Feuilles présentes : \(sheets.map(\.name).joined(separator: ", ")).")
        }
        try withoutActuallyEscaping(body) { body in
            let handler = SheetHandler(sheet: part.name, file: displayName, sharedStrings: sharedStrings,
                                       missingSharedStrings: missingSharedStrings,
                                       dateStyles: dateStyles, body: body)
            try PartReader(archive: archive, file: displayName, sheet: part.name).parse(part.path, with: handler)
        }
    }
}

/// Streams one part of the archive through the XML parser, with the size checks and French errors.
private struct PartReader {
    let archive: Archive
    let file: String
    var sheet: String? = nil

    func parse(_ path: String, with handler: XMLEventHandler) throws {
        guard let entry = archive[path] else {
            throw VigieError(.input, "partie « \(path) » absente du classeur", at: SourceLocation(file: file, sheet: sheet),
                             hint: "Le classeur est incomplet : réenregistrez-le depuis Excel ou LibreOffice.")
        }
        let size = Int64(entry.uncompressedSize)
        let packed = max(Int64(entry.compressedSize), 1)
        if size > XLSXReader.maxPartBytes
            || (size > XLSXReader.ratioCheckBytes && size / packed > XLSXReader.maxCompressionRatio) {
            throw VigieError(.input, "partie « \(path) » démesurée une fois décompressée (\(size) octets)",
                             at: SourceLocation(file: file, sheet: sheet),
                             hint: "Le classeur ressemble à une bombe de décompression ; il n'est pas lu. Demandez un export CSV.")
        }
        let parser = XMLPushParser(handler: handler)
        var seen: Int64 = 0
        do {
            _ = try archive.extract(entry, bufferSize: XLSXReader.chunkSize, skipCRC32: false) { data in
                seen += Int64(data.count)
                if seen > size { throw XMLPushParser.Failure.malformed("taille réelle supérieure à la taille annoncée") }
                try parser.feed(data)
            }
            try parser.finish()
        } catch let error as VigieError {
            throw error
        } catch let failure as XMLPushParser.Failure {
            let reason: String
            switch failure {
            case .doctype: reason = "déclaration DOCTYPE refusée (entités externes possibles)"
            case .notUTF8: reason = "XML dans un encodage autre que UTF-8"
            case .malformed(let what): reason = "XML mal formé : \(what)"
            }
            throw VigieError(.input, "partie « \(path) » illisible : \(reason)", at: SourceLocation(file: file, sheet: sheet),
                             hint: "Réenregistrez le classeur depuis Excel ou LibreOffice, ou envoyez un CSV.")
        } catch {
            throw VigieError(.input, "partie « \(path) » illisible (\(error))", at: SourceLocation(file: file, sheet: sheet),
                             hint: "L'archive est peut-être corrompue : demandez un nouvel envoi au partenaire.")
        }
    }

    /// The workbook part named by the package relationships (`xl/workbook.xml` when they say nothing).
    func officeDocumentPath() throws -> String {
        guard archive["_rels/.rels"] != nil else {
            guard archive["xl/workbook.xml"] != nil else {
                throw VigieError(.input, "archive ZIP qui n'est pas un classeur XLSX (ni _rels/.rels ni xl/workbook.xml)",
                                 at: SourceLocation(file: file),
                                 hint: "Ouvrez l'archive : si elle contient le fichier de données, envoyez celui-ci ; sinon demandez un export XLSX ou CSV.")
            }
            return "xl/workbook.xml"
        }
        let rels = RelationshipsHandler(base: "")
        try parse("_rels/.rels", with: rels)
        return rels.officeDocument ?? "xl/workbook.xml"
    }

    /// Relationship id → part path for the part at `path` (paths resolved from the archive root).
    func relationships(of path: String) throws -> [String: String] {
        let folder = path.split(separator: "/").dropLast().joined(separator: "/")
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let relsPath = (folder.isEmpty ? "" : folder + "/") + "_rels/" + name + ".rels"
        guard archive[relsPath] != nil else {
            throw VigieError(.input, "classeur sans table des feuilles (\(relsPath))", at: SourceLocation(file: file),
                             hint: "Réenregistrez le classeur depuis Excel ou LibreOffice.")
        }
        let rels = RelationshipsHandler(base: folder)
        try parse(relsPath, with: rels)
        return rels.targets
    }
}

private func attribute(_ attributes: [(name: String, value: String)], _ name: String) -> String? {
    attributes.first { $0.name == name }?.value
}

/// `_rels/*.rels`: relationship ids and their target parts.
private final class RelationshipsHandler: XMLEventHandler {
    let base: String
    var targets: [String: String] = [:]
    var officeDocument: String?
    init(base: String) { self.base = base }

    func start(_ name: String, attributes: [(name: String, value: String)]) throws {
        guard name == "Relationship", let id = attribute(attributes, "Id"), let target = attribute(attributes, "Target") else { return }
        if attribute(attributes, "TargetMode") == "External" { return }
        let path = Self.resolve(target, from: base)
        targets[id] = path
        if attribute(attributes, "Type")?.hasSuffix("/officeDocument") == true { officeDocument = path }
    }
    func end(_ name: String) throws {}
    func text(_ text: String) throws {}

    /// Resolves `target` (absolute from the package root or relative to `base`), handling `..`.
    static func resolve(_ target: String, from base: String) -> String {
        var components: [Substring] = target.hasPrefix("/") ? [] : base.split(separator: "/")
        for part in target.split(separator: "/") {
            if part == ".." { _ = components.popLast() } else if part != "." { components.append(part) }
        }
        return components.joined(separator: "/")
    }
}

/// `xl/workbook.xml`: the sheets in order, with their relationship ids.
private final class WorkbookHandler: XMLEventHandler {
    var sheets: [(name: String, relation: String)] = []
    func start(_ name: String, attributes: [(name: String, value: String)]) throws {
        guard name == "sheet", let sheetName = attribute(attributes, "name"),
              let relation = attributes.first(where: { $0.name.hasSuffix(":id") || $0.name == "id" })?.value else { return }
        sheets.append((sheetName, relation))
    }
    func end(_ name: String) throws {}
    func text(_ text: String) throws {}
}

/// `xl/sharedStrings.xml`: each `<si>` as one string, rich-text runs joined, phonetic runs left out.
private final class SharedStringsHandler: XMLEventHandler {
    let file: String
    var strings: [String] = []
    private var bytes = 0
    private var current = ""
    private var inText = false
    private var inPhonetic = false
    init(file: String) { self.file = file }

    func start(_ name: String, attributes: [(name: String, value: String)]) throws {
        switch name {
        case "si": current = ""
        case "t": inText = !inPhonetic
        case "rPh": inPhonetic = true
        default: break
        }
    }
    func end(_ name: String) throws {
        switch name {
        case "si":
            bytes += current.utf8.count
            if strings.count >= XLSXReader.maxSharedStrings || bytes > XLSXReader.maxSharedStringBytes {
                throw VigieError(.input, "table des textes partagés démesurée (plus de 4 194 304 textes ou de 64 Mio)",
                                 at: SourceLocation(file: file),
                                 hint: "Le classeur n'est sans doute pas un export de données : demandez un export CSV.")
            }
            strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
    func text(_ text: String) throws {
        guard inText else { return }
        current += text
        if current.utf8.count > XLSXReader.maxCellBytes {
            throw VigieError(.input, "texte partagé n° \(strings.count) de plus de 1 Mio", at: SourceLocation(file: file),
                             hint: "Le classeur n'est sans doute pas un export de données : demandez un export CSV.")
        }
    }
}

/// `xl/styles.xml`: the number format of each cell format (`cellXfs`) and the custom formats.
private final class StylesHandler: XMLEventHandler {
    var cellFormats: [Int] = []
    var customFormats: [Int: String] = [:]
    private var inCellFormats = false

    func start(_ name: String, attributes: [(name: String, value: String)]) throws {
        switch name {
        case "numFmt":
            if let id = attribute(attributes, "numFmtId").flatMap(Int.init), let code = attribute(attributes, "formatCode") {
                customFormats[id] = code
            }
        case "cellXfs": inCellFormats = true
        case "xf" where inCellFormats:
            cellFormats.append(attribute(attributes, "numFmtId").flatMap(Int.init) ?? 0)
        default: break
        }
    }
    func end(_ name: String) throws {
        if name == "cellXfs" { inCellFormats = false }
    }
    func text(_ text: String) throws {}

    /// Built-in date and time formats (ECMA-376 §18.8.30, with the East Asian ones), or a custom code
    /// that shows a day, a year or an hour once quoted text, escapes and `[...]` sections are removed.
    func isDate(formatID: Int) -> Bool {
        if (14...22).contains(formatID) || (27...36).contains(formatID) || (45...47).contains(formatID)
            || (50...58).contains(formatID) { return true }
        guard let code = customFormats[formatID] else { return false }
        var visible = ""
        var inQuote = false, inBracket = false, escaped = false
        for character in code {
            if escaped { escaped = false; continue }
            switch character {
            case "\"": inQuote.toggle()
            case "\\" where !inQuote: escaped = true
            case "[" where !inQuote: inBracket = true
            case "]" where !inQuote: inBracket = false
            default: if !inQuote, !inBracket { visible.append(character) }
            }
        }
        let lower = visible.lowercased()
        return lower.contains("d") || lower.contains("y") || lower.contains("h")
    }
}

/// A worksheet part: gathers each `<row>` into a `SourceRow` and hands it to the caller.
private final class SheetHandler: XMLEventHandler {
    let sheet: String
    let file: String
    let sharedStrings: [String]
    let missingSharedStrings: String?
    let dateStyles: [Bool]
    let body: (SourceRow) throws -> Void

    private var rowNumber = 0
    private var cells: [Cell] = []
    private var inSheetData = false
    private var column = -1
    private var cellType = "n"
    private var cellStyle = 0
    private var value = ""
    private var inValue = false
    private var inInlineText = false
    private var inInline = false
    private var inPhonetic = false
    private var rowBytes = 0

    init(sheet: String, file: String, sharedStrings: [String], missingSharedStrings: String?, dateStyles: [Bool],
         body: @escaping (SourceRow) throws -> Void) {
        self.sheet = sheet
        self.file = file
        self.sharedStrings = sharedStrings
        self.missingSharedStrings = missingSharedStrings
        self.dateStyles = dateStyles
        self.body = body
    }

    func start(_ name: String, attributes: [(name: String, value: String)]) throws {
        switch name {
        case "sheetData": inSheetData = true
        case "row" where inSheetData:
            rowNumber = attribute(attributes, "r").flatMap(Int.init) ?? rowNumber + 1
            cells.removeAll(keepingCapacity: true)
            column = -1
            rowBytes = 0
        case "c" where inSheetData:
            let reference = attribute(attributes, "r")
            column = reference.flatMap(Self.columnIndex) ?? column + 1
            guard column < XLSXReader.maxColumns else {
                let name = reference ?? columnLetters(column) + String(rowNumber)
                column = XLSXReader.maxColumns - 1
                throw VigieError(.input, "cellule « \(name) » au-delà de la dernière colonne d'Excel (XFD)",
                                 at: location, hint: "Le classeur est corrompu : réenregistrez-le depuis Excel ou LibreOffice.")
            }
            cellType = attribute(attributes, "t") ?? "n"
            cellStyle = attribute(attributes, "s").flatMap(Int.init) ?? 0
            value = ""
        case "v": inValue = true
        case "is": inInline = true
        case "rPh": inPhonetic = true
        case "t" where inInline && !inPhonetic: inInlineText = true
        default: break
        }
    }

    func end(_ name: String) throws {
        switch name {
        case "sheetData": inSheetData = false
        case "v": inValue = false
        case "is": inInline = false
        case "rPh": inPhonetic = false
        case "t": inInlineText = false
        case "c" where inSheetData:
            rowBytes += value.utf8.count
            if rowBytes > XLSXReader.maxRowBytes {
                throw VigieError(.input, "ligne de plus de 16 Mio", at: location,
                                 hint: "Le classeur n'est sans doute pas un export de données : demandez un export CSV.")
            }
            let cell = try makeCell()
            if case .empty = cell { return }
            if column >= cells.count { cells.append(contentsOf: repeatElement(.empty, count: column - cells.count + 1)) }
            cells[column] = cell
        case "row" where inSheetData:
            if cells.contains(where: { !$0.isBlank }) {
                try body(SourceRow(sheet: sheet, number: rowNumber, cells: cells))
            }
        default: break
        }
    }

    func text(_ text: String) throws {
        guard inValue || inInlineText else { return }
        value += text
        if value.utf8.count > XLSXReader.maxCellBytes {
            throw VigieError(.input, "cellule de plus de 1 Mio", at: location,
                             hint: "Le classeur n'est sans doute pas un export de données : demandez un export CSV.")
        }
    }

    private func makeCell() throws -> Cell {
        switch cellType {
        case "s":
            guard !value.isEmpty else { return .empty }
            if let missing = missingSharedStrings {
                throw VigieError(.input, "cellule de texte partagé, mais partie « \(missing) » absente du classeur",
                                 at: location, hint: "Le classeur est incomplet : réenregistrez-le depuis Excel ou LibreOffice.")
            }
            guard let index = Int(value.trimmingSpaces), sharedStrings.indices.contains(index) else {
                throw VigieError(.input, "renvoi à une chaîne partagée inexistante (\(value))",
                                 at: location, hint: "Le classeur est corrompu : réenregistrez-le depuis Excel ou LibreOffice.")
            }
            return .text(sharedStrings[index])
        case "inlineStr", "str":
            return value.isEmpty ? .empty : .text(value)
        case "b":
            return value.isEmpty ? .empty : .bool(value == "1" || value == "true")
        case "e":
            return .text(value)
        case "d":
            return value.isEmpty ? .empty : .text(value)
        default:
            let trimmed = value.trimmingSpaces
            guard !trimmed.isEmpty else { return .empty }
            guard let number = Double(trimmed), number.isFinite else {
                throw VigieError(.input, "nombre illisible « \(value) » dans le XML de la feuille",
                                 at: location, hint: "Le classeur est corrompu : réenregistrez-le depuis Excel ou LibreOffice.")
            }
            let isDate = dateStyles.indices.contains(cellStyle) && dateStyles[cellStyle]
            return isDate ? .dateSerial(number) : .number(number)
        }
    }

    private var location: SourceLocation {
        SourceLocation(file: file, sheet: sheet, row: rowNumber, column: columnLetters(max(column, 0)))
    }

    /// "AB12" → 27. Four letters or more give `XLSXReader.maxColumns` (past Excel's last column, XFD).
    static func columnIndex(_ reference: String) -> Int? {
        var index = 0
        var letters = 0
        for scalar in reference.unicodeScalars {
            let v = scalar.value
            if v >= 65, v <= 90 { index = index * 26 + Int(v - 64) } else if v >= 97, v <= 122 { index = index * 26 + Int(v - 96) } else { break }
            letters += 1
            if letters > 3 { return XLSXReader.maxColumns }
        }
        return letters == 0 ? nil : index - 1
    }
}
