import VigieConfig
import VigieCore
import VigieStore

/// The completeness register: for each feed with a cadence, which periods were expected (from
/// its `since` period, or its first file, up to today), which arrived, and which are late
/// (due date past, nothing received) — the assistant's list of reminders (relances).
/// It is computed from the configuration and the ledger each time, so it can never disagree
/// with them. A feed with no cadence (doléances) is never late.
public struct Completeness: Codable, Sendable {
    public struct Late: Codable, Sendable, Equatable {
        public var period: String
        public var due: String
    }

    public struct FeedCompleteness: Codable, Sendable {
        public var partner: String
        public var partnerName: String
        public var feed: String
        public var cadence: String
        public var lastReceived: String?
        public var expected: Int
        public var received: Int
        public var late: [Late]
        public var contact: Contact?
    }

    public var today: String
    public var feeds: [FeedCompleteness]

    /// The late feeds only.
    public var lateFeeds: [FeedCompleteness] { feeds.filter { !$0.late.isEmpty } }

    public init(config: Configuration, store: Store, today: CivilDate) throws {
        self.today = today.description
        var feeds: [FeedCompleteness] = []
        for partner in config.partners {
            for feed in partner.feeds {
                let received = try store.receivedPeriods(partner: partner.id, feed: feed.id)
                feeds.append(Completeness.check(feed, partner: partner, received: received, today: today))
            }
        }
        self.feeds = feeds
    }

    /// The register of one feed, given the periods received.
    public static func check(_ feed: Feed, partner: Partner, received: Set<Period>, today: CivilDate) -> FeedCompleteness {
        var result = FeedCompleteness(partner: partner.id, partnerName: partner.name, feed: feed.id, cadence: feed.cadence.rawValue,
                                      lastReceived: received.max()?.description, expected: 0, received: 0, late: [],
                                      contact: partner.contact)
        guard feed.cadence != .continuous, let first = feed.since ?? received.min() else { return result }
        var period = feed.period(of: first.start)
        while feed.dueDate(of: period) < today {
            result.expected += 1
            if received.contains(period) {
                result.received += 1
            } else {
                result.late.append(Late(period: period.description, due: feed.dueDate(of: period).french))
            }
            period = feed.next(after: period)
        }
        return result
    }

    /// French text: the reminders to send first, then the state of every feed.
    public var text: String {
        var lines: [String] = []
        let late = lateFeeds
        lines.append(late.isEmpty ? "Aucun envoi en retard au \(today)." : "Envois en retard au \(today) (relances) :")
        for f in late {
            let periods = f.late.map { "\($0.period) (attendu le \($0.due))" }
            lines.append("  ✘ \(f.partnerName) — « \(f.feed) » : \(periods.prefix(6).joined(separator: ", "))\(periods.count > 6 ? " et \(periods.count - 6) autres (vigie status --json les donne toutes)" : "")")
            if let c = f.contact {
                lines.append("      contact : " + [c.name, c.email, c.phone].compactMap { $0 }.joined(separator: " — "))
            }
        }
        lines.append("Dernière période reçue par flux :")
        for f in feeds {
            let state = f.cadence == "continuous" ? "au fil de l'eau" : "\(f.received)/\(f.expected) périodes attendues reçues"
            lines.append("  \(f.partner)/\(f.feed) : \(f.lastReceived ?? "rien reçu") — \(state)")
        }
        return lines.joined(separator: "\n")
    }
}
