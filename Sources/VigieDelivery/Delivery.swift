import Foundation
import VigieCore

/// How a message leaves: the system's sendmail command, or an outbox folder (a dry run).
public protocol MailTransport: Sendable {
    /// « sendmail » or « outbox », as written in the dispatch log.
    var name: String { get }
    /// Hands over one message; returns only when the transport took it, else throws its error.
    func send(_ message: Data, name: String) throws
}
