import Foundation
import Logging
import PostgresNIO
import VigieCore

/// Where the departmental hub is: `postgresql://role@host:port/database`. A password written in
/// the address is refused (it would end in shell histories, process lists and settings.yaml):
/// it comes from `VIGIE_HUB_PASSWORD` or a password file.
public struct HubAddress: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var database: String
    public var role: String

    public init(host: String, port: Int = 5432, database: String, role: String) {
        self.host = host
        self.port = port
        self.database = database
        self.role = role
    }

    /// Parses `postgresql://role@host[:port]/database` (also `postgres://`).
    public init(url text: String) throws {
        let hint = "Écrivez l'adresse sous la forme postgresql://rôle@hôte:port/base, par exemple postgresql://vigie_obs_plaine@127.0.0.1:5432/hub."
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard let scheme = ["postgresql://", "postgres://"].first(where: { rest.hasPrefix($0) }) else {
            throw VigieError(.usage, "adresse du hub invalide « \(text.shown()) » : elle doit commencer par postgresql://", hint: hint)
        }
        rest = rest.dropFirst(scheme.count)
        guard let slash = rest.firstIndex(of: "/") else {
            throw VigieError(.usage, "adresse du hub sans nom de base « \(text.shown()) »", hint: hint)
        }
        let authority = rest[..<slash]
        let database = String(rest[rest.index(after: slash)...].prefix { $0 != "?" })
        guard let at = authority.lastIndex(of: "@") else {
            throw VigieError(.usage, "adresse du hub sans rôle « \(text.shown()) »", hint: hint)
        }
        let user = authority[..<at]
        guard !user.contains(":") else {
            throw VigieError(.usage, "mot de passe écrit dans l'adresse du hub : refusé (il resterait dans l'historique et la liste des processus)",
                             hint: "Retirez « :mot-de-passe » de l'adresse et donnez-le par la variable VIGIE_HUB_PASSWORD ou par un fichier (--password-file, ou password_file dans settings.yaml).")
        }
        var hostPort = authority[authority.index(after: at)...]
        var port = 5432
        if let colon = hostPort.lastIndex(of: ":"), !hostPort.hasSuffix("]") {
            guard let p = Int(hostPort[hostPort.index(after: colon)...]), (1...65535).contains(p) else {
                throw VigieError(.usage, "port du hub invalide dans « \(text.shown()) »", hint: hint)
            }
            port = p
            hostPort = hostPort[..<colon]
        }
        let host = hostPort.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        guard !host.isEmpty, !user.isEmpty, !database.isEmpty else {
            throw VigieError(.usage, "adresse du hub incomplète « \(text.shown()) »", hint: hint)
        }
        self.init(host: host, port: port, database: database.removingPercentEncoding ?? database, role: user.removingPercentEncoding ?? String(user))
    }

    /// postgresql://role@host:port/database — never a password.
    public var description: String { "postgresql://\(role)@\(host):\(port)/\(database)" }
}

/// The address and the password of one connection to the hub.
public struct HubCredentials: Sendable {
    public var address: HubAddress
    public var password: String?

    public init(address: HubAddress, password: String?) {
        self.address = address
        self.password = password
    }

    /// The password from `file` when given, else from `VIGIE_HUB_PASSWORD`, else none (a hub
    /// that trusts local connections). A password file readable by others is refused.
    public static func password(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String? {
        if let file {
            let attributes = try? FileManager.default.attributesOfItem(atPath: file)
            guard let attributes, let data = FileManager.default.contents(atPath: file) else {
                throw VigieError(.usage, "fichier du mot de passe du hub illisible : \(file)",
                                 hint: "Donnez un fichier lisible par ce compte, contenant le mot de passe sur une ligne.")
            }
            if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
                throw VigieError(.usage, "le fichier du mot de passe du hub \(file) est lisible par d'autres comptes (mode \(String(mode, radix: 8)))",
                                 hint: "Rendez-le privé : chmod 600 \(file)")
            }
            let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { throw VigieError(.usage, "fichier du mot de passe du hub vide : \(file)") }
            return text
        }
        if let value = environment["VIGIE_HUB_PASSWORD"], !value.isEmpty { return value }
        return nil
    }
}

/// One connection to the hub, opened for one piece of work and closed after it.
public struct HubSession: Sendable {
    let connection: PostgresConnection
    let logger: Logger
    public let address: HubAddress

    /// Connects, runs `body`, closes; every PostgreSQL error comes out as a French `VigieError`.
    public static func with<T: Sendable>(_ credentials: HubCredentials, _ body: @Sendable (HubSession) async throws -> T) async throws -> T {
        var logger = Logger(label: "vigie.hub")
        logger.logLevel = .critical // the queries' parameters never go to a log
        let address = credentials.address
        let configuration = PostgresConnection.Configuration(
            host: address.host, port: address.port, username: address.role, password: credentials.password,
            database: address.database, tls: .disable)
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        } catch {
            throw HubErrors.translate(error, address: address, connecting: true)
        }
        let session = HubSession(connection: connection, logger: logger, address: address)
        do {
            let result = try await body(session)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw HubErrors.translate(error, address: address, connecting: false)
        }
    }

    /// Runs one statement (its interpolations are bound parameters, see `PostgresQuery`).
    @discardableResult
    func run(_ query: PostgresQuery) async throws -> [PostgresRow] {
        try await connection.query(query, logger: logger).collect()
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: () async throws -> T) async throws -> T {
        try await run("BEGIN")
        do {
            let result = try await body()
            try await run("COMMIT")
            return result
        } catch {
            _ = try? await run("ROLLBACK")
            throw error
        }
    }
}

/// PostgreSQL's errors in words for the département's IT and the coordinator.
enum HubErrors {
    static func translate(_ error: any Error, address: HubAddress, connecting: Bool) -> any Error {
        if error is VigieError { return error }
        guard let psql = error as? PSQLError else {
            return VigieError(.store, "le hub \(address) est injoignable : \(error)",
                              hint: "Vérifiez l'adresse (--hub ou hub: url dans settings.yaml), que PostgreSQL tourne et écoute sur \(address.host):\(address.port), et le pare-feu.")
        }
        let state = psql.serverInfo?[.sqlState] ?? ""
        let message = psql.serverInfo?[.message] ?? ""
        switch (psql.code, state) {
        case (.server, "28P01"):
            return VigieError(.usage, "le hub refuse le mot de passe du rôle « \(address.role) » (\(address.host):\(address.port))",
                              hint: "Donnez le bon mot de passe par la variable VIGIE_HUB_PASSWORD ou par le fichier password_file ; l'informatique du département peut le changer (vigie hub observatory add).")
        case (.server, "28000"):
            return VigieError(.usage, "le hub n'accepte pas le rôle « \(address.role) » depuis cette machine : \(message)",
                              hint: "Le rôle doit exister (vigie hub observatory add) et pg_hba.conf du hub doit autoriser cette adresse.")
        case (.server, "3D000"):
            return VigieError(.usage, "la base « \(address.database) » n'existe pas sur le hub \(address.host):\(address.port)",
                              hint: "Créez-la (createdb \(address.database)) puis lancez vigie hub init.")
        case (.server, "42501"):
            return VigieError(.usage, "le hub refuse cette écriture au rôle « \(address.role) » : \(message)",
                              hint: "Chaque observatoire n'écrit que ses propres lignes ; vérifiez le rôle de l'adresse et l'identifiant hub: id de settings.yaml.")
        case (.server, "42P01"), (.server, "3F000"):
            return VigieError(.usage, "le hub \(address) n'est pas initialisé (\(message))",
                              hint: "Lancez d'abord vigie hub init --hub postgresql://administrateur@… (rôle propriétaire de la base).")
        case (.authMechanismRequiresPassword, _):
            return VigieError(.usage, "le hub demande un mot de passe pour le rôle « \(address.role) »",
                              hint: "Donnez-le par la variable VIGIE_HUB_PASSWORD ou par un fichier (--password-file, ou password_file dans settings.yaml).")
        case (.server, _):
            return VigieError(.store, "le hub a refusé une requête : \(message) (SQLSTATE \(state))",
                              hint: "Voyez le journal de PostgreSQL du hub ; relancez, rien n'a été écrit à moitié (une transaction par publication).")
        default:
            return VigieError(.store, connecting ? "le hub \(address) est injoignable (connexion impossible)" : "connexion au hub \(address) perdue",
                              hint: "Vérifiez que PostgreSQL tourne et écoute sur \(address.host):\(address.port) (listen_addresses, pare-feu), puis relancez.")
        }
    }
}

/// Runs async work to its end from synchronous code (the use cases and the command line are
/// synchronous): the work runs on the concurrency pool, the caller's thread waits.
public func runBlocking<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let box = ResultBox<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { box.result = .success(try await body()) } catch { box.result = .failure(error) }
        done.signal()
    }
    done.wait()
    guard let result = box.result else { throw VigieError(.store, "travail sur le hub interrompu") }
    return try result.get()
}

private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}
