import Foundation

/// How Vigie writes a moment: ISO 8601 to the second, in UTC for what the store and the logs keep
/// (`2026-11-23T09:15:00Z`), in Paris time with its offset for what a person reads in a request's
/// log or package (`2026-11-23T10:15:00+01:00`).
public enum Timestamp {
    public static func utc(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }

    public static func paris(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "Europe/Paris") ?? .current
        return formatter.string(from: date)
    }
}
