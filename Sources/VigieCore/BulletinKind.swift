/// The bulletins Vigie writes, as options and the store name them.
public enum BulletinKind: String, Sendable, Codable, CaseIterable {
    case weekly, monthly, semester, diagnostic

    /// « faits marquants hebdomadaires », « bulletin mensuel »…: for messages.
    public var french: String {
        switch self {
        case .weekly: "faits marquants de la semaine"
        case .monthly: "bulletin mensuel"
        case .semester: "étude semestrielle"
        case .diagnostic: "diagnostic"
        }
    }

    /// The period a bulletin of this kind covers, with an example, for messages.
    public var expectedPeriod: String {
        switch self {
        case .weekly: "une semaine ISO (ex. 2026-W47)"
        case .monthly: "un mois (ex. 2026-10)"
        case .semester: "un semestre (ex. 2026-S1)"
        case .diagnostic: "un mois, un semestre ou une année (ex. 2026-10)"
        }
    }

    /// True when `period` is the kind of period this bulletin is issued for.
    public func covers(_ period: Period) -> Bool {
        switch (self, period) {
        case (.weekly, .isoWeek), (.monthly, .month), (.semester, .semester): true
        case (.diagnostic, .month), (.diagnostic, .semester), (.diagnostic, .year): true
        default: false
        }
    }
}
