import Foundation
import VigieConfig
import VigieCore
import VigieIngest
import VigieStore

extension Observatory {
    /// Where files uploaded on the web are kept, as `vigie nightly` keeps them: `archive/` beside the
    /// store (nightly's default when the inbox is beside the store too).
    public var archiveDirectory: URL { URL(fileURLWithPath: store.path).deletingLastPathComponent().appendingPathComponent("archive") }
    /// Nightly's default quarantine beside the store, where its refused files are.
    var quarantineDirectory: URL { URL(fileURLWithPath: store.path).deletingLastPathComponent().appendingPathComponent("quarantine") }
}

/// A file received by the web, already in a temporary file named as its sender named it.
public struct UploadedFile: Sendable {
    public var url: URL
    public init(url: URL) { self.url = url }
}

/// The « Dépôts » page's upload: each file is recognized by its name (the inbox's patterns) or given to
/// the chosen feed, loaded as `vigie ingest` loads it, then kept in the archive like nightly's files.
public struct UploadFiles: UseCase {
    public var files: [UploadedFile]
    /// Both nil: each file is recognized by its name.
    public var partner: String?
    public var feed: String?

    public init(files: [UploadedFile], partner: String?, feed: String?) {
        self.files = files
        self.partner = partner
        self.feed = feed
    }

    /// What became of one file: its load report, or why it was not loaded (then nothing was recorded).
    public struct FileOutcome: Codable, Sendable {
        public var name: String
        public var report: IngestReport?
        public var problem: String?

        public init(name: String, report: IngestReport? = nil, problem: String? = nil) {
            self.name = name
            self.report = report
            self.problem = problem
        }
    }

    public struct Result: UseCaseResult {
        public var files: [FileOutcome]
        public var text: String { files.map { $0.report?.text ?? "✘ \($0.name.shown()) : \($0.problem ?? "")" }.joined(separator: "\n") }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let nightly = Nightly(observatory, options: .init(inbox: observatory.archiveDirectory, archive: observatory.archiveDirectory,
                                                          quarantine: observatory.quarantineDirectory))
        let scanner = InboxScanner(config: observatory.config, inbox: observatory.archiveDirectory)
        var outcomes: [FileOutcome] = []
        for file in files {
            let name = file.url.lastPathComponent
            let parts = [partner, feed].compactMap { $0 } + [name]
            let candidate = scanner.candidate(file.url, parts: parts)
            guard let feed = candidate.feed else {
                outcomes.append(FileOutcome(name: name, problem: "son nom ne désigne aucun flux (motifs « patterns » de partners.yaml)"
                    + (candidate.problem?.contains("plusieurs flux") == true ? " ou en désigne plusieurs" : "")
                    + " : rien n'a été enregistré ; choisissez le partenaire et le flux, puis déposez-le de nouveau"))
                continue
            }
            let result: IngestResult
            do {
                result = try observatory.ingest(file.url, partner: feed.partnerID, feed: feed.id, period: candidate.period, displayName: name)
            } catch let error as VigieError where error.kind == .usage || error.kind == .config {
                outcomes.append(FileOutcome(name: name, problem: error.message + (error.hint.map { " — \($0)" } ?? "")))
                continue
            }
            if let sha = result.sha256, result.outcome != nil { _ = try nightly.archive(file.url, sha256: sha, now: Date()) }
            outcomes.append(FileOutcome(name: name, report: IngestReport(result)))
        }
        return Result(files: outcomes)
    }
}

/// The original files the observatory keeps: nightly's (and the web's) content-addressed archive,
/// `archive/<yyyy>/<mm>/<sha256>-<name>`, and nightly's quarantine, `quarantine/<partner>/<feed>/<name>`.
struct KeptOriginals {
    let archive: [String: URL]
    let quarantine: URL

    init(_ observatory: Observatory) {
        let fm = FileManager.default
        var found: [String: URL] = [:]
        let root = observatory.archiveDirectory
        for year in (try? fm.contentsOfDirectory(atPath: root.path)) ?? [] where year.count == 4 {
            for month in (try? fm.contentsOfDirectory(atPath: root.appendingPathComponent(year).path)) ?? [] where month.count == 2 {
                let folder = root.appendingPathComponent(year).appendingPathComponent(month)
                for name in (try? fm.contentsOfDirectory(atPath: folder.path)) ?? [] { found[name] = folder.appendingPathComponent(name) }
            }
        }
        archive = found
        quarantine = observatory.quarantineDirectory
    }

    /// The kept file whose bytes are the submission's, or nil.
    func locate(_ s: Submission) -> URL? {
        func same(_ url: URL) -> Bool {
            FileKind(atPath: url.path) == .regular && (try? FileDigest.received(url).sha256) == s.sha256
        }
        if let url = archive["\(s.sha256)-\(s.fileName)"], same(url) { return url }
        let folder = quarantine.appendingPathComponent(s.partner).appendingPathComponent(s.feed)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter { $0 == s.fileName || $0.hasSuffix("-" + s.fileName) && Int($0.prefix { $0 != "-" }) != nil }
            .map { folder.appendingPathComponent($0) }.first(where: same)
    }
}

/// One row of the ledger as the « Dépôts » page shows it.
public struct DepotEntry: Codable, Sendable {
    public var id: Int64
    public var partner: String
    public var partnerName: String
    public var feed: String
    public var file: String
    public var receivedAt: String
    public var status: Submission.Status
    public var periods: [String]
    public var rowsRead: Int
    public var rowsLoaded: Int
    public var rowsRejected: Int
    public var message: String?
    /// The original file is kept (archive or quarantine): it can be downloaded.
    public var kept: Bool

    init(_ s: Submission, config: Configuration, store: Store, kept: Bool) throws {
        id = s.id ?? 0
        partner = s.partner
        partnerName = config.partners.first { $0.id == s.partner }?.name ?? s.partner
        feed = s.feed
        file = s.fileName
        receivedAt = s.receivedAt
        status = s.status
        periods = try store.periods(ofSubmission: id).map(\.period)
        rowsRead = s.rowsRead
        rowsLoaded = s.rowsLoaded
        rowsRejected = s.rowsRejected
        message = s.message
        self.kept = kept
    }
}

/// The ledger, newest first, `pageSize` rows a page, optionally for one partner's feed.
public struct ListDepots: UseCase, Hashable {
    public var partner: String?
    public var feed: String?
    public var page: Int
    public static let pageSize = 50

    public init(partner: String?, feed: String?, page: Int) {
        self.partner = partner
        self.feed = feed
        self.page = page
    }

    public struct Result: UseCaseResult {
        public var entries: [DepotEntry]
        public var total: Int
        public var page: Int
        public var pages: Int
        public var text: String { entries.map { "n° \($0.id) \($0.receivedAt) \($0.partner)/\($0.feed) « \($0.file.shown()) » \($0.status.rawValue)" }.joined(separator: "\n") }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let all = try observatory.store.submissions(partner: partner, feed: feed)
        let pages = max(1, (all.count + Self.pageSize - 1) / Self.pageSize)
        let page = min(max(1, self.page), pages)
        let kept = KeptOriginals(observatory)
        let entries = try all.dropFirst((page - 1) * Self.pageSize).prefix(Self.pageSize).map {
            try DepotEntry($0, config: observatory.config, store: observatory.store, kept: kept.locate($0) != nil)
        }
        return Result(entries: entries, total: all.count, page: page, pages: pages)
    }
}

/// One submission of the ledger: its rejects and, for a file refused for its columns whose original
/// is kept, the headers found beside the ones the feed expects (to map them). Nil for an unknown id.
public struct ShowDepot: UseCase {
    public var id: Int64
    public init(id: Int64) { self.id = id }

    /// A column the feed expects and the file lacks.
    public struct MissingColumn: Codable, Sendable {
        public var field: String
        public var expected: String
        /// The file's header most like it, by its index in `headers`.
        public var closest: Int?
    }

    /// What the column-mapping form offers.
    public struct Mapping: Codable, Sendable {
        public var missing: [MissingColumn]
        /// The header row's cells as the file writes them, with their column letters.
        public var headers: [Header]
        public var row: Int?
    }

    public struct Header: Codable, Sendable {
        public var letter: String
        public var text: String
    }

    public struct Result: UseCaseResult {
        public var entry: DepotEntry?
        public var rejects: [IngestReport.Reject]
        public var rejectCount: Int
        public var mapping: Mapping?
        public var text: String { entry.map { "n° \($0.id) « \($0.file.shown()) » \($0.status.rawValue)" } ?? "dépôt inconnu" }
    }

    public static let shownRejects = 200

    public func run(_ observatory: Observatory) throws -> Result {
        guard let s = try observatory.store.submission(id: id) else { return Result(entry: nil, rejects: [], rejectCount: 0) }
        let original = KeptOriginals(observatory).locate(s)
        let rejects = try observatory.store.rejects(ofSubmission: id)
        var mapping: Mapping?
        if s.status == .refused, let original, let feed = try? observatory.config.feed(partner: s.partner, feed: s.feed) {
            mapping = try? Self.mapping(original, feed: feed)
        }
        return Result(entry: try DepotEntry(s, config: observatory.config, store: observatory.store, kept: original != nil),
                      rejects: rejects.prefix(Self.shownRejects).map {
                          IngestReport.Reject(sheet: $0.sheet, row: $0.sourceRow, column: $0.sourceColumn, value: $0.value, reason: $0.reason)
                      }, rejectCount: rejects.count, mapping: mapping)
    }

    /// The header row of `url` beside `feed`'s columns; nil when no column is missing.
    static func mapping(_ url: URL, feed: Feed) throws -> Mapping? {
        guard feed.kind != .etat4001, !feed.columns.isEmpty else { return nil }
        let check = try HeaderCheck.probe(TableFile.open(url, readHiddenSheets: feed.readHiddenSheets), feed: feed)
        let missing = check.columns.filter { $0.found == nil }
        guard !missing.isEmpty else { return nil }
        var cells: [Cell] = []
        let reader = try TableFile.open(url, readHiddenSheets: feed.readHiddenSheets)
        do {
            try reader.forEachRow(inSheet: check.sheet) { row in
                if check.row == nil || row.number == check.row { cells = row.cells; throw Found() }
            }
        } catch is Found {}
        let headers = cells.enumerated().filter { !$0.element.isBlank }
            .map { Header(letter: columnLetters($0.offset), text: $0.element.text.trimmingCharacters(in: .whitespaces)) }
        return Mapping(missing: missing.map { column in
            MissingColumn(field: column.field, expected: column.expected,
                          closest: column.closest.flatMap { c in headers.firstIndex { $0.text.shown(limit: 60) == c } })
        }, headers: headers, row: check.row)
    }

    private struct Found: Error {}
}

/// The original file of a submission, to download (nil when Vigie does not keep it).
public struct DepotOriginal: UseCase {
    public var id: Int64
    public init(id: Int64) { self.id = id }

    public struct Result: UseCaseResult {
        public var name: String?
        public var path: String?
        public var text: String { path ?? "original non conservé" }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        guard let s = try observatory.store.submission(id: id) else { return Result() }
        return Result(name: s.fileName, path: KeptOriginals(observatory).locate(s)?.path)
    }
}

/// The column mapping of a file refused for its columns: writes the chosen headers into the feed's
/// `columns` (partners.yaml, backup kept) and loads the kept original again with the new configuration.
/// The caller reloads its configuration afterwards.
public struct MapColumns: UseCase {
    public var id: Int64
    /// Our field → the index of the chosen header in `ShowDepot.Mapping.headers`.
    public var choices: [String: Int]

    public init(id: Int64, choices: [String: Int]) {
        self.id = id
        self.choices = choices
    }

    public struct Result: UseCaseResult {
        public var backup: String
        public var columns: [String: String]
        public var report: IngestReport
        public var text: String { "partners.yaml modifié (copie : \(backup))\n" + report.text }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        guard let s = try observatory.store.submission(id: id), s.status == .refused,
              let original = KeptOriginals(observatory).locate(s) else {
            throw VigieError(.usage, "ce dépôt n'est pas un fichier refusé dont Vigie garde l'original")
        }
        let feed = try observatory.config.feed(partner: s.partner, feed: s.feed)
        guard let mapping = try ShowDepot.mapping(original, feed: feed) else {
            throw VigieError(.usage, "aucune colonne attendue ne manque à ce fichier : il n'y a rien à faire correspondre")
        }
        var columns: [String: String] = [:]
        for (field, index) in choices {
            guard mapping.missing.contains(where: { $0.field == field }), mapping.headers.indices.contains(index) else {
                throw VigieError(.usage, "choix de colonne incorrect : rechargez la page et recommencez")
            }
            columns[field] = mapping.headers[index].text
        }
        guard !columns.isEmpty else { throw VigieError(.usage, "choisissez au moins une colonne du fichier") }
        guard Set(columns.values).count == columns.count,
              Set(columns.values).isDisjoint(with: feed.columns.filter { columns[$0.key] == nil }.map(\.value)) else {
            throw VigieError(.usage, "une même colonne du fichier ne peut servir qu'à un seul champ")
        }
        let backup = try PartnersFileEdit.setColumns(columns, partner: s.partner, feed: s.feed, configDirectory: observatory.config.directory)
        let fresh = try Observatory(configDirectory: observatory.config.directory, databasePath: observatory.store.path,
                                    today: observatory.context.today)
        let result = try fresh.ingest(original, partner: s.partner, feed: s.feed, displayName: s.fileName)
        return Result(backup: backup.path, columns: columns, report: IngestReport(result))
    }
}

/// The « Classement » page: gives a nature loaded « non classé » its category in the feed's `natures`
/// (partners.yaml, backup kept), then reclassifies what is loaded as `vigie reclassify` does. The
/// caller reloads its configuration afterwards.
public struct ClassifyNature: UseCase {
    public var partner: String
    public var feed: String
    public var nature: String
    public var category: String

    public init(partner: String, feed: String, nature: String, category: String) {
        self.partner = partner
        self.feed = feed
        self.nature = nature
        self.category = category
    }

    public struct Result: UseCaseResult {
        public var backup: String
        public var outcome: Reclassification.Outcome
        public var text: String { "partners.yaml modifié (copie : \(backup))\n" + outcome.text }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        guard try observatory.store.unclassifiedNatures().contains(where: { $0.partner == partner && $0.feed == feed && $0.nature == nature }) else {
            throw VigieError(.usage, "cette nature n'est plus « non classé » pour ce flux : rechargez la page")
        }
        guard observatory.config.nomenclature.category(id: category) != nil else {
            throw VigieError(.usage, "catégorie inconnue : choisissez-en une de la liste")
        }
        let backup = try PartnersFileEdit.addNature(nature, category: category, partner: partner, feed: feed,
                                                    configDirectory: observatory.config.directory)
        let fresh = try Observatory(configDirectory: observatory.config.directory, databasePath: observatory.store.path,
                                    today: observatory.context.today)
        return Result(backup: backup.path, outcome: try Reclassify(partner: nil, feed: nil).run(fresh))
    }
}
