/// What makes an incident notable enough for the weekly faits marquants (`Config/bulletins.yaml`):
/// serious by itself, or repeated in the same quartier or at the same address.
public struct BulletinRules: Sendable, Equatable {
    /// An incident with a weapon (used or carried) is serious.
    public var weaponIsSerious: Bool
    /// A weapon is « utilisée » when the incident is an attack: one of these categories or natures;
    /// otherwise it is « port d'arme » (the weapon column says only that there was one).
    public var weaponUsedCategories: Set<String>
    public var weaponUsedNatures: Set<String>
    /// Categories that are serious by themselves (arson, homicides, attacks on agents…).
    public var seriousCategories: Set<String>
    /// Partner nature labels that are serious by themselves, whatever their category.
    public var seriousNatures: Set<String>
    /// Repeated: the same category in the same quartier at least `quartierCount` times within `quartierDays` days.
    public var quartierCount: Int
    public var quartierDays: Int
    /// Repeated: the same address at least `addressCount` times within `addressDays` days.
    public var addressCount: Int
    public var addressDays: Int
    /// The feeds whose incidents the weekly reads (by default every incidents feed).
    public var feeds: Set<String>
    /// How many earlier weeks the weekly totals are compared with (their mean).
    public var baselineWeeks: Int
    /// Feeds without which the weekly is not mailed (`weekly: requires:`): the police faits
    /// marquants of the week must have arrived, unless the coordinator forces it.
    public var requires: [FeedKey] = []
    /// The p-values below which a change is « à surveiller » or « significatif ».
    public var levels: SignificanceLevels

    public init(weaponIsSerious: Bool = true, seriousCategories: Set<String> = [], seriousNatures: Set<String> = [],
                quartierCount: Int = 3, quartierDays: Int = 14, addressCount: Int = 2, addressDays: Int = 30,
                feeds: Set<String> = [], baselineWeeks: Int = 4,
                levels: SignificanceLevels = .standard,
                weaponUsedCategories: Set<String> = BulletinRules.attackCategories, weaponUsedNatures: Set<String> = []) {
        self.weaponIsSerious = weaponIsSerious
        self.weaponUsedCategories = weaponUsedCategories
        self.weaponUsedNatures = weaponUsedNatures
        self.seriousCategories = seriousCategories
        self.seriousNatures = seriousNatures
        self.quartierCount = quartierCount
        self.quartierDays = quartierDays
        self.addressCount = addressCount
        self.addressDays = addressDays
        self.feeds = feeds
        self.baselineWeeks = baselineWeeks
        self.levels = levels
    }

    /// The categories of the sample nomenclature that are attacks on a person or an agent.
    public static let attackCategories: Set<String> = [
        "homicides", "violences-personnes", "violences-sexuelles", "violences-intrafamiliales", "vols-violents", "atteintes-agents",
    ]

    /// True when an incident of this category and nature, with a weapon, used it.
    public func weaponUsed(category: String?, nature: String) -> Bool {
        category.map(weaponUsedCategories.contains) == true || weaponUsedNatures.contains(nature)
    }
}

/// The p-values of the exact test below which a change is flagged: « à surveiller » under
/// `watch`, « significatif » under `significant` (never above `watch`).
public struct SignificanceLevels: Sendable, Equatable {
    public var watch: Double
    public var significant: Double
    public init(watch: Double, significant: Double) {
        self.watch = watch
        self.significant = significant
    }
    public static let standard = SignificanceLevels(watch: 0.05, significant: 0.01)
}
