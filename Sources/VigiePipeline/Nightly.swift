import Foundation
import VigieConfig
import VigieCore
import VigieStore

/// `vigie nightly`: takes in what partners dropped in the inbox, unattended. Each file is loaded
/// as `vigie ingest` would, then moved: a loaded file to the content-addressed archive, a refused
/// one to the quarantine with its reason beside it. Old descriptions are purged, and the run
/// says what is late. Safe to run twice (loaded bytes are recognized), and to kill at any
/// moment (each file is one transaction, moved only after it committed).
public struct Nightly: Sendable {
    public struct Options: Sendable {
        public var inbox: URL
        public var archive: URL
        public var quarantine: URL
        /// A file modified less than this many seconds before the run may still be being written: left for next time.
        public var settleSeconds: Double

        public init(inbox: URL, archive: URL, quarantine: URL, settleSeconds: Double = 60) {
            self.inbox = inbox
            self.archive = archive
            self.quarantine = quarantine
            self.settleSeconds = settleSeconds
        }
    }

    /// What became of one file of the inbox.
    public struct FileLine: Codable, Sendable {
        public enum Fate: String, Codable, Sendable {
            case loaded, alreadyLoaded = "already-loaded", refused, unreadable, unrecognized, beingWritten = "being-written"
            /// A symbolic link or a special file (FIFO, socket, device): moved as it is to the quarantine, never opened.
            case notAFile = "not-a-file"
            /// The configuration cannot load this feed (a missing HMAC key…): the file stays in the inbox.
            case leftForConfig = "left-config"

            /// The fate in French, as the report prints it (the raw value is the JSON's).
            public var label: String {
                switch self {
                case .loaded: return "chargé"
                case .alreadyLoaded: return "déjà intégré"
                case .refused: return "refusé"
                case .unreadable: return "illisible"
                case .unrecognized: return "non reconnu"
                case .beingWritten: return "en cours d'écriture"
                case .notAFile: return "écarté, ce n'est pas un fichier"
                case .leftForConfig: return "laissé faute de configuration"
                }
            }
        }
        public var file: String
        public var partner: String?
        public var feed: String?
        public var fate: Fate
        public var rowsRejected: Int
        public var movedTo: String?
        public var reason: String?
    }

    /// The run report, in JSON and as text.
    public struct Report: Codable, Sendable {
        public var started: String
        public var finished: String
        public var lockTakenOver: String?
        public var files: [FileLine]
        public var purgedDescriptions: Int
        public var completeness: Completeness
        public var exitCode: Int32

        public var text: String {
            var lines = ["Vigie — chargement de nuit du \(started)"]
            if let lockTakenOver { lines.append("verrou d'une exécution interrompue repris (\(lockTakenOver))") }
            let count = { (fate: FileLine.Fate) in files.filter { $0.fate == fate }.count }
            lines.append("Fichiers : \(count(.loaded)) chargé(s), \(count(.alreadyLoaded)) déjà intégré(s), \(count(.refused) + count(.unreadable)) refusé(s), \(count(.unrecognized)) non reconnu(s), \(count(.notAFile)) lien(s) ou fichier(s) spécial(aux) écarté(s), \(count(.beingWritten)) en cours d'écriture (repris la nuit prochaine), \(count(.leftForConfig)) laissé(s) faute de configuration.")
            lines.append("Lignes rejetées : \(files.map(\.rowsRejected).reduce(0, +)). Résumés effacés (durée de conservation) : \(purgedDescriptions).")
            for f in files where f.fate != .loaded && f.fate != .alreadyLoaded || f.rowsRejected > 0 {
                let what = f.fate == .loaded ? "\(f.rowsRejected) ligne(s) rejetée(s)" : f.fate.label
                let source = f.partner.map { partner in "\(partner)/\(f.feed ?? "flux inconnu")" } ?? "partenaire et flux inconnus"
                lines.append("  ✘ \(f.file.shownPath) (\(source)) : \(what)\(f.reason.map { " — \($0.oneLine)" } ?? "")\(f.movedTo.map { " → \($0.shownPath)" } ?? "")")
            }
            lines.append(completeness.text)
            return lines.joined(separator: "\n")
        }
    }

    public let observatory: Observatory
    public let options: Options

    public init(_ observatory: Observatory, options: Options) {
        self.observatory = observatory
        self.options = options
    }

    /// Runs once under the store's lock. Throws `RunLock.Busy` when another run holds it. `log` gets
    /// one line per event, file names escaped (`String.shown`).
    public func run(now: Date = Date(), log printLine: (String) -> Void) throws -> Report {
        func log(_ event: String) { printLine(event.oneLine) }
        let lock = try RunLock(path: observatory.store.path + ".lock")
        if let previous = lock.takenOver { log("verrou laissé par une exécution interrompue (\(previous)) : repris") }
        let started = Timestamp.utc(now)
        var lines: [FileLine] = []
        for candidate in try InboxScanner(config: observatory.config, inbox: options.inbox).scan() {
            lines.append(try take(candidate, now: now, log: log))
        }
        let retention = try DescriptionRetention(observatory).purge()
        let purged = retention.total
        if purged > 0 { log("\(purged) résumé(s) antérieur(s) au \(retention.cutoff.french) effacé(s) (conservation : \(retention.months) mois)") }
        let completeness = try Completeness(config: observatory.config, store: observatory.store, today: observatory.context.today)
        for late in completeness.lateFeeds {
            log("en retard : \(late.partnerName) — \(late.feed) : \(late.late.map(\.period).joined(separator: ", "))\(late.contact?.email.map { " (relancer : \($0))" } ?? "")")
        }
        let troubled = lines.contains { [.refused, .unreadable, .unrecognized, .notAFile].contains($0.fate) || $0.rowsRejected > 0 }
        let unconfigured = lines.contains { $0.fate == .leftForConfig }
        withExtendedLifetime(lock) {}
        return Report(started: started, finished: Timestamp.utc(Date()), lockTakenOver: lock.takenOver,
                      files: lines, purgedDescriptions: purged, completeness: completeness,
                      exitCode: unconfigured ? 2 : troubled || !completeness.lateFeeds.isEmpty ? 1 : 0)
    }

    /// Loads one file and moves it where it belongs.
    func take(_ candidate: InboxScanner.Candidate, now: Date, log: (String) -> Void) throws -> FileLine {
        let url = candidate.url
        let name = url.lastPathComponent
        var line = FileLine(file: relativePath(url), partner: candidate.feed?.partnerID, feed: candidate.feed?.id, fate: .loaded,
                            rowsRejected: 0, movedTo: nil, reason: nil)
        if let what = candidate.notAFile {
            // Never opened nor followed: a link could lead out of the inbox, a FIFO would block the run.
            line.fate = .notAFile
            line.reason = what
            do {
                line.movedTo = try quarantine(url, partner: candidate.feed?.partnerID, feed: candidate.feed?.id, reason: what, now: now)
            } catch {
                line.reason = what + " ; laissé dans la boîte, impossible à déplacer (\(error))"
            }
            log("écarté, ce n'est pas un fichier : \(line.file.shownPath) — \(line.reason ?? "")\(line.movedTo.map { " → \($0.shownPath)" } ?? "")")
            return line
        }
        guard let feed = candidate.feed else {
            line.fate = .unrecognized
            line.reason = candidate.problem ?? "fichier non reconnu"
            line.movedTo = try quarantine(url, partner: nil, feed: nil, reason: line.reason ?? "", now: now)
            log("non reconnu : \(line.file.shownPath) → \(line.movedTo?.shownPath ?? "")")
            return line
        }
        // Opened once without following a link (O_NOFOLLOW; O_NONBLOCK so that a FIFO swapped in
        // cannot block), and read through that descriptor (/proc/self/fd/N reopens the same file):
        // what loads is the plain file found in the inbox, even if a link replaces it meanwhile.
        // A file that cannot be opened is read by its path and refused as unreadable, as before.
        let descriptor = open(url.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        defer { if descriptor >= 0 { close(descriptor) } }
        let pinned = "/proc/self/fd/\(descriptor)"
        let source = descriptor >= 0 && access(pinned, R_OK) == 0 ? URL(fileURLWithPath: pinned) : url
        let before = descriptor >= 0 ? FileStamp(descriptor: descriptor) : FileStamp(path: url.path)
        guard let stamp = before, stamp.modified.timeIntervalSince(now) < -options.settleSeconds else {
            line.fate = .beingWritten
            line.reason = "modifié il y a moins de \(Int(options.settleSeconds)) s : repris la prochaine fois"
            log("en cours d'écriture, laissé : \(line.file.shownPath)")
            return line
        }
        let result: IngestResult
        do {
            result = try observatory.ingest(source, partner: feed.partnerID, feed: feed.id, period: candidate.period, displayName: name)
        } catch let error as VigieError where error.kind == .config {
            // Not the partner's fault: the file waits in the inbox, the other feeds still load,
            // and the run ends with 2 so that the administrator sees it.
            line.fate = .leftForConfig
            line.reason = error.message + (error.hint.map { " — \($0)" } ?? "")
            log("laissé dans la boîte (configuration) : \(line.file.shownPath) — \(line.reason ?? "")")
            return line
        }
        let report = IngestReport(result)
        line.rowsRejected = report.rowsRejected
        guard FileStamp(path: url.path) == stamp, descriptor < 0 || FileStamp(descriptor: descriptor) == stamp else {
            // Changed while it was read: what was loaded may be partial. The file stays; the
            // complete version will load next time and supersede this one for its period.
            line.fate = .beingWritten
            line.reason = "modifié pendant le chargement : laissé dans la boîte, rechargé la prochaine fois"
            log("modifié pendant le chargement, laissé : \(line.file.shownPath)")
            return line
        }
        switch report.status {
        case .loaded, .alreadyLoaded:
            line.fate = report.status == .loaded ? .loaded : .alreadyLoaded
            line.movedTo = try archive(url, sha256: result.sha256 ?? "inconnu", now: now)
            log("\(line.fate == .loaded ? "chargé" : "déjà intégré") : \(line.file.shownPath)\(line.rowsRejected > 0 ? " (\(line.rowsRejected) ligne(s) rejetée(s))" : "") → \(line.movedTo?.shownPath ?? "")")
        case .refused, .unreadable:
            line.fate = report.status == .refused ? .refused : .unreadable
            line.reason = report.message ?? "refusé"
            line.movedTo = try quarantine(url, partner: feed.partnerID, feed: feed.id, reason: report.text, now: now)
            log("refusé : \(line.file.shownPath) — \(line.reason ?? "") → \(line.movedTo?.shownPath ?? "")")
        }
        return line
    }

    /// `archive/<yyyy>/<mm>/<sha256>-<name>`; the same bytes archived twice are kept once.
    func archive(_ url: URL, sha256: String, now: Date) throws -> String {
        let (year, month) = Nightly.yearMonth(now)
        let folder = options.archive.appendingPathComponent(year).appendingPathComponent(month)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let target = folder.appendingPathComponent("\(sha256)-\(url.lastPathComponent)")
        if FileManager.default.fileExists(atPath: target.path) {
            try FileManager.default.removeItem(at: url)
        } else {
            try Nightly.move(url, to: target)
            Nightly.makePrivate(target)
        }
        return target.path
    }

    /// `quarantine/<partner>/<feed>/<name>` with `<name>.reason.txt` beside it.
    func quarantine(_ url: URL, partner: String?, feed: String?, reason: String, now: Date) throws -> String {
        var folder = options.quarantine
        if let partner, let feed { folder = folder.appendingPathComponent(partner).appendingPathComponent(feed) }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var target = folder.appendingPathComponent(url.lastPathComponent)
        var n = 2
        while FileKind(atPath: target.path) != .missing {
            target = folder.appendingPathComponent("\(n)-\(url.lastPathComponent)")
            n += 1
        }
        try Nightly.move(url, to: target)
        Nightly.makePrivate(target)
        let note = "Fichier : \(relativePath(url).shownPath)\nReçu dans la boîte et mis de côté le \(Timestamp.utc(now)).\n\n\(reason)\n"
        try Data(note.utf8).write(to: URL(fileURLWithPath: target.path + ".reason.txt"), options: .atomic)
        return target.path
    }

    /// Moves the entry itself, whatever it is: rename(2) follows no link. Across file systems a plain
    /// file or a link is moved by FileManager (which copies a link as a link); anything else cannot
    /// be, as copying it would open it.
    static func move(_ url: URL, to target: URL) throws {
        guard rename(url.path, target.path) != 0 else { return }
        let error = errno
        let kind = FileKind(atPath: url.path)
        guard error == EXDEV, kind == .regular || kind == .symbolicLink else {
            throw VigieError(.store, "impossible de déplacer « \(url.path.shown()) » vers « \(target.path.shown()) » : \(String(cString: strerror(error)))",
                             hint: "Vérifiez les droits sur la boîte de dépôt, l'archive et la quarantaine.")
        }
        try FileManager.default.moveItem(at: url, to: target)
    }

    /// A moved file keeps the mode its sender gave it (often 0644): made 0600 like everything Vigie
    /// keeps. Only a plain file is changed, through a descriptor opened without following a link
    /// (chmod would follow one). Best effort: a file Vigie does not own keeps its mode, and its 0700
    /// folder still guards it.
    static func makePrivate(_ url: URL) {
        guard FileKind(atPath: url.path) == .regular else { return }
        let descriptor = open(url.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        if FileStamp(descriptor: descriptor) != nil { _ = fchmod(descriptor, 0o600) }
    }

    func relativePath(_ url: URL) -> String {
        let root = options.inbox.standardizedFileURL.path
        let path = url.standardizedFileURL.path
        return path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }

    static func yearMonth(_ date: Date) -> (String, String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris") ?? .current
        let c = calendar.dateComponents([.year, .month], from: date)
        return (String(c.year ?? 1970), (c.month ?? 1) < 10 ? "0\(c.month ?? 1)" : "\(c.month ?? 1)")
    }
}

extension String {
    /// A path escaped as `shown()` escapes a name, but whole (up to PATH_MAX): the file name at its
    /// end is what people look for.
    var shownPath: String { shown(limit: Int(PATH_MAX)) }

    /// Our own multi-line text (a reason and its hint) on one line, for a log line or a report line.
    var oneLine: String {
        split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
    }
}
