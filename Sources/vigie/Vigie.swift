import ArgumentParser
import Foundation
import VigieCore
import VigiePipeline

/// `vigie`: the observatory's command line. Each subcommand parses its arguments and calls the
/// pipeline; errors are printed for people, without a stack trace, with a meaningful exit code:
/// 0 all good, 1 some files or rows refused, 2 usage, configuration or store error.
@main
struct Vigie: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigie",
        abstract: "Observatoire local de la délinquance : charge les fichiers des partenaires et écrit les bulletins.",
        subcommands: [Init.self, Ingest.self, Status.self, Extract.self, BulletinCommand.self, DiagnosticCommand.self,
                      CommentCommand.self, MailCommand.self, RelancesCommand.self, NightlyCommand.self, PurgeCommand.self, ReclassifyCommand.self, RequestCommand.self, AuditCommand.self, Demo.self,
                      UserCommand.self, TokenCommand.self, ServeCommand.self, HubCommand.self])

    static func main() {
        umask(0o077) // everything Vigie creates is private to its owner
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as VigieError {
            FileHandle.standardError.write(Data(("Erreur : " + error.description + "\n").utf8))
            Foundation.exit(ExitStatus.usage.rawValue)
        } catch let error as ExitCode {
            Foundation.exit(error.rawValue) // a command's own exit status (1 refused or late, 3 busy…)
        } catch {
            // Help (a clean exit: 0, on stdout) or a usage error (exit 2, on stderr): the parser's
            // text, rendered unwrapped, then translated and wrapped by FrenchArgumentParser.
            let clean = exitCode(for: error) == .success
            let message = FrenchArgumentParser.translate(fullMessage(for: error, columns: 10_000), wrapped: clean)
            if !message.isEmpty {
                (clean ? FileHandle.standardOutput : FileHandle.standardError).write(Data((message + "\n").utf8))
            }
            Foundation.exit(clean ? ExitStatus.ok.rawValue : ExitStatus.usage.rawValue)
        }
    }
}

/// Options every command takes: where the configuration and the store are.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("config"), help: "Dossier de configuration (défaut : $VIGIE_CONFIG, sinon ./Config).")
    var config: String?

    @Option(name: .customLong("db"), help: "Fichier de la base SQLite (défaut : $VIGIE_DB, sinon ./vigie.sqlite).")
    var db: String?

    var configURL: URL {
        URL(fileURLWithPath: config ?? ProcessInfo.processInfo.environment["VIGIE_CONFIG"] ?? "Config")
    }

    var databasePath: String {
        db ?? ProcessInfo.processInfo.environment["VIGIE_DB"] ?? "vigie.sqlite"
    }
}

/// Parses a period argument (`2026-10`, `2026`, `2026-W47`, `2026-S1`, `2025-2026`).
func parsePeriod(_ text: String?, option: String) throws -> Period? {
    guard let text else { return nil }
    guard let period = Period(text) else {
        throw ValidationError("\(option) « \(text) » n'est pas une période : écrivez 2026, 2026-S1, 2026-10, 2026-W47 ou 2025-2026.")
    }
    return period
}

func printOut(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

extension StoreOptions {
    /// The observatory these options name; the pipeline opens it.
    var location: ObservatoryLocation { ObservatoryLocation(configDirectory: configURL, databasePath: databasePath) }
}

/// Prints a use case's result (its French text, or JSON) and leaves with its exit status.
func present<R: UseCaseResult>(_ result: R, json: Bool = false) throws {
    printOut(json ? try vigieJSON(result) : result.text)
    if result.exitStatus != .ok { throw ExitCode(result.exitStatus.rawValue) }
}
