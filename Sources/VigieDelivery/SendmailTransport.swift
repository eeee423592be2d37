import Foundation
import VigieCore

/// Sends through the system's sendmail interface (`sendmail -t -oi`, `msmtp -t`…): the command is
/// split on spaces (no shell), run, given the message on its standard input; the message counts as
/// taken only when the command exits with 0.
public struct SendmailTransport: MailTransport {
    public let name = "sendmail"
    public let command: String

    public init(command: String) {
        self.command = command
    }

    public func send(_ message: Data, name: String) throws {
        let arguments = command.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let program = arguments.first else {
            throw VigieError(.config, "l'envoi a échoué : la commande d'envoi est vide",
                             hint: "Renseignez sendmail dans Config/settings.yaml (ou la variable VIGIE_SENDMAIL), par exemple « /usr/sbin/sendmail -t -oi ».")
        }
        guard let executable = Self.resolve(program) else {
            throw VigieError(.config, "l'envoi a échoué : la commande « \(program) » est introuvable ou n'est pas exécutable",
                             hint: "Installez-la (par exemple : apt-get install msmtp-mta) ou corrigez sendmail dans Config/settings.yaml (ou la variable VIGIE_SENDMAIL).")
        }

        // A command that exits without reading its input must not kill us with SIGPIPE: the write
        // then fails with EPIPE and the exit status tells what happened.
        signal(SIGPIPE, SIG_IGN)

        let process = Process()
        process.executableURL = executable
        process.arguments = Array(arguments.dropFirst())
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw VigieError(.config, "l'envoi a échoué : impossible de lancer « \(command) » : \(error.localizedDescription)",
                             hint: "Vérifiez sendmail dans Config/settings.yaml (ou la variable VIGIE_SENDMAIL).")
        }

        // Both outputs are drained on their own threads while we write, so that neither side can
        // block the other whatever the sizes.
        let collected = Collected()
        let group = DispatchGroup()
        for (pipe, isError) in [(output, false), (errors, true)] {
            let handle = pipe.fileHandleForReading
            DispatchQueue.global().async(group: group) {
                let data = handle.readDataToEndOfFile()
                collected.set(data, isError: isError)
            }
        }
        var writeError: Error?
        do {
            try input.fileHandleForWriting.write(contentsOf: message)
        } catch {
            writeError = error
        }
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        group.wait()

        let stderrText = String(decoding: collected.errors, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let detail = stderrText.isEmpty ? "" : " : " + stderrText
        if process.terminationReason == .uncaughtSignal {
            throw VigieError(.config, "l'envoi a échoué : « \(command) » a été interrompue par le signal \(process.terminationStatus)\(detail)")
        }
        if process.terminationStatus != 0 {
            throw VigieError(.config, "l'envoi a échoué : « \(command) » a terminé avec le code \(process.terminationStatus)\(detail)",
                             hint: "Le message n'est pas compté comme envoyé ; corrigez la cause puis relancez.")
        }
        if let writeError {
            throw VigieError(.config, "l'envoi a échoué : « \(command) » n'a pas lu tout le message (\(writeError.localizedDescription))\(detail)")
        }
    }

    /// The executable: a path when the name holds a `/`, else the first match in `PATH`.
    static func resolve(_ program: String) -> URL? {
        let manager = FileManager.default
        if program.contains("/") {
            return manager.isExecutableFile(atPath: program) ? URL(fileURLWithPath: program) : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = String(directory) + "/" + program
            var isDirectory: ObjCBool = false
            if manager.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               manager.isExecutableFile(atPath: candidate) {
                return URL(fileURLWithPath: candidate)
            }
        }
        return nil
    }
}

/// What the command wrote, filled from the reader threads.
private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var out = Data()
    private var err = Data()

    func set(_ data: Data, isError: Bool) {
        lock.lock()
        defer { lock.unlock() }
        if isError { err = data } else { out = data }
    }

    var errors: Data {
        lock.lock()
        defer { lock.unlock() }
        return err
    }
}
