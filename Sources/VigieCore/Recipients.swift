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
        /// « Monsieur le Maire, »: opens the letter to this commune (else the letter's greeting).
        public var greeting: String?
        public init(to: [Mailbox], cc: [Mailbox] = [], greeting: String? = nil) { self.to = to; self.cc = cc; self.greeting = greeting }
    }

    /// What turns a bulletin into a letter: the greeting by default, the signature (lines), and
    /// the restricted-distribution notice, which always says « diffusion restreinte ».
    public struct Letter: Sendable, Equatable {
        public var greeting: String
        public var signature: [String]
        public var restriction: String
        public init(greeting: String, signature: [String], restriction: String) {
            self.greeting = greeting
            self.signature = signature
            self.restriction = restriction
        }
    }

    public var from: Mailbox
    /// Replies go to the coordinator (Reply-To).
    public var coordinator: Mailbox
    /// INSEE code → its mayor and DGS.
    public var communes: [String: Group]
    public var letter: Letter

    public init(from: Mailbox, coordinator: Mailbox, communes: [String: Group],
                letter: Letter = Letter(greeting: "Madame, Monsieur,", signature: [], restriction: "Diffusion restreinte.")) {
        self.from = from
        self.coordinator = coordinator
        self.communes = communes
        self.letter = letter
    }
}

/// Observatory-wide settings (`Config/settings.yaml`).
public struct Settings: Sendable, Equatable {
    /// Whether a bulletin mail needs the coordinator's approval before it is sent.
    public enum Approval: String, Sendable, Equatable, CaseIterable { case required, none }

    /// Free-text descriptions older than this are purged by the nightly run; counts stay.
    public var retentionMonths: Int
    /// The sendmail-compatible command that sends a message read on its standard input.
    public var sendmail: String
    /// The smallest count published in what leaves the observatory (DESIGN §10); an owner's
    /// reservation can raise it for its data, never lower it.
    public var minCell: Int
    /// `approval: required` (default): `mail weekly --send` sends only approved messages.
    public var approval: Approval
    /// The same reminder (relance) is not sent again within this many days.
    public var relanceIntervalDays: Int
    /// The web application (`vigie serve`): `web:` in settings.yaml.
    public var web: Web
    /// The departmental hub (`vigie hub publish`): `hub:` in settings.yaml.
    public var hub: HubSettings

    /// How `vigie serve` treats its sessions and the mails its pages send.
    public struct Web: Sendable, Equatable {
        /// `Secure` on the session cookie: true when the server is reached through HTTPS (nginx with TLS).
        public var secureCookies: Bool
        /// A session ends this many hours after the login.
        public var sessionHours: Int
        /// When set, the pages' mails (relances) are written as .eml files in this folder, not sent.
        public var outbox: String?
        /// The bytes of one upload (the files of a form, or one file through the API).
        public var uploadBytes: Int
        /// Files one account (a login, or a partner's API tokens) may upload in a minute.
        public var filesPerMinute: Int
        /// The bytes of a form's body (not an upload).
        public var formBytes: Int
        /// The bytes of a request's header fields, all together.
        public var headerBytes: Int

        public init(secureCookies: Bool = false, sessionHours: Int = 8, outbox: String? = nil, uploadBytes: Int = 50 << 20,
                    filesPerMinute: Int = 30, formBytes: Int = 1 << 20, headerBytes: Int = 32 << 10) {
            self.secureCookies = secureCookies
            self.sessionHours = sessionHours
            self.outbox = outbox
            self.uploadBytes = uploadBytes
            self.filesPerMinute = filesPerMinute
            self.formBytes = formBytes
            self.headerBytes = headerBytes
        }
    }

    public init(retentionMonths: Int = 12, sendmail: String = "/usr/sbin/sendmail -t -oi", minCell: Int = 5,
                approval: Approval = .required, relanceIntervalDays: Int = 7, web: Web = Web(), hub: HubSettings = HubSettings()) {
        self.hub = hub
        self.retentionMonths = retentionMonths
        self.sendmail = sendmail
        self.minCell = minCell
        self.approval = approval
        self.relanceIntervalDays = relanceIntervalDays
        self.web = web
    }
}
