/// The exit codes of `vigie`, named once: what cron and scripts read.
public enum ExitStatus: Int32, Sendable, Codable {
    /// Everything went as asked.
    case ok = 0
    /// The command ran, but something needs a person: files or rows refused, feeds late, messages held.
    case attention = 1
    /// The command could not run: wrong usage, configuration or store.
    case usage = 2
    /// Another run holds the lock; nothing was done.
    case busy = 3
}
