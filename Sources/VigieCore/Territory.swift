/// The communes an observatory covers, their secteurs and quartiers, and the police services
/// that report for them.
public struct Territory: Sendable {
    public var name: String
    public var communes: [Commune]
    public var services: [PoliceService]

    public init(name: String, communes: [Commune], services: [PoliceService]) {
        self.name = name
        self.communes = communes
        self.services = services
    }

    public func commune(insee: String) -> Commune? { communes.first { $0.insee == insee } }

    /// The secteur with this id, and its commune.
    public func sector(id: String) -> (sector: Sector, commune: Commune)? {
        for c in communes { if let s = c.sectors.first(where: { $0.id == id }) { return (s, c) } }
        return nil
    }

    /// The quartier with this id, its secteur and its commune.
    public func quartier(id: String) -> (quartier: Quartier, sector: Sector, commune: Commune)? {
        for c in communes {
            for s in c.sectors { if let q = s.quartiers.first(where: { $0.id == id }) { return (q, s, c) } }
        }
        return nil
    }

    /// The reporting unit a column header names: a commune (INSEE code, name or alias) or a
    /// police service (name or alias), matched case- and accent-insensitively; nil when unknown.
    public func unit(named header: String) -> ReportingUnit? {
        let key = header.matchKey
        guard !key.isEmpty else { return nil }
        for c in communes where c.insee == key || c.name.matchKey == key || c.aliases.contains(where: { $0.matchKey == key }) {
            return ReportingUnit(id: c.insee, commune: c.insee)
        }
        for s in services where s.name.matchKey == key || s.aliases.contains(where: { $0.matchKey == key }) {
            return ReportingUnit(id: s.name, commune: s.singleCommune)
        }
        return nil
    }
}

/// A municipality, keyed by its INSEE code.
public struct Commune: Sendable {
    public var insee: String
    public var name: String
    public var population: Int
    public var aliases: [String]
    public var sectors: [Sector]

    public init(insee: String, name: String, population: Int, aliases: [String] = [], sectors: [Sector]) {
        self.insee = insee
        self.name = name
        self.population = population
        self.aliases = aliases
        self.sectors = sectors
    }
}

/// A group of quartiers inside a commune.
public struct Sector: Sendable {
    public var id: String
    public var name: String
    public var aliases: [String]
    public var quartiers: [Quartier]

    public init(id: String, name: String, aliases: [String] = [], quartiers: [Quartier]) {
        self.id = id
        self.name = name
        self.aliases = aliases
        self.quartiers = quartiers
    }
}

/// A neighbourhood: the finest area of the bulletins.
public struct Quartier: Sendable {
    public var id: String
    public var name: String
    public var population: Int
    public var aliases: [String]

    public init(id: String, name: String, population: Int, aliases: [String] = []) {
        self.id = id
        self.name = name
        self.population = population
        self.aliases = aliases
    }
}

/// A police or gendarmerie service (CSP, commissariat, compagnie) as named in the état 4001.
/// A service that covers several communes is its own unit: its figures are never split.
public struct PoliceService: Sendable {
    public var name: String
    public var aliases: [String]
    /// INSEE codes of the territory's communes it covers.
    public var communes: [String]
    /// Names of communes outside the territory that it also covers.
    public var alsoCovers: [String]

    public init(name: String, aliases: [String] = [], communes: [String], alsoCovers: [String] = []) {
        self.name = name
        self.aliases = aliases
        self.communes = communes
        self.alsoCovers = alsoCovers
    }

    /// The one commune whose figures the service's figures are, or nil when it covers several.
    public var singleCommune: String? {
        communes.count == 1 && alsoCovers.isEmpty ? communes[0] : nil
    }
}

/// The unit a count is reported for: a commune, a police service, a residence, a school, a line,
/// or a unit the territory does not know (public national files). `commune` is set only when the
/// unit is exactly one commune or lies in one; `quartier` when it lies in one quartier.
public struct ReportingUnit: Sendable, Hashable {
    public var id: String
    public var commune: String?
    public var quartier: String?

    public init(id: String, commune: String?, quartier: String? = nil) {
        self.id = id
        self.commune = commune
        self.quartier = quartier
    }
}
