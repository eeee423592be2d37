import Foundation
import VigieCore

/// One user action — a command today, a web form tomorrow: typed arguments (the type's
/// properties) in, a Codable result out. It works on the observatory it is given; it never
/// prints and never exits.
public protocol UseCase: Sendable {
    associatedtype Result: UseCaseResult
    func run(_ observatory: Observatory) throws -> Result
}

/// What a use case returns: Codable for `--json` and the web, `text` in French for the terminal,
/// and the exit status a script reads.
public protocol UseCaseResult: Codable, Sendable {
    /// The result as the terminal prints it, in French.
    var text: String { get }
    var exitStatus: ExitStatus { get }
}

extension UseCaseResult {
    public var exitStatus: ExitStatus { .ok }
}

/// Where the observatory lives: its configuration folder and its store. The command line and the
/// web name it; only the pipeline opens it.
public struct ObservatoryLocation: Sendable {
    public var configDirectory: URL
    public var databasePath: String

    public init(configDirectory: URL, databasePath: String) {
        self.configDirectory = configDirectory
        self.databasePath = databasePath
    }

    public func open() throws -> Observatory {
        try Observatory(configDirectory: configDirectory, databasePath: databasePath)
    }
}

extension UseCase {
    /// Opens the observatory at `location` and runs.
    public func run(at location: ObservatoryLocation) throws -> Result {
        try run(location.open())
    }
}
