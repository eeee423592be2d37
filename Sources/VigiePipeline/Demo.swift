import Foundation
import VigieCore

/// Files laid out as `<root>/<partner>/<feed>/<file>`, the way SampleData/ (and the nightly inbox)
/// hold them. Hidden files and README files are skipped; order is by partner, feed, file name.
public enum PartnerFolders {
    public struct Entry: Sendable {
        public var partner: String
        public var feed: String
        public var url: URL
    }

    public static func files(in root: URL) throws -> [Entry] {
        let fm = FileManager.default
        func children(_ url: URL) throws -> [URL] {
            try fm.contentsOfDirectory(at: url, includingPropertiesForKeys: [.isDirectoryKey])
                .filter { !$0.lastPathComponent.hasPrefix(".") && !$0.lastPathComponent.lowercased().hasPrefix("readme") }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        }
        func isDirectory(_ url: URL) -> Bool {
            (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true
        }
        var entries: [Entry] = []
        for partner in try children(root) where isDirectory(partner) {
            for feed in try children(partner) where isDirectory(feed) {
                for file in try children(feed) where !isDirectory(file) {
                    entries.append(Entry(partner: partner.lastPathComponent, feed: feed.lastPathComponent, url: file))
                }
            }
        }
        return entries
    }
}

/// `vigie demo`: loads every file of SampleData/ into the observatory's store and says what it did.
public enum Demo {
    /// When `VIGIE_HMAC_KEY` is not set, writes a random key to `folder/hmac.key` (0600) and sets
    /// the variable for this process, so the demo can pseudonymize; returns the file written.
    public static func provideHMACKey(in folder: URL) throws -> URL? {
        guard ProcessInfo.processInfo.environment["VIGIE_HMAC_KEY"] == nil else { return nil }
        let url = folder.appendingPathComponent("hmac.key")
        var key = ""
        if let existing = try? String(contentsOf: url, encoding: .utf8), existing.count >= 32 {
            key = existing
        } else {
            var generator = SystemRandomNumberGenerator()
            key = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hex
            guard FileManager.default.createFile(atPath: url.path, contents: Data(key.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw VigieError(.store, "impossible d'écrire \(url.path)")
            }
        }
        setenv("VIGIE_HMAC_KEY", key, 1)
        return url
    }

    public static func run(_ observatory: Observatory, sampleData: URL, say: (String) -> Void) throws -> [IngestReport] {
        guard FileManager.default.fileExists(atPath: sampleData.path) else {
            throw VigieError(.usage, "dossier d'exemple introuvable : \(sampleData.path)",
                             hint: "Lancez la démonstration depuis la racine du projet, ou donnez --sample-data.")
        }
        var reports: [IngestReport] = []
        let entries = try PartnerFolders.files(in: sampleData)
        say("Chargement de \(entries.count) fichier(s) de \(sampleData.path) dans \(observatory.store.path)")
        for entry in entries {
            let report = IngestReport(try observatory.ingest(entry.url, partner: entry.partner, feed: entry.feed))
            say(report.text)
            reports.append(report)
        }
        return reports
    }

    /// The bulletins of the sample period: the weekly of 2026-W47 for every commune, the monthly
    /// of October 2026, the study of S1 2026 and a diagnostic of the vehicle fires of Mont-Mesly.
    public static func writeBulletins(_ observatory: Observatory, out: URL) throws -> [URL] {
        let bulletins = try Bulletins(observatory, out: out)
        var files: [URL] = []
        files += try bulletins.weekly(week: .isoWeek(2026, 47))
        files += try bulletins.monthly(month: .month(2026, 10))
        files += try bulletins.semester(.semester(2026, 1))
        files += try bulletins.diagnostic(area: .quartier("cre-mont-mesly"), category: "incendies",
                                          from: .month(2026, 1), to: .month(2026, 10))
        return files
    }

    /// One data request handled end to end: the Mairie de Créteil asks for the police's faits
    /// marquants and two bailleurs' figures in Créteil by quartier for S1 2026; the police consents
    /// with a reservation (nothing below the secteur), Créteil Habitat consents, OGIF refuses. Its
    /// consent requests, package, copies and refusal notice are written in `outbox`: nothing leaves.
    public static func sampleRequest(_ observatory: Observatory, out: URL, outbox: URL) throws -> (RequestNew.Result, RequestFulfil.Result) {
        let created = try RequestNew(
            requester: "Mairie de Créteil", purpose: "Diagnostic local de sécurité du Mont-Mesly",
            data: ["police-nationale/faits-marquants", "creteil-habitat/incidents-residences", "ogif/incidents-residences"],
            from: .month(2026, 1), to: .month(2026, 6), area: "commune:Créteil", by: "quartier", outgoing: .outbox(outbox.path)).run(observatory)
        let id = created.request.id
        _ = try RequestConsent(id: id, owner: "police-nationale", grant: true, reason: nil,
                               reservation: "pas de détail sous le secteur de police", rules: ["pas-sous-secteur"]).run(observatory)
        _ = try RequestConsent(id: id, owner: "creteil-habitat", grant: true, reason: nil, reservation: nil, rules: []).run(observatory)
        _ = try RequestConsent(id: id, owner: "ogif", grant: false, reason: "données du semestre en cours de vérification",
                               reservation: nil, rules: []).run(observatory)
        return (created, try RequestFulfil(id: id, out: out.path, outgoing: .outbox(outbox.path)).run(observatory))
    }
}
