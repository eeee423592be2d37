/// How precisely an incident was placed, from the best to the least: an explicit quartier or
/// secteur, an address in the street index, coordinates in a quartier's polygon, the commune alone.
public enum PlaceLevel: String, Sendable, CaseIterable, Codable {
    case quartier
    case sector
    case address
    case coordinates
    /// « non localisé » : counted at commune level only.
    case commune
}

/// Where an incident was placed: always a commune, a quartier (and its secteur) when found.
public struct ResolvedPlace: Sendable, Equatable {
    public var commune: String
    public var sector: String?
    public var quartier: String?
    public var level: PlaceLevel

    public init(commune: String, sector: String?, quartier: String?, level: PlaceLevel) {
        self.commune = commune
        self.sector = sector
        self.quartier = quartier
        self.level = level
    }
}

/// A named place of the territory tied to a quartier: a residence of a bailleur, a school
/// (UAI code), a transport stop, a line (lines have no single quartier).
public struct NamedPlace: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case residence, school, stop, line
    }

    public var kind: Kind
    public var id: String
    public var name: String
    public var aliases: [String]
    public var commune: String?
    public var quartier: String?
    /// The partner the place belongs to (the bailleur of a residence, the operator of a line).
    public var owner: String?

    public init(kind: Kind, id: String, name: String, aliases: [String] = [], commune: String?, quartier: String?, owner: String? = nil) {
        self.kind = kind
        self.id = id
        self.name = name
        self.aliases = aliases
        self.commune = commune
        self.quartier = quartier
        self.owner = owner
    }
}

/// One line of the street index: a street of a commune, or a range of its house numbers, in a quartier.
public struct StreetSegment: Sendable, Equatable {
    public enum Parity: String, Sendable { case all, odd, even }

    public var commune: String
    /// The street name as written in `voies.csv`.
    public var street: String
    public var quartier: String
    public var from: Int?
    public var to: Int?
    public var parity: Parity

    public init(commune: String, street: String, quartier: String, from: Int? = nil, to: Int? = nil, parity: Parity = .all) {
        self.commune = commune
        self.street = street
        self.quartier = quartier
        self.from = from
        self.to = to
        self.parity = parity
    }

    public func contains(number: Int?) -> Bool {
        guard from != nil || to != nil else { return true }
        guard let number else { return false }
        if let from, number < from { return false }
        if let to, number > to { return false }
        switch parity {
        case .all: return true
        case .odd: return number % 2 == 1
        case .even: return number % 2 == 0
        }
    }
}

/// A quartier's outline: one or more rings of (longitude, latitude), WGS 84, as in GeoJSON.
public struct QuartierShape: Sendable {
    public var quartier: String
    /// Outer rings (holes are not used by the observatory's maps).
    public var rings: [[Point]]

    public struct Point: Sendable, Equatable {
        public var lon: Double
        public var lat: Double
        public init(lon: Double, lat: Double) { self.lon = lon; self.lat = lat }
    }

    public init(quartier: String, rings: [[Point]]) {
        self.quartier = quartier
        self.rings = rings
    }

    /// Where a point lies relative to the shape.
    public enum Position { case inside, onBoundary, outside }

    public func position(of p: Point) -> Position {
        var inside = false
        for ring in rings where ring.count >= 3 {
            var j = ring.count - 1
            for i in 0..<ring.count {
                let a = ring[i], b = ring[j]
                if QuartierShape.onSegment(p, a, b) { return .onBoundary }
                // Ray casting to the east (half-open on latitude so that a vertex counts once).
                if (a.lat > p.lat) != (b.lat > p.lat) {
                    let x = a.lon + (p.lat - a.lat) * (b.lon - a.lon) / (b.lat - a.lat)
                    if p.lon < x { inside.toggle() }
                }
                j = i
            }
        }
        return inside ? .inside : .outside
    }

    static func onSegment(_ p: Point, _ a: Point, _ b: Point) -> Bool {
        let cross = (b.lon - a.lon) * (p.lat - a.lat) - (b.lat - a.lat) * (p.lon - a.lon)
        let scale = max(abs(b.lon - a.lon), abs(b.lat - a.lat), 1e-12)
        guard abs(cross) <= 1e-12 * scale else { return false }
        return p.lon >= min(a.lon, b.lon) - 1e-12 && p.lon <= max(a.lon, b.lon) + 1e-12
            && p.lat >= min(a.lat, b.lat) - 1e-12 && p.lat <= max(a.lat, b.lat) + 1e-12
    }
}
