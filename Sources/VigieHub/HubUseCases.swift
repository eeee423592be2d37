import Foundation
import VigieCore
import VigiePipeline

/// `vigie hub init`: creates the hub's schema, or migrates it to this program's version. Run by
/// the département's IT with the role that owns the hub's database. Like `RunDemo`, it needs no
/// observatory.
public struct InitHub: Sendable {
    public var credentials: HubCredentials

    public init(credentials: HubCredentials) { self.credentials = credentials }

    public struct Result: UseCaseResult {
        public var hub: String
        public var version: Int
        public var applied: [String]
        public var text: String {
            applied.isEmpty ? "Hub \(hub) : déjà à jour (version \(version))."
                : (["Hub \(hub) : version \(version)."] + applied.map { "  migration appliquée : \($0)" }).joined(separator: "\n")
        }
    }

    public func run() throws -> Result {
        let credentials = self.credentials
        return try runBlocking {
            try await HubSession.with(credentials) { session in
                let applied = try await HubSchema.migrate(session)
                return Result(hub: credentials.address.description, version: HubSchema.currentVersion,
                              applied: applied.map { "\($0.version) — \($0.description)" })
            }
        }
    }
}

/// `vigie hub observatory add` and `vigie hub analyst add`: a login role for an observatory
/// (which writes only its own rows) or for an analyst of the département (reads everything).
/// The role's password comes from a file or from `VIGIE_HUB_ROLE_PASSWORD`, never from the command line.
public struct AddHubRole: Sendable {
    public enum Kind: Sendable { case observatory(id: String, name: String), analyst }
    public var credentials: HubCredentials
    public var kind: Kind
    public var role: String
    public var rolePassword: String?

    public init(credentials: HubCredentials, kind: Kind, role: String, rolePassword: String?) {
        self.credentials = credentials
        self.kind = kind
        self.role = role
        self.rolePassword = rolePassword
    }

    public struct Result: UseCaseResult {
        public var role: String
        public var observatory: String?
        public var passwordSet: Bool
        public var text: String {
            let what = observatory.map { "écrit les lignes de l'observatoire « \($0) » et elles seules" } ?? "lit tout le hub, n'écrit rien"
            return "Rôle « \(role) » : \(what)." + (passwordSet ? "" : " Aucun mot de passe donné : le rôle ne se connecte que si pg_hba.conf l'autorise sans mot de passe.")
        }
    }

    public func run() throws -> Result {
        guard role.range(of: "^[a-z_][a-z0-9_]{0,62}$", options: .regularExpression) != nil else {
            throw VigieError(.usage, "nom de rôle invalide « \(role.shown()) » : lettres minuscules, chiffres et « _ », 63 au plus")
        }
        if case .observatory(let id, _) = kind, !HubSettings.isValidID(id) {
            throw VigieError(.usage, "identifiant d'observatoire invalide « \(id.shown()) » : lettres minuscules, chiffres et tirets (63 au plus)")
        }
        let (credentials, kind, role, password) = (self.credentials, self.kind, self.role, self.rolePassword)
        return try runBlocking {
            try await HubSession.with(credentials) { session in
                switch kind {
                case .observatory(let id, let name):
                    try await HubSchema.addObservatory(session, id: id, name: name, role: role, password: password)
                    return Result(role: role, observatory: id, passwordSet: password != nil)
                case .analyst:
                    try await HubSchema.addAnalyst(session, role: role, password: password)
                    return Result(role: role, observatory: nil, passwordSet: password != nil)
                }
            }
        }
    }
}

/// `vigie hub publish`: sends the observatory's published aggregates (`HubExtract`) to the hub.
public struct PublishToHub: UseCase {
    /// `--hub`, else `hub: url` of settings.yaml.
    public var url: String?
    /// `--password-file`, else `hub: password_file`, else `VIGIE_HUB_PASSWORD`.
    public var passwordFile: String?

    public init(url: String? = nil, passwordFile: String? = nil) {
        self.url = url
        self.passwordFile = passwordFile
    }

    public struct Result: UseCaseResult {
        public var hub: String
        public var summary: HubPublisher.Summary
        public var months: Int
        public var facts: Int
        public var comparables: Int
        public var etat4001: Int
        public var notReceived: Int
        public var text: String {
            let s = summary
            var lines = ["Publication de l'observatoire « \(s.observatory) » sur \(hub) : \(months) mois, \(facts) comptages, \(comparables) comparaisons à sources égales, \(etat4001) valeurs de l'état 4001, \(notReceived) flux-mois non reçus."]
            if s.publication == nil {
                lines.append("Rien n'a changé depuis la dernière publication : le hub est à jour (\(s.periodsUnchanged) périodes identiques).")
            } else {
                lines.append("Publication n° \(s.publication ?? 0) : \(s.periodsReplaced) période(s) remplacée(s), \(s.periodsRemoved) retirée(s), \(s.periodsUnchanged) inchangée(s), \(s.rowsWritten) ligne(s) écrite(s).")
            }
            return lines.joined(separator: "\n")
        }
    }

    public func run(_ observatory: Observatory) throws -> Result {
        let settings = observatory.config.settings.hub
        guard let url = url ?? settings.url else {
            throw VigieError(.usage, "aucun hub donné", hint: "Donnez --hub postgresql://rôle@hôte:port/base, ou hub: { url: … } dans settings.yaml.")
        }
        let credentials = HubCredentials(address: try HubAddress(url: url),
                                         password: try HubCredentials.password(file: passwordFile ?? settings.passwordFile))
        let payload = try HubExtract.payload(observatory)
        let summary = try runBlocking { try await HubSession.with(credentials) { try await HubPublisher.publish(payload, session: $0) } }
        return Result(hub: credentials.address.description, summary: summary, months: Set(payload.completeness.map(\.month)).count,
                      facts: payload.facts.count, comparables: payload.comparables.count, etat4001: payload.etat4001.count,
                      notReceived: payload.completeness.filter { $0.state == HubCompleteness.notReceived }.count)
    }
}
