import VigieCore

/// Places an incident in a quartier, in the order DESIGN §6 gives: an explicit quartier or
/// secteur (names and aliases, case- and accent-insensitive), a named place (residence, school,
/// stop), the address in the street index, the coordinates in a quartier's polygon, and
/// failing all that the commune alone (« non localisé », still counted at commune level).
///
/// A point exactly on the boundary shared by two quartiers goes to the one listed first in
/// `territory.yaml`: a fixed rule, so the same point always lands in the same quartier.
public struct PlaceResolver: Sendable {
    let territory: Territory
    private var quartierByKey: [String: [(commune: String, sector: String, quartier: String)]] = [:]
    private var sectorByKey: [String: [(commune: String, sector: String)]] = [:]
    private var sectorOfQuartier: [String: (commune: String, sector: String)] = [:]
    private var placeByKey: [String: [NamedPlace]] = [:]
    private var streets: [String: [StreetSegment]] = [:]   // key: commune + "|" + street key
    private var shapes: [(commune: String, shape: QuartierShape)] = []
    private var communeByKey: [String: String] = [:]

    public init(territory: Territory, places: [NamedPlace] = [], streets: [StreetSegment] = [], shapes: [QuartierShape] = []) {
        self.territory = territory
        for commune in territory.communes {
            for key in [commune.insee, commune.name.matchKey] + commune.aliases.map(\.matchKey) { communeByKey[key] = commune.insee }
            for sector in commune.sectors {
                for key in [sector.id.matchKey, sector.name.matchKey] + sector.aliases.map(\.matchKey) {
                    sectorByKey[key, default: []].append((commune.insee, sector.id))
                }
                for q in sector.quartiers {
                    sectorOfQuartier[q.id] = (commune.insee, sector.id)
                    for key in [q.id.matchKey, q.name.matchKey] + q.aliases.map(\.matchKey) {
                        quartierByKey[key, default: []].append((commune.insee, sector.id, q.id))
                    }
                }
            }
        }
        for place in places {
            for key in [place.id.matchKey, place.name.matchKey] + place.aliases.map(\.matchKey) {
                placeByKey[key, default: []].append(place)
            }
        }
        for segment in streets {
            self.streets[segment.commune + "|" + StreetName.key(segment.street), default: []].append(segment)
        }
        // Shapes in the order of territory.yaml, for the boundary rule.
        let order = territory.communes.flatMap { $0.sectors.flatMap { $0.quartiers.map(\.id) } }
        for id in order {
            for shape in shapes where shape.quartier == id {
                if let commune = sectorOfQuartier[id]?.commune { self.shapes.append((commune, shape)) }
            }
        }
    }

    /// The commune (INSEE code) a cell names: code, name or alias; nil when unknown.
    public func commune(named text: String) -> String? {
        communeByKey[text.matchKey] ?? communeByKey[text.trimmingSpaces]
    }

    /// A named place of one kind (residence, school, stop) by id, name or alias.
    public func place(_ kind: NamedPlace.Kind, named text: String, commune: String? = nil) -> NamedPlace? {
        let candidates = (placeByKey[text.matchKey] ?? []).filter { $0.kind == kind }
        return candidates.first { commune == nil || $0.commune == nil || $0.commune == commune } ?? nil
    }

    /// Places an incident. `commune` is required; the other clues are tried in order.
    public func resolve(commune: String, area: String? = nil, placeName: String? = nil, address: String? = nil,
                        lon: Double? = nil, lat: Double? = nil) -> ResolvedPlace {
        if let area, !area.isBlankText {
            let key = area.matchKey
            if let q = quartierByKey[key]?.first(where: { $0.commune == commune }) {
                return ResolvedPlace(commune: commune, sector: q.sector, quartier: q.quartier, level: .quartier)
            }
            if let s = sectorByKey[key]?.first(where: { $0.commune == commune }) {
                return ResolvedPlace(commune: commune, sector: s.sector, quartier: nil, level: .sector)
            }
        }
        for text in [placeName, address].compactMap({ $0 }) where !text.isBlankText {
            if let place = (placeByKey[text.matchKey] ?? []).first(where: { $0.quartier != nil && ($0.commune == nil || $0.commune == commune) }),
               let q = place.quartier, let s = sectorOfQuartier[q], s.commune == commune {
                return ResolvedPlace(commune: commune, sector: s.sector, quartier: q, level: .address)
            }
        }
        if let address, !address.isBlankText {
            let (number, street) = StreetName.splitAddress(address)
            if let segments = streets[commune + "|" + StreetName.key(street)],
               let segment = segments.first(where: { $0.contains(number: number) }) ?? (segments.count == 1 ? segments.first : nil),
               let s = sectorOfQuartier[segment.quartier] {
                return ResolvedPlace(commune: commune, sector: s.sector, quartier: segment.quartier, level: .address)
            }
        }
        if let lon, let lat {
            let point = QuartierShape.Point(lon: lon, lat: lat)
            for (c, shape) in shapes where c == commune {
                if shape.position(of: point) != .outside, let s = sectorOfQuartier[shape.quartier] {
                    return ResolvedPlace(commune: commune, sector: s.sector, quartier: shape.quartier, level: .coordinates)
                }
            }
        }
        return ResolvedPlace(commune: commune, sector: nil, quartier: nil, level: .commune)
    }
}

extension String {
    var isBlankText: Bool { allSatisfy(\.isWhitespace) }
}
