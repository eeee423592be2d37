import VigieCore
import VigieStore

/// The retention of free-text descriptions (DESIGN §11): descriptions of incidents dated before
/// today less `retention_months` are erased; incidents and every count stay. `vigie purge` and
/// `vigie nightly` both go through here, so they compute the same cutoff.
public struct DescriptionRetention: Sendable {
    /// The months descriptions are kept (`settings.yaml`).
    public let months: Int
    /// The first day whose descriptions are kept.
    public let cutoff: CivilDate
    let store: Store

    public init(_ observatory: Observatory) {
        months = observatory.config.settings.retentionMonths
        cutoff = Self.cutoff(today: observatory.context.today, months: months)
        store = observatory.store
    }

    /// What one purge erased (or, in a dry run, would erase).
    public struct Outcome: UseCaseResult {
        public var dryRun: Bool
        public var months: Int
        public var cutoff: CivilDate
        public var feeds: [DescriptionsBefore]
        public var total: Int { feeds.map(\.count).reduce(0, +) }

        /// The outcome for people, in French: the total, then one line per feed with its dates.
        public var text: String {
            let verb = dryRun ? "seraient effacé(s)" : "effacé(s)"
            var lines = dryRun ? ["Simulation : rien n'est modifié."] : []
            lines.append("Conservation des résumés : \(months) mois (settings.yaml) ; les résumés des faits antérieurs au \(cutoff.french) sont effacés, les faits et les comptages restent.")
            lines.append("\(total) résumé(s) \(verb)\(feeds.isEmpty ? "." : " :")")
            for f in feeds {
                lines.append("  \(f.partner)/\(f.feed) : \(f.count) résumé(s), faits du \(f.first.french) au \(f.last.french)")
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Erases the descriptions older than the cutoff; with `dryRun`, only says what it would erase.
    public func purge(dryRun: Bool = false) throws -> Outcome {
        Outcome(dryRun: dryRun, months: months, cutoff: cutoff, feeds: try store.purgeDescriptions(before: cutoff, dryRun: dryRun))
    }

    /// The first day kept: today less `months` months (the same day of the month, or its last day).
    public static func cutoff(today: CivilDate, months: Int) -> CivilDate {
        let index = today.year * 12 + (today.month - 1) - months
        let year = index / 12, month = index % 12 + 1
        return CivilDate(year: year, month: month, day: min(today.day, CivilDate.daysIn(month: month, year: year)))
            ?? today.adding(days: -30 * months)
    }
}

/// `vigie purge`: erases the descriptions older than the retention period, or (`dryRun`) says
/// what it would erase. The store must exist: a missing one is not created to say nothing is old.
public struct PurgeDescriptions: UseCase {
    public var dryRun: Bool

    public init(dryRun: Bool) { self.dryRun = dryRun }

    public func run(_ observatory: Observatory) throws -> DescriptionRetention.Outcome {
        try DescriptionRetention(observatory).purge(dryRun: dryRun)
    }
}
