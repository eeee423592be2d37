import CLibCSV
import Foundation
import VigieCore

/// Reads a partner's CSV file through libcsv, streaming: the encoding and the delimiter are detected
/// when it is opened, then records are handed over one at a time with the physical line where they start.
/// Memory does not grow with the file; hostile input (huge fields, endless records) is refused early.
public struct CSVReader: TableReader {
    /// The size of the blocks read from disk.
    static let chunkSize = 65_536
    /// How much of the (decoded) file the delimiter sniffer and the binary check look at.
    static let sniffBytes = 65_536
    /// How many records the delimiter sniffer looks at.
    static let sniffRecords = 20
    /// The largest field accepted, in bytes.
    static let maxFieldBytes = 1 << 20
    /// The largest number of fields in one record.
    static let maxFields = 10_000
    /// The largest record accepted, in bytes, all fields together.
    static let maxRecordBytes = 16 << 20
    /// The delimiters the sniffer tries, in order of preference when they tie.
    static let candidateDelimiters: [UInt8] = [UInt8(ascii: ";"), UInt8(ascii: ","), 0x09, UInt8(ascii: "|")]

    /// The file read.
    public let url: URL
    /// The file name used in messages.
    public let displayName: String
    /// The encoding found: byte order mark, else valid UTF-8, else Windows-1252.
    public let encoding: DetectedEncoding
    /// The field delimiter found by sniffing the first records (`;` when nothing else stands out).
    public let delimiter: UInt8

    /// Opens `url`, detects its encoding and delimiter, and refuses empty and binary files.
    /// `displayName` is the file name used in messages (default: the last path component).
    public init(url: URL, displayName: String? = nil) throws {
        let name = displayName ?? url.lastPathComponent
        self.url = url
        self.displayName = name

        let file = try ChunkedFile(url: url, name: name)
        var head = [UInt8](repeating: 0, count: Self.sniffBytes)
        let headCount = try head.withUnsafeMutableBytes { try file.read(into: $0) }
        guard headCount > 0 else {
            throw VigieError(.input, "fichier vide", at: SourceLocation(file: name),
                             hint: "Le fichier ne contient rien : vérifiez l'export chez le partenaire.")
        }
        let detected: DetectedEncoding = try head.withUnsafeBytes { raw in
            let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<headCount])
            let announced = DetectedEncoding.fromByteOrderMark(bytes)
            if announced != .utf16LE, announced != .utf16BE {
                let body = UnsafeRawBufferPointer(rebasing: bytes[(announced?.bomLength ?? 0)...])
                if let base = body.baseAddress, memchr(base, 0, body.count) != nil {
                    throw VigieError(.input, "fichier binaire, pas un CSV", at: SourceLocation(file: name),
                                     hint: "Le fichier contient des octets nuls : est-ce un classeur Excel "
                                         + "ou une archive renommée en .csv ? Enregistrez-le au format CSV.")
                }
            }
            if let announced { return announced }
            return try Self.encodingWithoutMark(head: bytes, rest: file, url: url, name: name)
        }
        self.encoding = detected

        var sample: [UInt8] = []
        let complete = try Self.forEachChunk(url: url, name: name, encoding: detected) { chunk in
            sample.append(contentsOf: chunk)
            return sample.count < Self.sniffBytes
        }
        let blank: Set<UInt8> = [0x20, 0x09, 0x0D, 0x0A]
        if complete, sample.allSatisfy({ blank.contains($0) }) {
            throw VigieError(.input, "fichier vide", at: SourceLocation(file: name),
                             hint: "Le fichier ne contient aucune ligne remplie : vérifiez l'export chez le partenaire.")
        }
        self.delimiter = Self.sniffDelimiter(sample, complete: complete)
    }

    /// A CSV file has a single, unnamed sheet: `[nil]`.
    public func sheetNames() throws -> [String?] { [nil] }

    /// Streams every record that holds something, in file order, as `.text` cells (`.empty` for empty fields),
    /// numbered by the physical line (1-based, counting LF) where the record starts. Spaces are kept.
    /// Rows whose fields are all empty or blank (spaces, tabs) are skipped. Errors thrown by `body` propagate unchanged.
    public func forEachRow(inSheet sheet: String?, _ body: (SourceRow) throws -> Void) throws {
        if let sheet {
            throw VigieError(.input, "un fichier CSV n'a pas de feuille « \(sheet) »", at: SourceLocation(file: displayName))
        }
        let state = ParseState(encoding: encoding, file: displayName)
        let parser = UnsafeMutablePointer<csv_parser>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard csv_init(parser, 0) == 0 else {
            throw VigieError(.input, "lecteur CSV impossible à initialiser", at: SourceLocation(file: displayName))
        }
        defer { csv_free(parser) }
        csv_set_delim(parser, delimiter)
        // Keep spaces and tabs around fields: the adapters trim.
        csv_set_space_func(parser) { _ in 0 }
        // The entry buffer grows by this step: large enough that a 1 MiB field costs few reallocations.
        csv_set_blk_size(parser, Self.chunkSize)

        try withExtendedLifetime(state) {
            let context = Unmanaged.passUnretained(state).toOpaque()
            try Self.forEachChunk(url: url, name: displayName, encoding: encoding) { chunk in
                guard let base = chunk.baseAddress else { return true }
                var start = 0
                // One physical line at a time, so that the line of every byte is known.
                while start < chunk.count {
                    var end = chunk.count
                    var endsLine = false
                    if let lf = memchr(base + start, 0x0A, chunk.count - start) {
                        end = base.distance(to: UnsafeRawPointer(lf)) + 1
                        endsLine = true
                    }
                    let length = end - start
                    let used = csv_parse(parser, base + start, length,
                                         { field, length, data in ParseState.from(data)?.field(field, length) },
                                         { _, data in ParseState.from(data)?.recordEnded() },
                                         context)
                    if endsLine { state.line += 1 }
                    try state.deliver(to: body)
                    if used != length { throw state.libraryFailure(parser) }
                    try state.checkPendingField(parser)
                    start = end
                }
                return true
            }
            let pending = parser.pointee
            if pending.pstate == 2 /* FIELD_BEGUN */, pending.quoted != 0 {
                let startLine = state.line - ParseState.lineFeeds(pending.entry_buf, pending.entry_pos)
                throw VigieError(.input, "guillemet ouvert ligne \(startLine), jamais refermé",
                                 at: SourceLocation(file: displayName, row: startLine, column: columnLetters(state.fieldCount)),
                                 hint: "Un champ qui commence par un guillemet doit finir par un guillemet ; "
                                     + "un guillemet dans un champ s'écrit \"\".")
            }
            csv_fini(parser,
                     { field, length, data in ParseState.from(data)?.field(field, length) },
                     { _, data in ParseState.from(data)?.recordEnded() },
                     context)
            try state.deliver(to: body)
        }
    }

    // MARK: - Detection

    /// The encoding of a file without a byte order mark, decided on the whole file: valid UTF-8
    /// everywhere → UTF-8; no well-formed multi-byte UTF-8 sequence anywhere → Windows-1252; both a
    /// well-formed multi-byte sequence and an ill-formed one (a Windows-1252 line pasted into UTF-8)
    /// → refused, naming the line of the first ill-formed sequence, rather than read as mojibake.
    /// `head` is what was already read; a sequence cut by a chunk's end is carried over to the next.
    static func encodingWithoutMark(head: UnsafeRawBufferPointer, rest file: ChunkedFile, url: URL, name: String) throws -> DetectedEncoding {
        var survey = UTF8Check.Survey()
        var buffer = [UInt8](repeating: 0, count: chunkSize + head.count + 4)
        buffer.replaceSubrange(0..<head.count, with: head)
        var carried = head.count
        while !survey.isMixed {
            let count = try buffer.withUnsafeMutableBytes { raw in
                try file.read(into: UnsafeMutableRawBufferPointer(rebasing: raw[carried..<(carried + chunkSize)]))
            }
            let last = count == 0
            let cut = buffer.withUnsafeBytes { raw in
                survey.scan(UnsafeRawBufferPointer(rebasing: raw[0..<(carried + count)]), last: last)
            }
            if last { break }
            if let cut {
                let tail = Array(buffer[cut..<(carried + count)])
                buffer.replaceSubrange(0..<tail.count, with: tail)
                carried = tail.count
            } else {
                carried = 0
            }
        }
        guard let invalid = survey.firstInvalid else { return .utf8 }
        guard survey.multibyte else { return .windows1252 }
        let (line, byte) = try Self.lineAndByte(at: invalid, url: url, name: name)
        throw VigieError(.input, "encodage mélangé : le fichier est en UTF-8, mais la ligne \(line) contient un octet qui n'en est pas "
                             + "(0x\(String(byte, radix: 16, uppercase: true)), sans doute du texte Windows-1252 collé) : "
                             + "le lire tout en UTF-8 ou tout en Windows-1252 déformerait les accents",
                         at: SourceLocation(file: name, row: line),
                         hint: "Corrigez les accents de la ligne \(line) ou réenregistrez tout le fichier en « CSV UTF-8 » depuis le tableur, puis renvoyez-le.")
    }

    /// The 1-based line holding byte `offset` of the file, and that byte.
    static func lineAndByte(at offset: Int, url: URL, name: String) throws -> (Int, UInt8) {
        let file = try ChunkedFile(url: url, name: name)
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        var line = 1
        var position = 0
        while true {
            let count = try buffer.withUnsafeMutableBytes { try file.read(into: $0) }
            guard count > 0 else { return (line, 0) }
            if offset < position + count {
                line += buffer[0..<(offset - position)].lazy.filter { $0 == 0x0A }.count
                return (line, buffer[offset - position])
            }
            line += buffer[0..<count].lazy.filter { $0 == 0x0A }.count
            position += count
        }
    }

    /// Picks the delimiter from the first records of `sample` (UTF-8 or Windows-1252 bytes): for each candidate,
    /// the number of records where it appears the same non-zero number of times; the best wins, ties in the
    /// order `;` `,` tab `|`. `complete` says the sample is the whole file (its last record is then whole).
    static func sniffDelimiter(_ sample: [UInt8], complete: Bool) -> UInt8 {
        let quote = UInt8(ascii: "\"")
        var records: [[Int]] = []
        var counts = [Int](repeating: 0, count: candidateDelimiters.count)
        var inQuotes = false
        var fieldStart = true
        var hasContent = false
        var i = 0
        while i < sample.count, records.count < sniffRecords {
            let byte = sample[i]
            i += 1
            if inQuotes {
                if byte == quote {
                    if i < sample.count, sample[i] == quote { i += 1 } else { inQuotes = false }
                }
                continue
            }
            if byte == 0x0A || byte == 0x0D {
                if hasContent { records.append(counts) }
                counts = [Int](repeating: 0, count: candidateDelimiters.count)
                hasContent = false
                fieldStart = true
            } else if let k = candidateDelimiters.firstIndex(of: byte) {
                counts[k] += 1
                hasContent = true
                fieldStart = true
            } else if byte == quote, fieldStart {
                inQuotes = true
                hasContent = true
                fieldStart = false
            } else {
                if byte != 0x20 { hasContent = true }
                fieldStart = false
            }
        }
        if complete, hasContent, !inQuotes, records.count < sniffRecords { records.append(counts) }

        var best = 0
        var bestScore = 0
        for k in candidateDelimiters.indices {
            var frequency: [Int: Int] = [:]
            for record in records where record[k] > 0 { frequency[record[k], default: 0] += 1 }
            let score = frequency.values.max() ?? 0
            if score > bestScore {
                bestScore = score
                best = k
            }
        }
        return candidateDelimiters[best]
    }

    // MARK: - Decoded stream

    /// Reads the file in chunks and hands `body` its text as UTF-8 bytes (Windows-1252 bytes as they are),
    /// byte order mark removed, UTF-16 transcoded. `body` returns false to stop. Returns true when the whole
    /// file was read.
    @discardableResult
    static func forEachChunk(url: URL, name: String, encoding: DetectedEncoding,
                             _ body: (UnsafeRawBufferPointer) throws -> Bool) throws -> Bool {
        let file = try ChunkedFile(url: url, name: name)
        var raw = [UInt8](repeating: 0, count: chunkSize)
        var decoded: [UInt8] = []
        var transcoder: UTF16Transcoder?
        switch encoding {
        case .utf16LE: transcoder = UTF16Transcoder(bigEndian: false)
        case .utf16BE: transcoder = UTF16Transcoder(bigEndian: true)
        default: break
        }
        var skip = encoding.bomLength
        do {
            while true {
                let keepGoing: Bool? = try raw.withUnsafeMutableBytes { buffer in
                    let count = try file.read(into: buffer)
                    if count == 0 { return nil }
                    let from = min(skip, count)
                    skip -= from
                    let bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[from..<count])
                    guard transcoder != nil else { return try body(bytes) }
                    decoded.removeAll(keepingCapacity: true)
                    try transcoder?.transcode(bytes, into: &decoded)
                    return try decoded.withUnsafeBytes { try body($0) }
                }
                guard let keepGoing else { break }
                if !keepGoing { return false }
            }
            try transcoder?.finish()
            return true
        } catch let failure as TextDecodingFailure {
            throw VigieError(.input, "encodage invalide : texte UTF-16 mal formé (moitié de paire de substitution isolée)",
                             at: SourceLocation(file: name, row: failure.line),
                             hint: "Réenregistrez le fichier en UTF-8 ou en UTF-16 depuis le tableur.")
        }
    }
}

/// A file read from disk in blocks with `fread`, closed when released.
final class ChunkedFile {
    private let handle: UnsafeMutablePointer<FILE>
    private let name: String

    init(url: URL, name: String) throws {
        guard let handle = fopen(url.path, "rb") else {
            let reason = String(cString: strerror(errno))
            throw VigieError(.input, "impossible d'ouvrir le fichier (\(reason))", at: SourceLocation(file: name))
        }
        self.handle = handle
        self.name = name
    }

    deinit { fclose(handle) }

    /// Fills `buffer` from the file; returns the number of bytes read, less than the buffer only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let count = fread(base, 1, buffer.count, handle)
        if count < buffer.count, ferror(handle) != 0 {
            let reason = String(cString: strerror(errno))
            throw VigieError(.input, "erreur de lecture du fichier (\(reason))", at: SourceLocation(file: name))
        }
        return count
    }
}

/// What libcsv's callbacks build: the fields of the current record, finished rows waiting to be handed over,
/// and the first failure (callbacks cannot throw).
private final class ParseState {
    let encoding: DetectedEncoding
    let file: String
    /// The physical line (1-based) of the bytes being fed to libcsv.
    var line = 1
    private var fields: [Cell] = []
    /// Line feeds inside the fields of the current record.
    private var recordLineFeeds = 0
    private var recordBytes = 0
    private var recordHasContent = false
    private var ready: [SourceRow] = []
    private var delivering: [SourceRow] = []
    private var failure: VigieError?

    init(encoding: DetectedEncoding, file: String) {
        self.encoding = encoding
        self.file = file
    }

    /// The number of fields of the current record so far.
    var fieldCount: Int { fields.count }

    static func from(_ data: UnsafeMutableRawPointer?) -> ParseState? {
        guard let data else { return nil }
        return Unmanaged<ParseState>.fromOpaque(data).takeUnretainedValue()
    }

    static func lineFeeds(_ pointer: UnsafeMutablePointer<UInt8>?, _ count: Int) -> Int {
        guard let pointer else { return 0 }
        return UnsafeBufferPointer(start: pointer, count: count).reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
    }

    /// libcsv's field callback: decodes the field and appends it to the current record.
    func field(_ pointer: UnsafeMutableRawPointer?, _ length: Int) {
        guard failure == nil else { return }
        let bytes = UnsafeRawBufferPointer(start: pointer, count: pointer == nil ? 0 : length)
        var lineFeeds = 0
        var ascii = true
        var content = false
        for byte in bytes {
            if byte == 0x0A { lineFeeds += 1 }
            if byte >= 0x80 { ascii = false }
            if byte != 0x20, byte != 0x09, byte != 0x0D, byte != 0x0A { content = true }
        }
        let column = fields.count
        // The byte that ended the field (delimiter, CR, LF or end of file) is on `line`.
        let fieldLine = line - lineFeeds
        let recordLine = fieldLine - recordLineFeeds
        if column >= CSVReader.maxFields {
            failure = refusal("enregistrement de plus de 10 000 champs : le fichier n'est sans doute pas un CSV",
                              row: recordLine, column: column)
            return
        }
        if bytes.count > CSVReader.maxFieldBytes {
            failure = refusal("champ de plus de 1 Mio : le fichier n'est sans doute pas un CSV", row: fieldLine, column: column)
            return
        }
        recordBytes += bytes.count
        if recordBytes > CSVReader.maxRecordBytes {
            failure = refusal("enregistrement de plus de 16 Mio : le fichier n'est sans doute pas un CSV",
                              row: recordLine, column: column)
            return
        }
        recordLineFeeds += lineFeeds
        if content { recordHasContent = true }
        if bytes.isEmpty {
            fields.append(.empty)
            return
        }
        switch encoding {
        case .utf8, .utf16LE, .utf16BE:
            // Already checked (UTF-8 scan) or produced by the transcoder: well-formed.
            fields.append(.text(String(decoding: bytes, as: UTF8.self)))
        case .utf8BOM:
            switch ascii ? .valid : UTF8Check.scan(bytes) {
            case .valid:
                fields.append(.text(String(decoding: bytes, as: UTF8.self)))
            case .invalid(let at), .incomplete(let at):
                failure = invalidUTF8(bytes, at: at, fieldLine: fieldLine, column: column)
            }
        case .windows1252:
            fields.append(.text(ascii ? String(decoding: bytes, as: UTF8.self) : Windows1252.decode(bytes)))
        }
    }

    /// libcsv's record callback: queues the record unless it holds nothing.
    func recordEnded() {
        guard failure == nil else { return }
        if recordHasContent {
            ready.append(SourceRow(sheet: nil, number: line - recordLineFeeds, cells: fields))
        }
        let capacity = fields.count
        fields = []
        fields.reserveCapacity(capacity)
        recordLineFeeds = 0
        recordBytes = 0
        recordHasContent = false
    }

    /// Hands the finished rows to `body`, then throws the failure met after them, if any.
    func deliver(to body: (SourceRow) throws -> Void) throws {
        if !ready.isEmpty {
            swap(&ready, &delivering)
            defer { delivering.removeAll(keepingCapacity: true) }
            for row in delivering { try body(row) }
        }
        if let failure { throw failure }
    }

    /// Refuses a field still being read that has already grown past the limits.
    func checkPendingField(_ parser: UnsafeMutablePointer<csv_parser>) throws {
        let pending = parser.pointee.entry_pos
        guard pending > CSVReader.maxFieldBytes || recordBytes + pending > CSVReader.maxRecordBytes else { return }
        // `line` is the line of the next byte: going back over the field's line feeds gives its first line.
        let fieldLine = line - Self.lineFeeds(parser.pointee.entry_buf, pending)
        if pending > CSVReader.maxFieldBytes {
            throw refusal("champ de plus de 1 Mio : le fichier n'est sans doute pas un CSV", row: fieldLine, column: fields.count)
        }
        throw refusal("enregistrement de plus de 16 Mio : le fichier n'est sans doute pas un CSV",
                      row: fieldLine - recordLineFeeds, column: fields.count)
    }

    /// The error for libcsv stopping early (it only does so when memory runs out).
    func libraryFailure(_ parser: UnsafeMutablePointer<csv_parser>) -> VigieError {
        let reason = String(cString: csv_strerror(csv_error(parser)))
        return VigieError(.input, "lecture CSV interrompue (\(reason))", at: SourceLocation(file: file, row: line))
    }

    private func refusal(_ message: String, row: Int, column: Int) -> VigieError {
        VigieError(.input, message, at: SourceLocation(file: file, row: row, column: columnLetters(column)),
                   hint: "Vérifiez que le fichier est bien un export CSV (séparateur, guillemets) et non un autre format.")
    }

    private func invalidUTF8(_ bytes: UnsafeRawBufferPointer, at offset: Int, fieldLine: Int, column: Int) -> VigieError {
        let row = fieldLine + bytes[..<offset].reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
        return VigieError(.input, "encodage invalide : le fichier annonce l'UTF-8 (BOM) mais contient des octets qui n'en sont pas",
                          at: SourceLocation(file: file, row: row, column: columnLetters(column)),
                          hint: "Réenregistrez le fichier en « CSV UTF-8 » depuis le tableur.")
    }
}
