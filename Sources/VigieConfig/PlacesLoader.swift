import Foundation
import VigieCore

/// Reads the places of the territory: `places.yaml` (residences, schools, stops, lines),
/// `voies.csv` (the street index) and `quartiers.geojson` (quartier outlines). Each place,
/// street and outline must name a quartier of `territory.yaml`.
enum PlacesLoader {
    static func places(_ url: URL, territory: Territory) throws -> [NamedPlace] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let doc = try YAMLValue.load(url)
        let kinds: [(String, NamedPlace.Kind)] = [("residences", .residence), ("schools", .school), ("stops", .stop), ("lines", .line)]
        _ = try doc.mapping(allowed: Set(kinds.map(\.0)))
        let quartiers = quartierCommunes(territory)
        var places: [NamedPlace] = []
        for (key, kind) in kinds {
            for p in try doc.optional(key)?.array() ?? [] {
                _ = try p.mapping(allowed: ["id", "name", "owner", "commune", "quartier", "aliases"])
                let id = try p.string("id")
                guard !places.contains(where: { $0.kind == kind && $0.id == id }) else { throw p.error("« \(id) » en double") }
                let quartier = try p.optionalString("quartier")
                let commune = try p.optionalString("commune")
                if let quartier {
                    guard let c = quartiers[quartier] else {
                        throw try p.required("quartier").error("quartier inconnu « \(quartier) »", hint: "Les quartiers sont ceux de territory.yaml.")
                    }
                    if let commune, commune != c { throw try p.required("commune").error("le quartier \(quartier) n'est pas dans la commune \(commune)") }
                } else if kind != .line {
                    throw p.error("la clé « quartier » manque", hint: "Chaque résidence, établissement ou arrêt est rattaché à un quartier.")
                }
                places.append(NamedPlace(kind: kind, id: id, name: try p.string("name"), aliases: try p.optional("aliases")?.strings() ?? [],
                                         commune: commune ?? quartier.flatMap { quartiers[$0] }, quartier: quartier,
                                         owner: try p.optionalString("owner")))
            }
        }
        return places
    }

    static func streets(_ url: URL, territory: Territory) throws -> [StreetSegment] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let name = url.lastPathComponent
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw VigieError(.config, "fichier illisible (UTF-8 attendu)", at: SourceLocation(file: name))
        }
        let quartiers = quartierCommunes(territory)
        var segments: [StreetSegment] = []
        for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where i > 0 {
            let raw = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if raw.isEmpty { continue }
            let at = SourceLocation(file: name, row: i + 1)
            let f = raw.split(separator: ";", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
            guard f.count == 6 else {
                throw VigieError(.config, "6 colonnes attendues (commune;voie;quartier;numero_debut;numero_fin;parite), \(f.count) trouvées", at: at)
            }
            guard territory.commune(insee: f[0]) != nil else { throw VigieError(.config, "commune inconnue « \(f[0]) »", at: at) }
            guard quartiers[f[2]] == f[0] else { throw VigieError(.config, "quartier « \(f[2]) » inconnu ou hors de la commune \(f[0])", at: at) }
            guard !f[1].isEmpty else { throw VigieError(.config, "nom de voie vide", at: at) }
            let from = f[3].isEmpty ? nil : Int(f[3]), to = f[4].isEmpty ? nil : Int(f[4])
            if (!f[3].isEmpty && from == nil) || (!f[4].isEmpty && to == nil) {
                throw VigieError(.config, "numéro de début ou de fin illisible", at: at)
            }
            let parity: StreetSegment.Parity
            switch f[5].lowercased() {
            case "", "all", "tous": parity = .all
            case "odd", "impair", "impairs": parity = .odd
            case "even", "pair", "pairs": parity = .even
            default: throw VigieError(.config, "parité « \(f[5]) » inconnue (pair, impair ou vide)", at: at)
            }
            segments.append(StreetSegment(commune: f[0], street: f[1], quartier: f[2], from: from, to: to, parity: parity))
        }
        return segments
    }

    static func shapes(_ url: URL, territory: Territory) throws -> [QuartierShape] {
        let quartiers = quartierCommunes(territory)
        return try outlines(url, property: "quartier", what: "quartier") { quartiers[$0] != nil }
    }

    /// The outlines of `url`, a GeoJSON FeatureCollection of Polygons or MultiPolygons, each
    /// named by its `property` (a quartier id, a commune's INSEE code), which `known` accepts.
    static func outlines(_ url: URL, property: String, what: String, known: (String) -> Bool) throws -> [QuartierShape] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let name = url.lastPathComponent
        let error = { (message: String) in VigieError(.config, message, at: SourceLocation(file: name)) }
        guard let data = try? Data(contentsOf: url),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let features = root["features"] as? [[String: Any]] else {
            throw error("GeoJSON illisible : une FeatureCollection est attendue")
        }
        var shapes: [QuartierShape] = []
        for (n, feature) in features.enumerated() {
            guard let id = (feature["properties"] as? [String: Any])?[property] as? String else {
                throw error("l'objet n° \(n + 1) n'a pas de propriété « \(property) »")
            }
            guard known(id) else { throw error("objet n° \(n + 1) : \(what) inconnu « \(id) »") }
            guard let geometry = feature["geometry"] as? [String: Any], let type = geometry["type"] as? String,
                  let coordinates = geometry["coordinates"] as? [Any] else { throw error("objet n° \(n + 1) (\(id)) : géométrie absente") }
            let polygons: [Any] = type == "MultiPolygon" ? coordinates : (type == "Polygon" ? [coordinates] : [])
            guard !polygons.isEmpty else { throw error("objet n° \(n + 1) (\(id)) : Polygon ou MultiPolygon attendu, \(type) trouvé") }
            var rings: [[QuartierShape.Point]] = []
            for polygon in polygons {
                guard let outer = (polygon as? [Any])?.first as? [[Double]], outer.count >= 4 else {
                    throw error("objet n° \(n + 1) (\(id)) : contour illisible")
                }
                rings.append(outer.compactMap { $0.count >= 2 ? QuartierShape.Point(lon: $0[0], lat: $0[1]) : nil })
            }
            shapes.append(QuartierShape(quartier: id, rings: rings))
        }
        return shapes
    }

    /// Quartier id → INSEE code of its commune.
    static func quartierCommunes(_ territory: Territory) -> [String: String] {
        var map: [String: String] = [:]
        for c in territory.communes { for s in c.sectors { for q in s.quartiers { map[q.id] = c.insee } } }
        return map
    }
}

/// `communes.geojson` beside the configuration: the outlines of the département's communes for
/// the departmental bulletin's map, one Feature per commune with its INSEE code in the property
/// `commune` (five characters, as in territory.yaml). Absent: nil, and the bulletin says so.
public enum CommuneOutlines {
    public static let fileName = "communes.geojson"

    public static func load(directory: URL) throws -> [QuartierShape]? {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try PlacesLoader.outlines(url, property: "commune", what: "code INSEE") { code in
            code.count == 5 && code.allSatisfy { $0.isASCII && ($0.isNumber || $0 == "A" || $0 == "B") }
        }
    }
}
