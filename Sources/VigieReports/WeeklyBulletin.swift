import Foundation
import VigieCore
import VigieStore

/// The weekly faits marquants of one commune: the incidents of the ISO week that the rules of
/// `bulletins.yaml` select (serious, or repeated), each with why; the series of the repeated
/// ones, each once; the coordinator's comments; and the week's totals by category against the
/// mean of the previous weeks. Plain data.
public struct WeeklyBulletin: Sendable, Codable {
    /// An incident as a series lists it in the documents.
    public struct Earlier: Sendable, Codable, Equatable {
        public var date: String
        public var nature: String
        public var place: String
    }

    /// A repetition rule an entry meets, and the series it puts the entry in.
    public struct SeriesReference: Sendable, Codable, Equatable {
        /// The rule, in French: « Même catégorie dans le même quartier (au moins 3 en 14 jours) ».
        public var rule: String
        /// The series' number in the document (« S2 »), under « Séries de la semaine ».
        public var id: String
        /// The series' name, as the séries CSV writes it (see `Series.name`).
        public var name: String
        /// The entry's window of the series: « du 07/11/2026 au 22/11/2026, 16 faits ».
        public var span: String
    }

    /// A series the week's entries belong to, written once: the incidents of a quartier and
    /// category, or of a place and family, over the windows its entries were found in.
    public struct Series: Sendable, Codable, Equatable {
        public var id: String
        /// « Créteil, quartier Palais : cambriolages », « Créteil, 12 Rue Albert Doyen : faits de
        /// la famille « atteintes aux biens » »: what the séries CSV names it by.
        public var name: String
        /// « du 01/11/2026 au 29/11/2026, 40 faits ».
        public var span: String
        /// The `shownEarlier` most recent of its incidents, in date order.
        public var items: [Earlier]
        /// « et 30 autre(s) : liste complète dans le fichier CSV des séries » when some are not shown, else "".
        public var more: String
    }

    /// One incident of a series, as the séries CSV lists it: each series is written once there
    /// and the entries refer to it by name and days (a dense week would otherwise repeat
    /// hundreds of incidents under each of thousands of entries).
    public struct SeriesMember: Sendable, Codable, Equatable {
        public var series: String
        public var incident: Int64
        public var date: String
        public var time: String
        public var nature: String
        public var place: String
        public var quartier: String
        public var provenance: String
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
        /// The repetition series it belongs to, each under its rule.
        public var series: [SeriesReference]
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
    /// The series the entries name, in the order of their first entry.
    public var series: [Series]
    /// The incidents of those series, grouped by series, in date order: the séries CSV.
    public var seriesMembers: [SeriesMember]
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
        // The groups an incident's series may be drawn from, made once: same quartier and category;
        // same place, facts of the same category family only (a fire and a theft are not a series).
        var groups: [SeriesGroup] = []
        var groupIndex: [String: Int] = [:]
        func add(_ incident: IncidentRecord, to key: String, name: @autoclosure () -> String) {
            let index = groupIndex[key] ?? groups.count
            if index == groups.count {
                groups.append(SeriesGroup(index: index, name: "\(context.communeName(incident.commune)), \(name())"))
                groupIndex[key] = index
            }
            groups[index].incidents.append(incident)
        }
        for incident in all {
            if let key = quartierKey(incident) {
                add(incident, to: key, name: "quartier \(context.quartierName(incident.quartier)) : \(context.categoryLabel(incident.category).lowercased())")
            }
            if let key = placeFamilyKey(incident, context: context) {
                add(incident, to: key, name: "\(incident.placeText ?? "") : faits \(familyLabel(incident.category, context: context))")
            }
        }

        var entries: [Entry] = []
        var numbered: [Int] = []  // the groups named by an entry, in order of first use
        for incident in inWeek {
            var reasons: [String] = []
            var series: [SeriesReference] = []
            if rules.weaponIsSerious, incident.weapon == true {
                reasons.append(rules.weaponUsed(category: incident.category, nature: incident.nature)
                    ? "Fait grave : arme utilisée." : "Fait grave : port d'arme.")
            }
            if let category = incident.category, rules.seriousCategories.contains(category) {
                reasons.append("Fait grave par sa catégorie : \(context.categoryLabel(category).lowercased()).")
            }
            if rules.seriousNatures.contains(incident.nature) { reasons.append("Fait grave par sa nature : \(incident.nature.lowercased()).") }
            if let quartier = incident.quartier, let category = incident.category, let index = quartierKey(incident).flatMap({ groupIndex[$0] }),
               let window = denseWindow(around: incident, in: groups[index].incidents, count: rules.quartierCount, days: rules.quartierDays) {
                let label = context.categoryLabel(category).lowercased()
                reasons.append("Fait répété : \(window.count) faits « \(label) » dans le quartier \(context.quartierName(quartier)) en \(rules.quartierDays) jours.")
                series.append(groups[index].reference(
                    rule: "Même catégorie dans le même quartier (au moins \(rules.quartierCount) en \(rules.quartierDays) jours)",
                    window, numbered: &numbered))
            }
            if let index = placeFamilyKey(incident, context: context).flatMap({ groupIndex[$0] }),
               let window = denseWindow(around: incident, in: groups[index].incidents, count: rules.addressCount, days: rules.addressDays) {
                let family = familyLabel(incident.category, context: context)
                reasons.append("Fait répété : \(window.count) faits \(family) au même lieu en \(rules.addressDays) jours.")
                series.append(groups[index].reference(
                    rule: "Même lieu, faits \(family) (au moins \(rules.addressCount) en \(rules.addressDays) jours)",
                    window, numbered: &numbered))
            }
            guard !reasons.isEmpty else { continue }
            entries.append(Entry(
                date: incident.date.french, time: incident.timeMinutes.map(clock) ?? "",
                place: incident.placeText ?? "", quartier: context.quartierName(incident.quartier), communeName: context.communeName(incident.commune),
                nature: incident.nature, category: context.categoryLabel(incident.category),
                description: incident.description ?? "", source: context.partnerName(incident.partner),
                reasons: reasons, series: series,
                provenance: provenance(incident)))
        }
        let named = numbered.map { (group: groups[$0], indices: groups[$0].memberIndices) }
        let seriesMembers = named.flatMap { $0.group.members($0.indices, context: context) }
        let seriesList = named.map { $0.group.summary($0.indices, context: context) }

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
            commune: commune, communeName: context.communeName(commune), entries: entries, series: seriesList, seriesMembers: seriesMembers, comments: comments,
            totals: totals,
            totalSources: communeFeeds.filter { !unreceived.contains("\($0.partnerID)/\($0.id)") }.map { context.feedLabel($0.key) },
            baselineWeeks: rules.baselineWeeks,
            notReceived: missing.map { context.feedLabel($0.key) },
            pending: try context.pendingNotes(for: week, among: communeFeeds))
    }

    static let weekdays = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]

    /// The key of an incident's quartier and category, or nil when it lacks either.
    static func quartierKey(_ incident: IncidentRecord) -> String? {
        guard let quartier = incident.quartier, let category = incident.category else { return nil }
        return "quartier|\(quartier)|\(category)"
    }

    /// The key of an incident's place and category family, or nil when its place is too vague to repeat.
    static func placeFamilyKey(_ incident: IncidentRecord, context: BulletinContext) -> String? {
        guard let place = incident.placeText, !place.matchKey.isEmpty, !genericPlaces.contains(place.matchKey) else { return nil }
        let family = incident.category.flatMap { context.config.nomenclature.category(id: $0)?.family ?? $0 } ?? ""
        return "lieu|\(place.matchKey)|\(family)"
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

    /// The incidents a series may be drawn from (same quartier and category, or same place and
    /// family), in day order, and the windows of it that entries named: the séries CSV lists
    /// their incidents once.
    struct SeriesGroup {
        /// Its place in the build's list of groups.
        let index: Int
        let name: String
        var incidents: [IncidentRecord] = []
        /// « S2 » once an entry names it.
        var id = ""
        var used: [Range<Int>] = []

        /// The reference to this series of an entry found in `window`; numbers the series at its first use.
        mutating func reference(rule: String, _ window: Range<Int>, numbered: inout [Int]) -> SeriesReference {
            if id.isEmpty {
                numbered.append(index)
                id = "S\(numbered.count)"
            }
            used.append(window)
            return SeriesReference(rule: rule, id: id, name: name,
                                   span: "du \(incidents[window.lowerBound].date.french) au \(incidents[window.upperBound - 1].date.french), \(window.count) faits")
        }

        /// The series as the document lists it, from its `memberIndices`: its span over the windows
        /// used, its most recent incidents.
        func summary(_ indices: [Int], context: BulletinContext) -> Series {
            let shown = indices.suffix(shownEarlier).map { incidents[$0] }
            guard let first = indices.first, let last = indices.last else {
                return Series(id: id, name: name, span: "", items: [], more: "")
            }
            return Series(id: id, name: name,
                          span: "du \(incidents[first].date.french) au \(incidents[last].date.french), \(indices.count) faits",
                          items: shown.map { Earlier(date: $0.date.french, nature: $0.nature, place: $0.placeText ?? context.quartierName($0.quartier)) },
                          more: indices.count > shownEarlier
                              ? "et \(indices.count - shownEarlier) autre(s) : liste complète dans le fichier CSV des séries" : "")
        }

        /// The indices of the incidents of the windows used, once each, in day order.
        var memberIndices: [Int] {
            var indices: [Int] = []
            var next = 0
            for window in used.sorted(by: { $0.lowerBound < $1.lowerBound }) {
                indices += max(next, window.lowerBound)..<max(next, window.upperBound)
                next = max(next, window.upperBound)
            }
            return indices
        }

        /// The incidents of `memberIndices`, as the séries CSV lists them.
        func members(_ indices: [Int], context: BulletinContext) -> [SeriesMember] {
            indices.map { index in
                let i = incidents[index]
                return SeriesMember(series: name, incident: i.id, date: i.date.french, time: i.timeMinutes.map(clock) ?? "",
                                    nature: i.nature, place: i.placeText ?? "", quartier: context.quartierName(i.quartier),
                                    provenance: WeeklyBulletin.provenance(i))
            }
        }
    }

    /// Place texts too vague to call two incidents « the same place ».
    static let genericPlaces: Set<String> = ["voie publique", "domicile", "non precise", "inconnu"]

    /// At most this many incidents of a series are listed in the documents (the latest); the séries CSV has them all.
    static let shownEarlier = 10

    /// « fichier, ligne N »: where an incident came from.
    static func provenance(_ incident: IncidentRecord) -> String { "\(incident.fileName), ligne \(incident.sourceRow)" }

    /// The indices in `series` (which contains `incident`, and is in day order) of the fullest
    /// window of `days` days that contains `incident`, when it holds at least `count` of them; else nil.
    /// Windows are counted on day numbers alone; the first fullest one wins. Binary searches on the
    /// sorted days rather than filtering the whole series for each incident (series of thousands on
    /// a 10M-row store).
    static func denseWindow(around incident: IncidentRecord, in series: [IncidentRecord], count: Int, days: Int) -> Range<Int>? {
        guard series.count >= count else { return nil }
        let all = series.indices
        let day = incident.date.dayNumber
        var best = (start: day, count: 0)
        for start in (day - days + 1)...day {
            let inside = lowerBound(start + days, in: series, all) - lowerBound(start, in: series, all)
            if inside > best.count { best = (start, inside) }
        }
        guard best.count >= count else { return nil }
        return lowerBound(best.start, in: series, all)..<lowerBound(best.start + days, in: series, all)
    }

    /// The first index of `range` in `series` (in day order) whose day is at least `day`.
    static func lowerBound(_ day: Int, in series: [IncidentRecord], _ range: Range<Int>) -> Int {
        var low = range.lowerBound, high = range.upperBound
        while low < high {
            let mid = (low + high) / 2
            if series[mid].date.dayNumber < day { low = mid + 1 } else { high = mid }
        }
        return low
    }

    static func clock(_ minutes: Int) -> String {
        let h = minutes / 60, m = minutes % 60
        return (h < 10 ? "0" : "") + "\(h)h" + (m < 10 ? "0" : "") + "\(m)"
    }
}

/// Faits marquants gathered from several weeklies (a semester's, a diagnostic's), with the
/// incidents of the series they name, each once: what their CSV annexes list.
public struct FaitsCollection: Sendable {
    public private(set) var entries: [WeeklyBulletin.Entry] = []
    private var members: [WeeklyBulletin.SeriesMember] = []
    private var seen: Set<String> = []

    public init() {}

    /// Adds the entries of `weekly` that `keep` accepts, and the incidents of their series.
    public mutating func add(_ weekly: WeeklyBulletin, where keep: (WeeklyBulletin.Entry) -> Bool) {
        let kept = weekly.entries.filter(keep)
        entries += kept
        let named = Set(kept.flatMap { $0.series.map(\.name) })
        for member in weekly.seriesMembers where named.contains(member.series) && seen.insert("\(member.series)|\(member.incident)").inserted {
            members.append(member)
        }
    }

    /// The incidents of the series, grouped by series (in the order first named), in date order.
    public var seriesMembers: [WeeklyBulletin.SeriesMember] {
        var order: [String: Int] = [:]
        for member in members where order[member.series] == nil { order[member.series] = order.count }
        // Each key made once (the dates are French text), not at every comparison.
        let keyed = members.map { (key: (order[$0.series] ?? 0, CivilDate.fromFrench($0.date)?.dayNumber ?? 0, $0.incident), member: $0) }
        return keyed.sorted { $0.key < $1.key }.map(\.member)
    }
}

extension WeeklyBulletin: TemplateFields {
    /// Every stored field but `seriesMembers` (the séries CSV's, which no template reads).
    var templateFields: [String: Any] {
        ["week": week, "weekNumber": weekNumber, "weekSpan": weekSpan, "provisional": provisional, "commune": commune,
         "communeName": communeName, "entries": entries.map(\.templateFields), "series": series.map(\.templateFields), "comments": comments,
         "totals": totals.map { ["category": $0.category, "count": $0.count, "mean": $0.mean, "flag": $0.flag] as [String: Any] },
         "totalSources": totalSources, "baselineWeeks": baselineWeeks, "notReceived": notReceived, "pending": pending]
    }
}

extension WeeklyBulletin.Entry: TemplateFields {
    var templateFields: [String: Any] {
        ["date": date, "time": time, "place": place, "quartier": quartier, "communeName": communeName, "nature": nature,
         "category": category, "description": description, "source": source, "reasons": reasons,
         "series": series.map(\.templateFields), "provenance": provenance]
    }
}

extension WeeklyBulletin.SeriesReference: TemplateFields {
    var templateFields: [String: Any] { ["rule": rule, "id": id, "name": name, "span": span] }
}

extension WeeklyBulletin.Series: TemplateFields {
    var templateFields: [String: Any] {
        ["id": id, "name": name, "span": span, "more": more,
         "items": items.map { ["date": $0.date, "nature": $0.nature, "place": $0.place] as [String: Any] }]
    }
}

extension WeeklyBulletin: Bulletin {
    /// Faits marquants as a CSV table, one per line (the weekly's, the semester's, the diagnostic's).
    static func entriesTable(_ name: String, _ entries: [Entry]) -> CSVTable {
        CSVTable(name: name, header: ["date", "heure", "commune", "lieu", "quartier", "nature", "catégorie", "résumé", "source", "motif", "provenance", "série"],
                 rows: entries.map { [$0.date, $0.time, $0.communeName, $0.place, $0.quartier, $0.nature, $0.category, $0.description, $0.source,
                                      $0.reasons.joined(separator: " ; "), $0.provenance,
                                      $0.series.map { "\($0.rule) : « \($0.name) », \($0.span)" }.joined(separator: " | ")] })
    }

    /// The incidents of the series the faits marquants name, one per line under its series' name.
    static func seriesTable(_ name: String, _ members: [SeriesMember]) -> CSVTable {
        CSVTable(name: name, header: ["série", "date", "heure", "nature", "lieu", "quartier", "provenance"],
                 rows: members.map { [$0.series, $0.date, $0.time, $0.nature, $0.place, $0.quartier, $0.provenance] })
    }

    public static let kind = "weekly"
    public var period: String { week }
    public var scope: String { commune }

    public var csvTables: [CSVTable] {
        [Self.entriesTable("faits-marquants", entries), Self.seriesTable("series", seriesMembers),
         CSVTable(name: "totaux", header: ["catégorie", "semaine", "moyenne des semaines précédentes", "signal"],
                  rows: totals.map { [$0.category, String($0.count), $0.mean, $0.flag] })]
    }
}
