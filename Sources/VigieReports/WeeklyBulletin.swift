import Foundation
import VigieCore
import VigieStore

/// The weekly faits marquants of one commune: the incidents of the ISO week that the rules of
/// `bulletins.yaml` select (serious, or repeated), each with why; the coordinator's comments;
/// and the week's totals by category against the mean of the previous weeks. Plain data.
public struct WeeklyBulletin: Sendable, Codable {
    public struct Earlier: Sendable, Codable, Equatable {
        public var date: String
        public var nature: String
        public var place: String
    }

    /// One repetition rule an entry meets, and the other incidents of its series.
    public struct Series: Sendable, Codable, Equatable {
        /// The rule, in French: « Même catégorie dans le même quartier (3 en 14 jours) ».
        public var rule: String
        /// The other incidents of the series: the `shownEarlier` closest in time, in date order.
        public var items: [Earlier]
        /// « et 12 autre(s) ; série complète : … » when the series holds more than are shown, else "".
        public var more: String
        /// The whole series in date order, as the CSV's « série » column writes it. One text, not a
        /// list: the templates are handed the model, and a dense series holds hundreds of incidents.
        public var whole: String
    }

    public struct Entry: Sendable, Codable {
        public var date: String
        public var time: String
        public var place: String
        public var quartier: String
        public var communeName: String
        public var nature: String
        public var category: String
        public var description: String
        public var source: String
        /// Why the incident is notable, each a French sentence (« Fait grave : arme utilisée. »).
        public var reasons: [String]
        /// The repetition series it belongs to, each under the name of its rule.
        public var series: [Series]
        /// Where it came from: « fichier, ligne N ».
        public var provenance: String
    }

    public struct Total: Sendable, Codable {
        public var category: String
        public var count: Int
        /// Mean of the `baselineWeeks` previous weeks, « 2,3 ».
        public var mean: String
        public var flag: String
    }

    public var week: String
    /// The ISO week number alone (47), for sentences.
    public var weekNumber: Int
    public var weekSpan: String
    /// « période en cours : chiffres provisoires au 2 décembre … », or "" when the week is over.
    public var provisional: String
    public var commune: String
    public var communeName: String
    public var entries: [Entry]
    public var comments: [String]
    /// Totals on the feeds that sent the week (`totalSources`), against the same feeds' previous
    /// weeks (their same elapsed days while the week runs).
    public var totals: [Total]
    public var totalSources: [String]
    public var baselineWeeks: Int
    /// Feeds owing the week (or its month) that are late: their incidents are missing.
    public var notReceived: [String]
    /// Feeds whose file for the week's period is not due yet (monthly files).
    public var pending: [String]

    /// The figures a later issue compares with, to mark revisions.
    public var figures: [String: Int] {
        Dictionary(totals.map { ("\($0.category)", $0.count) }, uniquingKeysWith: +)
            .merging(["faits marquants": entries.count], uniquingKeysWith: +)
    }
}

extension WeeklyBulletin {
    /// Builds the weekly of `commune` for the ISO week `week` from the store's current incidents.
    public static func build(week: Period, commune: String, context: BulletinContext) throws -> WeeklyBulletin {
        guard case .isoWeek(_, let weekNumber) = week else { throw VigieError(.usage, "« \(week) » n'est pas une semaine (2026-W47)") }
        let rules = context.config.bulletinRules
        let feeds = context.factFeeds.filter { rules.feeds.contains($0.id) }
        // A week not over is counted through today, and compared with the same days of the weeks before.
        let through = try context.progress(of: week, among: []).through
        let elapsed = through.map { $0.dayNumber - week.start.dayNumber + 1 } ?? 7
        let feedKeys = Set(feeds.map { "\($0.partnerID)/\($0.id)" })
        let lookback = max(rules.quartierDays, rules.addressDays, 7 * rules.baselineWeeks)
        let all = try context.store.incidents(from: week.start.adding(days: -lookback), to: week.end, commune: commune)
            .filter { feedKeys.contains("\($0.partner)/\($0.feed)") }
        let inWeek = all.filter { week.contains($0.date) }
        // The series an incident may belong to, grouped once: same quartier and category, same place.
        let byQuartierCategory = Dictionary(grouping: all.filter { $0.quartier != nil && $0.category != nil }) {
            "\($0.quartier ?? "")|\($0.category ?? "")"
        }
        // Same place: facts of the same category family only (a fire and a theft are not a series).
        var byPlace: [String: [IncidentRecord]] = [:]
        for incident in all {
            if let key = placeFamilyKey(incident, context: context) { byPlace[key, default: []].append(incident) }
        }

        var entries: [Entry] = []
        for incident in inWeek {
            var reasons: [String] = []
            var series: [Series] = []
            if rules.weaponIsSerious, incident.weapon == true {
                reasons.append(rules.weaponUsed(category: incident.category, nature: incident.nature)
                    ? "Fait grave : arme utilisée." : "Fait grave : port d'arme.")
            }
            if let category = incident.category, rules.seriousCategories.contains(category) {
                reasons.append("Fait grave par sa catégorie : \(context.categoryLabel(category).lowercased()).")
            }
            if rules.seriousNatures.contains(incident.nature) { reasons.append("Fait grave par sa nature : \(incident.nature.lowercased()).") }
            if let quartier = incident.quartier, let category = incident.category {
                let same = byQuartierCategory["\(quartier)|\(category)"] ?? []
                if let window = denseWindow(around: incident, in: same, count: rules.quartierCount, days: rules.quartierDays) {
                    let label = context.categoryLabel(category).lowercased()
                    reasons.append("Fait répété : \(window.count) faits « \(label) » dans le quartier \(context.quartierName(quartier)) en \(rules.quartierDays) jours.")
                    series.append(Self.series(
                        rule: "Même catégorie dans le même quartier (au moins \(rules.quartierCount) en \(rules.quartierDays) jours)",
                        window, around: incident, context: context))
                }
            }
            if let key = placeFamilyKey(incident, context: context) {
                let same = byPlace[key] ?? []
                if let window = denseWindow(around: incident, in: same, count: rules.addressCount, days: rules.addressDays) {
                    let family = familyLabel(incident.category, context: context)
                    reasons.append("Fait répété : \(window.count) faits \(family) au même lieu en \(rules.addressDays) jours.")
                    series.append(Self.series(
                        rule: "Même lieu, faits \(family) (au moins \(rules.addressCount) en \(rules.addressDays) jours)",
                        window, around: incident, context: context))
                }
            }
            guard !reasons.isEmpty else { continue }
            entries.append(Entry(
                date: incident.date.french, time: incident.timeMinutes.map(clock) ?? "",
                place: incident.placeText ?? "", quartier: context.quartierName(incident.quartier), communeName: context.communeName(incident.commune),
                nature: incident.nature, category: context.categoryLabel(incident.category),
                description: incident.description ?? "", source: context.partnerName(incident.partner),
                reasons: reasons, series: series,
                provenance: "\(incident.fileName), ligne \(incident.sourceRow)"))
        }

        // Totals of the week by category against the mean of the previous weeks, on the feeds
        // that have sent the week and every previous week: a file still to come, or one missing
        // in the reference, would read as a change.
        let communeFeeds = feeds.filter { context.communes(of: $0).contains(commune) }
        var unreceived = Set(try context.unreceived(for: week, among: communeFeeds).map { "\($0.feed.partnerID)/\($0.feed.id)" })
        for k in 1...rules.baselineWeeks {
            let earlier = Period.week(of: week.start.adding(days: -7 * k))
            for item in try context.unreceived(for: earlier, among: communeFeeds) where item.due < context.today {
                unreceived.insert("\(item.feed.partnerID)/\(item.feed.id)")
            }
        }
        var current: [String: Int] = [:]
        var before: [String: Int] = [:]
        let baselineStart = week.start.adding(days: -7 * rules.baselineWeeks)
        for incident in all where !unreceived.contains("\(incident.partner)/\(incident.feed)") {
            let category = incident.category ?? ""
            let weekday = (incident.date.dayNumber - baselineStart.dayNumber) % 7
            if week.contains(incident.date), weekday < elapsed {
                current[category, default: 0] += 1
            } else if incident.date >= baselineStart, incident.date < week.start, weekday < elapsed {
                before[category, default: 0] += 1
            }
        }
        let order = context.config.nomenclature.categories.map(\.id) + [""]
        let totals = order.filter { current[$0] != nil || before[$0] != nil }.map { category -> Total in
            let mean = Double(before[category] ?? 0) / Double(rules.baselineWeeks)
            let flag = Comparison.flag(current: current[category] ?? 0, previous: before[category] ?? 0, periods: rules.baselineWeeks,
                                       levels: context.levels)
            return Total(category: context.categoryLabel(category), count: current[category] ?? 0, mean: Rate.french(mean), flag: flag.rawValue)
        }

        let comments = try context.store.comments(bulletin: "weekly", period: week.description, commune: commune).map(\.text)
        let missing = try context.missingFeeds(for: week, among: communeFeeds)
        let provisional = through.map {
            "période en cours : chiffres provisoires au \($0.frenchDayMonth) ; totaux comparés aux mêmes jours des \(rules.baselineWeeks) semaines précédentes"
                + " (\(elapsed == 1 ? "le lundi" : "du lundi au \(WeeklyBulletin.weekdays[elapsed - 1])"))"
        } ?? ""
        return WeeklyBulletin(
            week: week.description, weekNumber: weekNumber, weekSpan: "du \(week.start.french) au \(week.end.french)", provisional: provisional,
            commune: commune, communeName: context.communeName(commune), entries: entries, comments: comments,
            totals: totals,
            totalSources: communeFeeds.filter { !unreceived.contains("\($0.partnerID)/\($0.id)") }.map { context.feedLabel($0.key) },
            baselineWeeks: rules.baselineWeeks,
            notReceived: missing.map { context.feedLabel($0.key) },
            pending: try context.pendingNotes(for: week, among: communeFeeds))
    }

    static let weekdays = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]

    /// The key of an incident's place and category family, or nil when its place is too vague to repeat.
    static func placeFamilyKey(_ incident: IncidentRecord, context: BulletinContext) -> String? {
        guard let place = incident.placeText, !place.matchKey.isEmpty, !genericPlaces.contains(place.matchKey) else { return nil }
        let family = incident.category.flatMap { context.config.nomenclature.category(id: $0)?.family ?? $0 } ?? ""
        return "\(place.matchKey)|\(family)"
    }

    /// « d'atteintes aux biens »: the family of a category, lower case, for a sentence.
    static func familyLabel(_ category: String?, context: BulletinContext) -> String {
        let nomenclature = context.config.nomenclature
        guard let id = category.flatMap({ nomenclature.category(id: $0)?.family }),
              let label = nomenclature.families.first(where: { $0.id == id })?.label else {
            return "de la catégorie « \(context.categoryLabel(category).lowercased()) »"
        }
        let lower = label.prefix(1).lowercased() + label.dropFirst()
        return "de la famille « \(lower) »"
    }

    /// A series under its rule: the other incidents, the closest in time shown in date order, the rest counted.
    static func series(rule: String, _ window: [IncidentRecord], around incident: IncidentRecord, context: BulletinContext) -> Series {
        let others = window.filter { $0.id != incident.id }
        let closest = others.sorted { abs($0.date.dayNumber - incident.date.dayNumber) < abs($1.date.dayNumber - incident.date.dayNumber) }
        let shown = closest.prefix(shownEarlier).sorted { ($0.date, $0.id) < ($1.date, $1.id) }
        func earlier(_ i: IncidentRecord) -> Earlier { Earlier(date: i.date.french, nature: i.nature, place: i.placeText ?? context.quartierName(i.quartier)) }
        return Series(rule: rule, items: shown.map(earlier),
                      more: others.count > shownEarlier
                          ? "et \(others.count - shownEarlier) autre(s) ; série complète : colonne « série » du fichier CSV des faits marquants" : "",
                      whole: others.sorted { ($0.date, $0.id) < ($1.date, $1.id) }.map { "\($0.date.french) \($0.nature) (\($0.placeText ?? context.quartierName($0.quartier)))" }
                          .joined(separator: " ; "))
    }

    /// Place texts too vague to call two incidents « the same place ».
    static let genericPlaces: Set<String> = ["voie publique", "domicile", "non precise", "inconnu"]

    /// At most this many incidents of a series are listed under an entry.
    static let shownEarlier = 10

    /// The incidents of `series` (which contains `incident`, and is in day order) in the fullest
    /// window of `days` days that contains `incident`, when it holds at least `count` of them; else nil.
    /// Windows are counted on day numbers alone; the first fullest one wins. Binary searches on the
    /// sorted days rather than filtering the whole series for each incident (series of thousands on
    /// a 10M-row store); measured, this was not where that weekly's time goes (README, Performance).
    static func denseWindow(around incident: IncidentRecord, in series: [IncidentRecord], count: Int, days: Int) -> [IncidentRecord]? {
        guard series.count >= count else { return nil }
        /// The first index whose day is at least `day`.
        func lowerBound(_ day: Int) -> Int {
            var low = 0, high = series.count
            while low < high {
                let mid = (low + high) / 2
                if series[mid].date.dayNumber < day { low = mid + 1 } else { high = mid }
            }
            return low
        }
        let day = incident.date.dayNumber
        var best = (start: day, count: 0)
        for start in (day - days + 1)...day {
            let inside = lowerBound(start + days) - lowerBound(start)
            if inside > best.count { best = (start, inside) }
        }
        guard best.count >= count else { return nil }
        return Array(series[lowerBound(best.start)..<lowerBound(best.start + days)])
    }

    static func clock(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h)h" + (m < 10 ? "0" : "") + "\(m)"
    }
}

extension WeeklyBulletin: Bulletin {
    /// Faits marquants as a CSV table, one per line (the weekly's, the semester's, the diagnostic's).
    static func entriesTable(_ name: String, _ entries: [Entry]) -> CSVTable {
        CSVTable(name: name, header: ["date", "heure", "commune", "lieu", "quartier", "nature", "catégorie", "résumé", "source", "motif", "provenance", "série"],
                 rows: entries.map { [$0.date, $0.time, $0.communeName, $0.place, $0.quartier, $0.nature, $0.category, $0.description, $0.source,
                                      $0.reasons.joined(separator: " ; "), $0.provenance,
                                      $0.series.map { series in
                                          series.rule + " : " + series.whole
                                      }.joined(separator: " | ")] })
    }

    public static let kind = "weekly"
    public var period: String { week }
    public var scope: String { commune }

    public var csvTables: [CSVTable] {
        [Self.entriesTable("faits-marquants", entries),
         CSVTable(name: "totaux", header: ["catégorie", "semaine", "moyenne des semaines précédentes", "signal"],
                  rows: totals.map { [$0.category, String($0.count), $0.mean, $0.flag] })]
    }
}
