import Foundation
import XCTest

/// A real PostgreSQL server from Debian's packages, in a temporary folder: initdb, a free port on
/// 127.0.0.1, pg_ctl start; `stop()` stops it and removes the folder. Passwords are checked on TCP
/// (scram-sha-256), as on a département's server. PostgreSQL refuses to run as root: as root, the
/// server runs as `nobody` (runuser). Without the binaries the tests are skipped with a message,
/// unless VIGIE_REQUIRE_POSTGRES is set (CI), where that is a failure.
final class PostgresServer: @unchecked Sendable {
    let folder: URL
    let port: Int
    let superuser = "postgres"
    let superuserPassword: String
    private let bin: URL
    private let runAs: String?

    static func binaries() -> URL? {
        if let dir = ProcessInfo.processInfo.environment["PG_BIN"] { return URL(fileURLWithPath: dir) }
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted()
        for v in versions.reversed() where FileManager.default.isExecutableFile(atPath: "\(root)/\(v)/bin/initdb") {
            return URL(fileURLWithPath: "\(root)/\(v)/bin")
        }
        return nil
    }

    /// Starts a server, or throws XCTSkip (binaries absent, VIGIE_REQUIRE_POSTGRES unset).
    init() throws {
        guard let bin = Self.binaries() else {
            if ProcessInfo.processInfo.environment["VIGIE_REQUIRE_POSTGRES"] != nil {
                throw PostgresServerError("PostgreSQL introuvable (initdb absent de /usr/lib/postgresql/*/bin) alors que VIGIE_REQUIRE_POSTGRES est posée : apt-get install postgresql")
            }
            throw XCTSkip("PostgreSQL absent (apt-get install postgresql) : tests du hub sautés ; VIGIE_REQUIRE_POSTGRES=1 en fait une erreur")
        }
        self.bin = bin
        runAs = getuid() == 0 ? "nobody" : nil
        folder = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("vigie-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        superuserPassword = UUID().uuidString
        let pwfile = folder.appendingPathComponent("pw")
        try Data(superuserPassword.utf8).write(to: pwfile)
        if runAs != nil { try Self.shell("/bin/chown", ["-R", "nobody:nogroup", folder.path]) }
        try Self.shell(bin.appendingPathComponent("initdb").path,
                       ["-D", folder.appendingPathComponent("data").path, "-U", "postgres", "--pwfile", pwfile.path, "-E", "UTF8", "--no-locale",
                        "--auth-local=trust", "--auth-host=scram-sha-256"], runAs: runAs)
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = Self.freePort()
            do {
                try Self.shell(bin.appendingPathComponent("pg_ctl").path,
                               ["-D", folder.appendingPathComponent("data").path, "-w", "-t", "60", "-l", folder.appendingPathComponent("log").path,
                                "-o", "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start"], runAs: runAs)
                self.port = port
                return
            } catch { lastError = error }
        }
        throw lastError ?? PostgresServerError("pg_ctl start a échoué")
    }

    var url: String { "postgresql://\(superuser)@127.0.0.1:\(port)/postgres" }
    func url(role: String, database: String) -> String { "postgresql://\(role)@127.0.0.1:\(port)/\(database)" }

    func stop() {
        _ = try? Self.shell(bin.appendingPathComponent("pg_ctl").path, ["-D", folder.appendingPathComponent("data").path, "-m", "fast", "-w", "stop"], runAs: runAs)
        try? FileManager.default.removeItem(at: folder)
    }

    /// `pg_dump` of the hub's data (what republishing must leave identical).
    func dump(database: String) throws -> String {
        try Self.shell(bin.appendingPathComponent("pg_dump").path,
                       ["-h", "127.0.0.1", "-p", String(port), "-U", superuser, "--data-only", "--schema=vigie_hub", database],
                       environment: ["PGPASSWORD": superuserPassword])
    }

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs `tool` and waits for it, its output in files. posix_spawn and waitpid, not Foundation's
    /// Process: `pg_ctl start` leaves the server running, and Process then never saw its end.
    @discardableResult
    static func shell(_ tool: String, _ arguments: [String], runAs: String? = nil, environment: [String: String] = [:]) throws -> String {
        let argv = (runAs.map { ["/usr/sbin/runuser", "-u", $0, "--"] } ?? []) + [tool] + arguments
        let outPath = NSTemporaryDirectory() + "vigie-pg-out-\(UUID().uuidString)"
        let errPath = NSTemporaryDirectory() + "vigie-pg-err-\(UUID().uuidString)"
        defer { unlink(outPath); unlink(errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let env = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }.map { "\($0.key)=\($0.value)" }
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var cEnv: [UnsafeMutablePointer<CChar>?] = env.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) }; cEnv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArgs, &cEnv)
        guard spawned == 0 else { throw PostgresServerError("\(argv[0]) : lancement impossible (\(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        guard status == 0 else {
            throw PostgresServerError("\(argv.joined(separator: " ")) : \(errors)")
        }
        return output
    }
}

struct PostgresServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
