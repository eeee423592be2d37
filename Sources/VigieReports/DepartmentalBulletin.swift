import Foundation
import VigieCore

/// What the departmental bulletin is built from: plain rows read from the hub (`vigie_hub`),
/// nothing else. Facts and like-for-like pairs are the published commune counts (`quartier` empty)
/// with their margins (`category` « * »: the commune's total; `commune` « * »: the observatory's).
public struct HubBulletinRows: Sendable {
    public struct Observatory: Sendable, Equatable {
        public var id: String
        public var name: String
        public init(id: String, name: String) { self.id = id; self.name = name }
    }

    public struct Fact: Sendable, Equatable {
        public var observatory: String
        public var month: String
        public var commune: String
        public var category: String
        /// nil when suppressed (secret statistique): never turned into a number.
        public var value: Int?
        /// `published`, `zero` or `suppressed`.
        public var state: String
        public init(observatory: String, month: String, commune: String, category: String, value: Int?, state: String) {
            self.observatory = observatory
            self.month = month
            self.commune = commune
            self.category = category
            self.value = value
            self.state = state
        }
    }

    public struct Population: Sendable, Equatable {
        public var observatory: String
        public var commune: String
        public var name: String
        public var population: Int
        public init(observatory: String, commune: String, name: String, population: Int) {
            self.observatory = observatory
            self.commune = commune
            self.name = name
            self.population = population
        }
    }

    /// One feed's month: « reçu », « non reçu » or « attendu ». Only fact feeds (role `fact`).
    public struct Completeness: Sendable, Equatable {
        public var observatory: String
        public var feed: String
        public var label: String
        public var month: String
        public var state: String
        public init(observatory: String, feed: String, label: String, month: String, state: String) {
            self.observatory = observatory
            self.feed = feed
            self.label = label
            self.month = month
            self.state = state
        }
    }

    /// A month against the same month a year earlier, like for like (`HubComparable`), for a
    /// commune or the observatory (`commune` « * »). Suppressed sides are nil, never numbers.
    public struct Pair: Sendable, Equatable {
        public var observatory: String
        public var month: String
        public var commune: String
        public var category: String
        public var current: Int?
        public var currentState: String
        public var previous: Int?
        /// nil when no fact feed owed anything a year earlier.
        public var previousState: String?
        /// « Bailleur (incidents) : non reçu »: the feeds left out of both sides.
        public var leftOut: [String]
        public init(observatory: String, month: String, commune: String, category: String, current: Int?, currentState: String,
                    previous: Int?, previousState: String?, leftOut: [String] = []) {
            self.observatory = observatory
            self.month = month
            self.commune = commune
            self.category = category
            self.current = current
            self.currentState = currentState
            self.previous = previous
            self.previousState = previousState
            self.leftOut = leftOut
        }
    }

    public var observatories: [Observatory]
    public var facts: [Fact]
    public var pairs: [Pair]
    public var populations: [Population]
    public var completeness: [Completeness]
    /// Set when the reading role is an observatory's: row-level security showed its rows only.
    public var onlyObservatory: String?

    public init(observatories: [Observatory], facts: [Fact], pairs: [Pair] = [], populations: [Population], completeness: [Completeness],
                onlyObservatory: String? = nil) {
        self.observatories = observatories
        self.facts = facts
        self.pairs = pairs
        self.populations = populations
        self.completeness = completeness
        self.onlyObservatory = onlyObservatory
    }
}

/// The departmental bulletin (`vigie hub bulletin monthly|semester`): every observatory and
/// commune of the hub side by side — facts of the period against the same period a year
/// earlier, rates per 1,000 inhabitants, the change flagged by the local bulletins' exact test
/// (`Comparison.flag`), the communes whose change is significant, the feeds not received, the
/// département by category and a map of communes when their outlines are configured.
///
/// Like for like, as the local bulletins: the figure shown is the facts (everything received);
/// the year before, the change and its flag come from the pairs each observatory computed with
/// its local bulletins' code (`HubComparable`), summed over the period's months, which leave the
/// feeds missing on either side out of both and name them (« sans … »). An observatory is « non
/// comparable » only when no fact feed was received on both sides for any month. A total that
/// includes a suppressed cell (secret statistique) is « secret », never a number.
public struct DepartmentalBulletin: Sendable, Codable {
    public struct PlaceRow: Sendable, Codable {
        public var observatory: String
        public var name: String
        /// INSEE code, « * » for an observatory's total.
        public var insee: String
        public var isTotal: Bool
        public var population: Int
        public var current: String
        public var previous: String
        public var change: String
        public var flag: String
        public var rate: String
        public var previousRate: String
        public var note: String
        /// The note as the page shows it on the row: without what every line of the observatory
        /// says, which the page gives once above its table (the CSV keeps it on each row).
        public var rowNote: String
    }

    public struct ObservatoryBlock: Sendable, Codable {
        public var id: String
        public var name: String
        public var population: Int
        public var total: PlaceRow
        public var communes: [PlaceRow]
        /// What every line says, given once above the table: « non comparable : … » when nothing
        /// can be compared, « comparaison à sources égales, sans … » when every line leaves out the same feeds.
        public var comparability: String
    }

    public struct CategoryRow: Sendable, Codable {
        public var category: String
        public var current: String
        public var previous: String
        public var change: String
        public var note: String
    }

    public struct MissingFeed: Sendable, Codable {
        public var observatory: String
        public var feed: String
        public var state: String
        public var months: String
    }

    public var period: String
    /// « octobre 2026 », « 1er semestre 2026 ».
    public var periodName: String
    public var previousName: String
    /// « octobre 2025 », « le 1er semestre 2025 »: after « comparaison avec », « pour ».
    public var previousPhrase: String
    /// « mensuel » or « semestriel ».
    public var kindName: String
    public var observatories: [ObservatoryBlock]
    public var categories: [CategoryRow]
    public var categoriesNote: String
    public var notReceived: [MissingFeed]
    /// « Thiais (Val d'Orly) : 310 → 250 (−60), significatif ».
    public var significant: [String]
    /// The SVG map of communes, or "" with `mapNotice` saying why.
    public var map: String
    public var mapNotice: String
    /// Set when the hub showed one observatory only (an observatory's role).
    public var scopeNotice: String
    /// « période en cours : chiffres provisoires au 3 décembre », or "" when the period is over.
    public var provisional: String = ""
    public var population: Int
    public var figures: [String: Int]
}

extension DepartmentalBulletin {
    /// A total over months and cells: a number, « secret » (a suppressed cell in it) or absent
    /// (no row: the observatory published nothing for those months).
    enum Total: Equatable {
        case value(Int), secret, absent
        var number: Int? { if case .value(let v) = self { return v } else { return nil } }

        /// The sum of `cells` (value, state): absent when there are none, secret when one is suppressed.
        static func sum(_ cells: [(value: Int?, state: String)]) -> Total {
            guard !cells.isEmpty else { return .absent }
            var sum = 0
            for cell in cells {
                guard cell.state != HubCellState.suppressed.rawValue, let v = cell.value else { return .secret }
                sum += v
            }
            return .value(sum)
        }
    }

    /// The months of `period` (a month or a semester) and of the same period a year earlier.
    public static func months(of period: Period) throws -> (current: [Period], previous: [Period]) {
        switch period {
        case .month(let y, let m):
            return ([.month(y, m)], [.month(y - 1, m)])
        case .semester(let y, let s):
            let first = s == 1 ? 1 : 7
            return ((first..<first + 6).map { .month(y, $0) }, (first..<first + 6).map { .month(y - 1, $0) })
        default:
            throw VigieError(.usage, "« \(period) » n'est ni un mois (2026-10) ni un semestre (2026-S1)",
                             hint: "vigie hub bulletin monthly --month 2026-10, ou vigie hub bulletin semester --semester 2026-S1.")
        }
    }

    /// Builds the bulletin of `period` from the hub's `rows`, purely. `outlines`: commune
    /// outlines (INSEE codes as ids), nil when none are configured. `today`: a period not over is
    /// said provisional, one not begun is refused, as the local bulletins do.
    public static func build(period: Period, rows: HubBulletinRows, levels: SignificanceLevels,
                             categoryLabels: [String: String] = [:], outlines: [QuartierShape]? = nil,
                             today: CivilDate? = nil) throws -> DepartmentalBulletin {
        if let today, period.start > today {
            throw VigieError(.usage, "la période \(period) n'a pas commencé (nous sommes le \(today.french)) : pas de bulletin pour l'avenir",
                             hint: "Donnez une période commencée, par exemple le mois dernier.")
        }
        let provisional = today.flatMap { period.end >= $0 ? "période en cours : chiffres provisoires au \($0.frenchDayMonth)" : nil } ?? ""
        let (currentMonths, previousMonths) = try months(of: period)
        let now = currentMonths.map(\.description), then = previousMonths.map(\.description)
        let isMonth = currentMonths.count == 1
        let previousPeriod: Period = isMonth ? currentMonths[0].shifted(months: -12) : (period.previousYear)
        let previousPhrase = (isMonth ? "" : "le ") + previousPeriod.frenchName

        // Index the rows.
        var cell: [String: HubBulletinRows.Fact] = [:]
        for f in rows.facts { cell["\(f.observatory)|\(f.month)|\(f.commune)|\(f.category)"] = f }
        var pair: [String: HubBulletinRows.Pair] = [:]
        for p in rows.pairs { pair["\(p.observatory)|\(p.month)|\(p.commune)|\(p.category)"] = p }
        var state: [String: String] = [:]
        var feeds: [String: [String: String]] = [:] // observatory → feed → label
        for c in rows.completeness {
            state["\(c.observatory)|\(c.feed)|\(c.month)"] = c.state
            feeds[c.observatory, default: [:]][c.feed] = c.label
        }
        /// The facts of `months` summed: a number, « secret » or absent.
        func total(_ observatory: String, _ commune: String, _ category: String, _ months: [String]) -> Total {
            Total.sum(months.compactMap { cell["\(observatory)|\($0)|\(commune)|\(category)"] }.map { ($0.value, $0.state) })
        }
        /// The like-for-like pairs of `months` summed side by side, as the local bulletins sum
        /// `LikeForLike.compared` over months.
        func compared(_ observatory: String, _ commune: String, _ category: String, _ months: [String]) -> (current: Total, previous: Total) {
            let pairs = months.map { pair["\(observatory)|\($0)|\(commune)|\(category)"] }
            guard !pairs.isEmpty, pairs.allSatisfy({ $0?.previousState != nil }) else { return (.absent, .absent) }
            let found = pairs.compactMap { $0 }
            return (Total.sum(found.map { ($0.current, $0.currentState) }), Total.sum(found.map { ($0.previous, $0.previousState ?? "") }))
        }
        func monthName(_ text: String) -> String { Period(text)?.frenchName ?? text }

        var figures: [String: Int] = [:]
        var blocks: [ObservatoryBlock] = []
        var significant: [String] = []
        var missing: [MissingFeed] = []
        /// The observatories that received nothing of the period; the months each compares.
        var emptyNow: Set<String> = []
        var comparedMonths: [String: [String]] = [:]
        var mapRates: [String: Double?] = [:], mapLabels: [String: String] = [:], mapHighlight: Set<String> = []
        let names = Dictionary(rows.observatories.map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let ids = Set(rows.populations.map(\.observatory)).union(rows.facts.map(\.observatory))
        // Names in natural order (« banc 2 » before « banc 10 »), then ids.
        func precedes(_ a: String, _ b: String, _ ka: String, _ kb: String) -> Bool {
            switch a.compare(b, options: [.numeric, .caseInsensitive]) {
            case .orderedAscending: return true
            case .orderedDescending: return false
            case .orderedSame: return ka < kb
            }
        }
        let ordered = ids.sorted { precedes(names[$0] ?? $0, names[$1] ?? $1, $0, $1) }

        for id in ordered {
            let name = names[id].flatMap { $0.isEmpty ? nil : $0 } ?? id
            let ownFeeds = (feeds[id] ?? [:]).sorted { ($0.value, $0.key) < ($1.value, $1.key) }
            // The feeds not « reçu », month by month, on both sides.
            for (feed, label) in ownFeeds {
                var byState: [String: [String]] = [:]
                for month in then + now {
                    let s = state["\(id)|\(feed)|\(month)"] ?? "non suivi"
                    if s != HubCompleteness.received { byState[s, default: []].append(month) }
                }
                for (s, months) in byState.sorted(by: { $0.key < $1.key }) {
                    missing.append(MissingFeed(observatory: name, feed: label, state: s, months: months.map(monthName).joined(separator: ", ")))
                }
            }
            func received(_ feed: String, _ month: String) -> Bool { state["\(id)|\(feed)|\(month)"] == HubCompleteness.received }
            // A month is compared when some fact feed was received both then and a year earlier;
            // the others' feeds are left out of both sides, as in the local bulletins.
            let months = zip(now, then).filter { m, b in ownFeeds.contains { received($0.key, m) && received($0.key, b) } }.map(\.0)
            comparedMonths[id] = months
            // Nothing of the period received at all: « non reçu » (or « attendu »), never 0.
            let nothingNow = !ownFeeds.isEmpty && ownFeeds.allSatisfy { feed, _ in now.allSatisfy { !received(feed, $0) } }
            let nothingThen = !ownFeeds.isEmpty && ownFeeds.allSatisfy { feed, _ in then.allSatisfy { !received(feed, $0) } }
            if nothingNow { emptyNow.insert(id) }
            let absentNow = ownFeeds.allSatisfy { feed, _ in now.allSatisfy { state["\(id)|\(feed)|\($0)"] == HubCompleteness.pending } }
                ? HubCompleteness.pending : HubCompleteness.notReceived

            /// « sans Bailleur (incidents) : non reçu », the feeds the pairs of `insee` left out (for a
            /// semester, with their months); "" when none.
            func leftOut(_ insee: String) -> String {
                var items: [String] = [], itemMonths: [String: [String]] = [:]
                for month in now {
                    for item in pair["\(id)|\(month)|\(insee)|\(HubFact.total)"]?.leftOut ?? [] {
                        if itemMonths[item] == nil { items.append(item) }
                        itemMonths[item, default: []].append(monthName(month))
                    }
                }
                guard !items.isEmpty else { return "" }
                return "sans " + items.map { isMonth ? $0 : "\($0) (\(itemMonths[$0, default: []].joined(separator: ", ")))" }.joined(separator: " ; ")
            }
            let observatoryLeftOut = leftOut(HubFact.total)
            let unmatched = ownFeeds.isEmpty ? "non comparable : aucun flux de faits publié"
                : months.isEmpty ? "non comparable : " + (observatoryLeftOut.isEmpty ? "aucun flux de faits reçu pour \(previousPhrase)"
                                                                                     : String(observatoryLeftOut.dropFirst("sans ".count)))
                : nil

            var rowNotes: [String: [String]] = [:]
            func row(name placeName: String, insee: String, population: Int) -> PlaceRow {
                let c = nothingNow ? Total.absent : total(id, insee, HubFact.total, now)
                let (pc, pp): (Total, Total) = unmatched == nil ? compared(id, insee, HubFact.total, months) : (.absent, .absent)
                // Not compared: the year before as received, for information.
                let p = unmatched == nil ? pp : nothingThen ? Total.absent : total(id, insee, HubFact.total, then)
                func shown(_ t: Total, nothing: Bool, absent: String) -> String {
                    switch t {
                    case .value(let v): return String(v)
                    case .secret: return "secret"
                    case .absent: return nothing ? absent : "—"
                    }
                }
                var notes: [String] = []
                var change = "—", flag = ""
                if case .secret = c { notes.append("total secret (secret statistique)") }
                if let unmatched {
                    change = "non comparable"
                    notes.append(unmatched)
                } else if let a = pc.number, let b = pp.number {
                    let comparison = Comparison(current: a, previous: b)
                    // « +3 (12 à sources égales) » when the figure shown holds a feed left out, as the local bulletins say it.
                    change = Compared.change(comparison, shown: c.number)
                    // The local bulletins' small-count test: the same function, the same levels.
                    flag = Comparison.flag(current: a, previous: b, periods: 1, levels: levels).rawValue
                    if flag == ChangeFlag.significant.rawValue {
                        let label = insee == HubFact.total ? "\(name) (ensemble)" : "\(placeName) (\(name))"
                        significant.append("\(label) : \(b) → \(a) (\(comparison.text)), \(flag)")
                        if insee != HubFact.total { mapHighlight.insert(insee) }
                    }
                } else if pc == .secret || pp == .secret {
                    notes.append("évolution secrète (secret statistique) : non comparée")
                }
                let note = unmatched == nil ? leftOut(insee) : ""
                if !note.isEmpty { notes.append(note) }
                rowNotes[insee] = notes
                if let a = c.number { figures["\(id)|\(insee)|periode"] = a }
                if let b = p.number { figures["\(id)|\(insee)|n-1"] = b }
                return PlaceRow(observatory: name, name: placeName, insee: insee, isTotal: insee == HubFact.total, population: population,
                                current: shown(c, nothing: nothingNow, absent: absentNow),
                                previous: shown(p, nothing: nothingThen, absent: HubCompleteness.notReceived),
                                change: change, flag: flag,
                                rate: Rate.french(c.number.flatMap { Rate.perThousand($0, population: population) }),
                                previousRate: Rate.french(p.number.flatMap { Rate.perThousand($0, population: population) }),
                                note: notes.joined(separator: " ; "), rowNote: notes.joined(separator: " ; "))
            }

            let communes = rows.populations.filter { $0.observatory == id }.sorted { precedes($0.name, $1.name, $0.commune, $1.commune) }
            let population = communes.reduce(0) { $0 + $1.population }
            var communeRows = communes.map { row(name: $0.name, insee: $0.commune, population: $0.population) }
            var total = row(name: "Ensemble de l'observatoire", insee: HubFact.total, population: population)
            for (p, r) in zip(communes, communeRows) {
                mapLabels[p.commune] = p.name
                mapRates[p.commune] = r.rate == "—" ? nil : Rate.perThousand(Int(r.current) ?? 0, population: p.population)
            }
            // What every line of the observatory says is said once, above its table (the CSV keeps it on each line).
            let shared = unmatched ?? (communes.allSatisfy { leftOut($0.commune) == observatoryLeftOut } && !observatoryLeftOut.isEmpty
                                       ? observatoryLeftOut : nil)
            if let shared {
                func without(_ r: PlaceRow) -> PlaceRow {
                    var r = r
                    // By the row's notes, not its joined text: a shared note may hold « ; » itself.
                    r.rowNote = (rowNotes[r.insee] ?? []).filter { $0 != shared }.joined(separator: " ; ")
                    return r
                }
                communeRows = communeRows.map(without)
                total = without(total)
            }
            let notice = shared.map { $0 == unmatched ? $0 : "comparaison à sources égales, \($0)" } ?? ""
            blocks.append(ObservatoryBlock(id: id, name: name, population: population, total: total, communes: communeRows, comparability: notice))
        }

        // The département by category: the observatories' margins summed, the facts as the period's
        // figure (an observatory that received nothing of it adds nothing, not a 0; a period none
        // received is « non reçu »), the like-for-like pairs for the change (the observatories that
        // compare nothing add nothing to either side). Suppressed cells are left out, and said.
        var categoryIDs: Set<String> = []
        for f in rows.facts where f.commune == HubFact.total && f.category != HubFact.total { categoryIDs.insert(f.category) }
        var anySecret = false
        let comparing = ordered.filter { !(comparedMonths[$0] ?? []).isEmpty }
        let categories = categoryIDs.sorted { (categoryLabels[$0] ?? $0, $0) < (categoryLabels[$1] ?? $1, $1) }.map { category -> CategoryRow in
            var current = 0, secretNow = 0, sums = (current: 0, previous: 0), secretPairs = 0
            for id in ordered where !emptyNow.contains(id) {
                for month in now {
                    guard let f = cell["\(id)|\(month)|\(HubFact.total)|\(category)"] else { continue }
                    if f.state == "suppressed" || f.value == nil { secretNow += 1 } else { current += f.value ?? 0 }
                }
            }
            for id in comparing {
                for month in comparedMonths[id] ?? [] {
                    guard let p = pair["\(id)|\(month)|\(HubFact.total)|\(category)"] else { continue }
                    if let v = p.current { sums.current += v } else { secretPairs += 1 }
                    if let v = p.previous { sums.previous += v } else { secretPairs += 1 }
                }
            }
            var notes: [String] = []
            if secretNow > 0 { notes.append("sans \(secretNow) case(s) secrète(s) de la période") }
            if secretPairs > 0 { notes.append("évolution non calculée (\(secretPairs) case(s) secrète(s) à sources égales)") }
            anySecret = anySecret || secretNow + secretPairs > 0
            if secretNow == 0 { figures["categorie|\(category)|periode"] = current }
            let comparison = Comparison(current: sums.current, previous: sums.previous)
            return CategoryRow(category: categoryLabels[category] ?? (category == "non-classe" ? "Non classé" : category),
                               // A sum without its hidden cells is a lower bound, said as such; with nothing published, « secret ».
                               current: emptyNow.count == ordered.count ? HubCompleteness.notReceived
                                   : secretNow == 0 ? String(current) : current == 0 ? "secret" : "au moins \(current)",
                               previous: comparing.isEmpty || secretPairs > 0 ? "—" : String(sums.previous),
                               change: comparing.isEmpty || secretPairs > 0 ? "—"
                                   : Compared.change(comparison, shown: secretNow == 0 ? current : nil),
                               note: notes.joined(separator: " ; "))
        }
        var categoriesNote = "Sommes des comptages publiés par les observatoires (marges par catégorie). Les cases soumises au secret statistique n'y sont pas comptées : elles ne valent pas zéro."
        if anySecret { categoriesNote += " Les lignes concernées le disent." }
        categoriesNote += " L'évolution et \(previousPhrase) sont à sources égales : chaque observatoire n'y compte que les flux reçus des deux côtés (voir ses notes)."
        let notCompared = ordered.filter { !comparing.contains($0) }.map { names[$0].flatMap { $0.isEmpty ? nil : $0 } ?? $0 }
        if !notCompared.isEmpty {
            categoriesNote += comparing.isEmpty ? " Aucun observatoire n'a de quoi comparer : pas d'évolution départementale."
                : " Les observatoires qui n'ont rien de comparable n'y comptent pas : \(notCompared.joined(separator: ", "))."
        }

        var map = "", mapNotice = ""
        if let outlines, !outlines.isEmpty {
            let known = outlines.filter { mapLabels[$0.quartier] != nil }
            if known.isEmpty {
                mapNotice = "carte non disponible : aucun contour de communes.geojson ne correspond aux communes du hub"
            } else {
                let classes = MapClasses.sequential(mapRates.values.compactMap { $0 })
                map = QuartierMap.svg(shapes: known, values: mapRates, labels: mapLabels, classes: classes,
                                      title: "Faits pour 1 000 habitants — \(isMonth ? currentMonths[0].frenchName : period.frenchName)",
                                      legendTitle: "pour 1 000 hab.", valueFormat: { SVG.french($0, decimals: 1) },
                                      highlight: mapHighlight, highlightLabel: "évolution significative", keyTitle: "Communes")
            }
        } else {
            mapNotice = "carte non disponible : contours des communes non configurés"
        }

        let displayed: Period = isMonth ? currentMonths[0] : period
        return DepartmentalBulletin(
            period: displayed.description, periodName: displayed.frenchName, previousName: previousPeriod.frenchName, previousPhrase: previousPhrase,
            kindName: isMonth ? "mensuel" : "semestriel", observatories: blocks, categories: categories, categoriesNote: categoriesNote,
            notReceived: missing, significant: significant, map: map, mapNotice: mapNotice,
            scopeNotice: rows.onlyObservatory.map { "Lu avec le rôle de l'observatoire « \($0) » : le hub ne lui montre que ses propres lignes ; le bulletin départemental complet se lit avec un rôle d'analyste." } ?? "",
            provisional: provisional,
            population: blocks.reduce(0) { $0 + $1.population }, figures: figures)
    }
}

extension DepartmentalBulletin: Bulletin {
    public static let kind = "hub"
    public var scope: String { "territoire" }

    public var csvTables: [CSVTable] {
        let places = observatories.flatMap { [$0.total] + $0.communes }.map { r in
            [r.observatory, r.isTotal ? "ensemble" : r.name, r.insee == HubFact.total ? "" : r.insee, String(r.population),
             r.current, r.previous, r.change, r.flag, r.rate, r.previousRate, r.note]
        }
        return [
            CSVTable(name: "communes", header: ["observatoire", "commune", "code INSEE", "population", periodName, previousName, "évolution",
                                                "signal", "taux pour 1 000 hab.", "taux n-1 pour 1 000 hab.", "note"], rows: places),
            CSVTable(name: "categories", header: ["catégorie", periodName, previousName, "évolution", "note"],
                     rows: categories.map { [$0.category, $0.current, $0.previous, $0.change, $0.note] }),
            CSVTable(name: "flux-non-recus", header: ["observatoire", "flux", "état", "mois"],
                     rows: notReceived.map { [$0.observatory, $0.feed, $0.state, $0.months] }),
        ]
    }
}
