import Foundation
import VigieCore
import VigieDelivery

/// How the messages of a command leave: through the configured transport (`--send`: sendmail,
/// or `VIGIE_SENDMAIL`), or written as `.eml` files in an outbox folder (`--outbox DIR`).
public enum Outgoing: Sendable, Codable, Equatable {
    case send
    case outbox(String)

    /// The transport this choice means, with the observatory's settings.
    public func transport(_ settings: Settings) -> MailTransport {
        switch self {
        case .send: SendmailTransport(command: ProcessInfo.processInfo.environment["VIGIE_SENDMAIL"] ?? settings.sendmail)
        case .outbox(let folder): OutboxTransport(directory: URL(fileURLWithPath: folder))
        }
    }
}

/// What became of one message, in the words the audit log and the terminal use: « envoyé » only
/// when the transport accepted it.
public enum MessageFate: String, Sendable, Codable {
    /// The transport (sendmail) accepted it.
    case sent = "envoyé"
    /// Written as a file in the outbox: nothing left the machine.
    case outbox = "écrit dans la boîte d'envoi"
    /// Not sent: already sent, waiting for approval, or held.
    case held = "retenu"
    /// The transport refused it.
    case failed = "échec de l'envoi"
}
