import Foundation
import XCTest

/// A run of `vigie` under a deadline, with the peak resident memory the kernel keeps for it (VmHWM in
/// /proc/<pid>/status, read every 10 ms while it runs): a hang fails the test instead of blocking it, and memory
/// is checked without trusting the program. (wait4's ru_maxrss would not do: on Linux it counts the memory of
/// the test process that spawned it.)
struct BoundedRun {
    /// The exit status, or 128 + the signal that ended the process.
    var status: Int32
    var stdout: String
    var stderr: String
    /// The largest resident set of the process seen, in MiB.
    var peakMiB: Int
    /// True when the process was still running at the deadline and was killed.
    var timedOut: Bool

    var output: String { stdout + stderr }
}

extension CLI {
    /// Runs `vigie` with `arguments` plus `--config` and `--db`, as `run` does, and kills it after `deadline` seconds.
    func runBounded(_ arguments: [String], deadline: TimeInterval = 60) throws -> BoundedRun {
        let out = directory.appendingPathComponent("stdout-\(UUID().uuidString)")
        let err = directory.appendingPathComponent("stderr-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, err.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var environment = ProcessInfo.processInfo.environment
        environment["VIGIE_HMAC_KEY"] = "clé de test des commandes, assez longue"
        let argv = ([CLI.binary.path] + arguments + ["--config", CLI.repo.appendingPathComponent("Config").path, "--db", db])
            .map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }

        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, CLI.binary.path, &actions, nil, argv, envp)
        guard spawned == 0 else { throw POSIXError(POSIXErrorCode(rawValue: spawned) ?? .EINVAL) }

        var status: Int32 = 0
        var peakKiB = 0
        var timedOut = false
        let end = Date(timeIntervalSinceNow: deadline)
        while waitpid(pid, &status, WNOHANG) == 0 {
            peakKiB = max(peakKiB, Self.highWaterMarkKiB(of: pid))
            if Date() > end, !timedOut {
                timedOut = true
                kill(pid, SIGKILL)
            }
            usleep(10_000)
        }
        let signal = status & 0x7F
        return BoundedRun(status: signal == 0 ? (status >> 8) & 0xFF : 128 + signal,
                          stdout: String(decoding: (try? Data(contentsOf: out)) ?? Data(), as: UTF8.self),
                          stderr: String(decoding: (try? Data(contentsOf: err)) ?? Data(), as: UTF8.self),
                          peakMiB: peakKiB / 1024, timedOut: timedOut)
    }

    /// The peak resident set of a running process so far, in KiB (0 once it has exited).
    static func highWaterMarkKiB(of pid: pid_t) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
}
