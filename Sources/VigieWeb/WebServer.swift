import Foundation
import Hummingbird
import Logging
import NIOPosix
import VigieCore
import VigiePipeline

/// `vigie serve`: opens the observatory, builds the application and runs it until SIGTERM or
/// SIGINT (swift-service-lifecycle's graceful shutdown: requests in flight finish first).
public struct WebServer: Sendable {
    public var location: ObservatoryLocation
    public var host: String
    public var port: Int

    public init(location: ObservatoryLocation, host: String = "127.0.0.1", port: Int = 8080) {
        self.location = location
        self.host = host
        self.port = port
    }

    /// Runs the server on this thread's behalf until it is stopped; configuration errors are thrown before it listens.
    public func runUntilStopped() throws {
        let observatory = try location.open()
        let site = try WebSite(observatory: observatory)
        var logger = Logger(label: "vigie.web")
        logger.logLevel = .notice
        let app = Application(router: site.router(),
                              configuration: .init(address: .hostname(host, port: port), serverName: nil),
                              onServerRunning: { _ in
                                  FileHandle.standardError.write(Data("Vigie : application web sur http://\(host):\(port)/ (Ctrl-C pour arrêter)\n".utf8))
                              },
                              logger: logger)
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await app.runService() } catch { outcome.set(error) }
            done.signal()
        }
        done.wait()
        if let error = outcome.error {
            throw VigieError(.usage, "le serveur web s'est arrêté : \(error)",
                             hint: "Le port \(port) est peut-être déjà pris : essayez --port 8081.")
        }
        FileHandle.standardError.write(Data("Vigie : application web arrêtée.\n".utf8))
    }
}

/// The error the server stopped with, handed from its task to the waiting thread.
private final class Outcome: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (any Error)?
    var error: (any Error)? { lock.withLock { stored } }
    func set(_ error: any Error) { lock.withLock { stored = error } }
}
