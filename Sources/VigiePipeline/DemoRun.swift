import Foundation
import VigieCore

/// `vigie demo`: a fresh store in `out` from the sample files, the sample period's bulletins and
/// one data request handled end to end; says what it did. Unlike other use cases it makes its
/// observatory (a new store), so it runs on its own.
public struct RunDemo: Sendable {
    public var config: URL
    public var out: String
    public var sampleData: String
    public var pdf: Bool

    public init(config: URL, out: String, sampleData: String, pdf: Bool) {
        self.config = config
        self.out = out
        self.sampleData = sampleData
        self.pdf = pdf
    }

    public struct Result: UseCaseResult {
        /// The HMAC key file the demo created, when `VIGIE_HMAC_KEY` was not set.
        public var keyFile: String?
        public var database: String
        public var sampleData: String
        public var reports: [IngestReport]
        public var status: StatusReport
        /// État 4001 of the sample year by commune and month.
        public var etat4001: [EtatTotal]

        /// One commune's état 4001 total for one month.
        public struct EtatTotal: Codable, Sendable {
            public var commune: String
            public var name: String
            public var month: String
            public var total: Int
        }
        public var bulletins: [String]
        public var request: RequestNew.Result
        public var requestDescription: String
        public var fulfilled: RequestFulfil.Result
        /// Where the request's messages were written: nothing leaves in a demo.
        public var outbox: String
        /// The demo's web accounts (`make serve`), their passwords in `accountsFile` only.
        public var accounts: [String]
        public var accountsFile: String

        public var text: String {
            var lines: [String] = []
            if let keyFile { lines.append("Clé HMAC de démonstration créée : \(keyFile) (en service, la clé vient de VIGIE_HMAC_KEY).") }
            lines.append("Chargement de \(reports.count) fichier(s) de \(sampleData) dans \(database)")
            lines.append(contentsOf: reports.map(\.text))
            let loaded = reports.filter { $0.status == .loaded }.count
            let refused = reports.filter { $0.status == .refused || $0.status == .unreadable }.count
            lines += ["", "Bilan : \(reports.count) fichier(s), \(loaded) chargé(s), \(refused) refusé(s), \(reports.map(\.rowsRejected).reduce(0, +)) ligne(s) rejetée(s).",
                      "", status.text, "", "État 4001 de 2026 par commune et mois :"]
            lines += etat4001.map { "  \($0.name) (\($0.commune)) \($0.month) : \($0.total)" }
            lines += [
                      "", "Base de démonstration : \(database)",
                      "Essayez : vigie status --db \(database)",
                      "          vigie extract counts --db \(database) --by periode,commune --from 2026-01 --to 2026-10",
                      "          vigie bulletin monthly --db \(database) --month 2026-09 --out \(URL(fileURLWithPath: database).deletingLastPathComponent().path)/bulletins",
                      "", "Bulletins écrits (faits marquants 2026-W47, mensuel 2026-10, semestre 2026-S1, un diagnostic) :"]
            lines += bulletins.filter { $0.hasSuffix(".html") || $0.hasSuffix(".md") || $0.hasSuffix(".pdf") }.map { "  " + $0 }
            lines.append("  et \(bulletins.filter { $0.hasSuffix(".csv") }.count) tableau(x) CSV à côté des bulletins.")
            lines += ["", "Demande de données \(request.request.id) (\(request.requesterName) : \(request.request.purpose)), traitée de bout en bout :"]
            lines += requestDescription.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }
            lines.append("Paquet : \(fulfilled.folder)")
            lines += fulfilled.files.map { "  " + $0 }
            lines.append("Messages (boîte d'envoi \(outbox), rien n'est parti) :")
            lines += (request.messages + fulfilled.messages).map { "  " + $0.line }
            lines += ["", "Application web de démonstration : make serve, puis http://127.0.0.1:8080/ ; comptes \(accounts.joined(separator: ", ")),",
                      "mots de passe dans \(accountsFile) (lisible par vous seul)."]
            return lines.joined(separator: "\n")
        }
    }

    private var outURL: URL { URL(fileURLWithPath: out) }

    public func run() throws -> Result {
        try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let dbPath = outURL.appendingPathComponent("vigie.sqlite").path
        // A fresh store each time: only the store's own files are removed.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dbPath + suffix) }
        let keyFile = try Demo.provideHMACKey(in: outURL)
        let observatory = try ObservatoryLocation(configDirectory: config, databasePath: dbPath).open()
        let reports = try Demo.run(observatory, sampleData: URL(fileURLWithPath: sampleData), say: { _ in })
        let status = try ShowStatus().run(observatory)
        let byCommune = try observatory.store.countTotals(by: [.commune, .period], feed: "etat4001", from: .year(2026), to: .year(2026))
        // The demo's bulletins and requests folders are its own output: rewritten whole, so no stale file stays.
        let bulletinsURL = outURL.appendingPathComponent("bulletins")
        try? FileManager.default.removeItem(at: bulletinsURL)
        var files = try Demo.writeBulletins(observatory, out: bulletinsURL)
        if pdf { files += try files.filter { $0.pathExtension == "html" }.map { try PDFExport.write($0) } }
        let requestsURL = outURL.appendingPathComponent("demandes"), outboxURL = outURL.appendingPathComponent("envois")
        try? FileManager.default.removeItem(at: requestsURL)
        try? FileManager.default.removeItem(at: outboxURL)
        let (request, fulfilled) = try Demo.sampleRequest(observatory, out: requestsURL, outbox: outboxURL)
        let (accounts, accountsFile) = try demoAccounts(observatory)
        return Result(keyFile: keyFile?.path, database: dbPath, sampleData: URL(fileURLWithPath: sampleData).path, reports: reports, status: status,
                      etat4001: byCommune.map {
                          Result.EtatTotal(commune: $0.keys[0], name: observatory.config.territory.name(of: .commune($0.keys[0])),
                                           month: $0.keys[1], total: $0.total)
                      },
                      bulletins: files.map(\.path), request: request,
                      requestDescription: try RequestShow(id: request.request.id).run(observatory).text,
                      fulfilled: fulfilled, outbox: outboxURL.path, accounts: accounts, accountsFile: accountsFile.path)
    }

    /// The coordinator's, the assistant's, a partner's (STRAV) and an elected official's (Créteil)
    /// web accounts, with fresh random passwords written to `comptes-demo.txt` (mode 600) beside the
    /// store: never printed, never in the configuration.
    func demoAccounts(_ observatory: Observatory) throws -> ([String], URL) {
        let people: [(login: String, role: WebRole, name: String, partner: String?, communes: [String])] = [
            ("coordination", .coordinateur, "Coordination du CLSPD (démonstration)", nil, []),
            ("assistante", .assistant, "Assistante du CLSPD (démonstration)", nil, []),
            ("transports-strav", .partenaire, "Sûreté STRAV (démonstration)", "strav", []),
            ("mairie-creteil", .elu, "Cabinet du maire de Créteil (démonstration)", nil, ["94028"]),
        ]
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        var lines = ["# Comptes de l'application web de démonstration (vigie serve --db \(observatory.store.path)).",
                     "# Recréés à chaque make demo ; en service, vigie user add crée les comptes."]
        for person in people {
            let password = (0..<4).map { _ in String((0..<5).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }) }
                .joined(separator: "-")
            _ = try AddUser(login: person.login, role: person.role, name: person.name, partner: person.partner, communes: person.communes,
                            password: password, actor: "vigie demo", cost: 10).run(observatory)
            lines.append("\(person.login) (\(person.role.rawValue)) : \(password)")
        }
        let file = outURL.appendingPathComponent("comptes-demo.txt")
        try? FileManager.default.removeItem(at: file)
        guard FileManager.default.createFile(atPath: file.path, contents: Data((lines.joined(separator: "\n") + "\n").utf8),
                                             attributes: [.posixPermissions: 0o600]) else {
            throw VigieError(.store, "impossible d'écrire \(file.path)")
        }
        return (people.map(\.login), file)
    }
}
