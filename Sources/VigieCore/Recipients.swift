/// A mailbox: a display name and an address. Never holds a CR or LF (checked at loading).
public struct Mailbox: Sendable, Equatable {
    public var name: String
    public var email: String
    public init(name: String, email: String) { self.name = name; self.email = email }
}

/// Who receives the weekly mail of each commune (`Config/recipients.yaml`).
public struct Recipients: Sendable, Equatable {
    public struct Group: Sendable, Equatable {
        public var to: [Mailbox]
        public var cc: [Mailbox]
        public init(to: [Mailbox], cc: [Mailbox] = []) { self.to = to; self.cc = cc }
    }

    public var from: Mailbox
    /// Replies go to the coordinator (Reply-To).
    public var coordinator: Mailbox
    /// INSEE code → its mayor and DGS.
    public var communes: [String: Group]

    public init(from: Mailbox, coordinator: Mailbox, communes: [String: Group]) {
        self.from = from
        self.coordinator = coordinator
        self.communes = communes
    }
}

/// Observatory-wide settings (`Config/settings.yaml`).
public struct Settings: Sendable, Equatable {
    /// Free-text descriptions older than this are purged by the nightly run; counts stay.
    public var retentionMonths: Int
    /// The sendmail-compatible command that sends a message read on its standard input.
    public var sendmail: String
    /// The smallest count published in what leaves the observatory (DESIGN §10); an owner's
    /// reservation can raise it for its data, never lower it.
    public var minCell: Int

    public init(retentionMonths: Int = 12, sendmail: String = "/usr/sbin/sendmail -t -oi", minCell: Int = 5) {
        self.retentionMonths = retentionMonths
        self.sendmail = sendmail
        self.minCell = minCell
    }
}
