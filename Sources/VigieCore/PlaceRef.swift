/// A commune, secteur or quartier of the territory, once what a person typed has been resolved:
/// the typed identity every place option and area becomes.
public enum PlaceRef: Sendable, Hashable, Codable, CustomStringConvertible {
    /// A commune, by its INSEE code.
    case commune(String)
    /// A secteur, by its id in territory.yaml.
    case secteur(String)
    /// A quartier, by its id in territory.yaml.
    case quartier(String)

    public var level: AreaLevel {
        switch self {
        case .commune: .commune
        case .secteur: .secteur
        case .quartier: .quartier
        }
    }

    /// The INSEE code or id.
    public var code: String {
        switch self {
        case .commune(let c), .secteur(let c), .quartier(let c): c
        }
    }

    /// `commune:94028`, `quartier:cre-mont-mesly`: how a place is stored and written in files.
    public var description: String { "\(level.rawValue):\(code)" }
}

extension Territory {
    /// A place as people name it: INSEE code, id, name or alias, case, accents and punctuation
    /// ignored, among `levels`; `quartier:Sablières` (or `commune:`, `secteur:`) picks the level.
    /// Unknown or ambiguous names throw a French usage error listing the closest names.
    public func place(_ typed: String, levels: [AreaLevel] = [.commune, .secteur, .quartier]) throws -> PlaceRef {
        var text = typed
        var levels = levels
        if let colon = typed.firstIndex(of: ":"), let level = AreaLevel(rawValue: String(typed[..<colon]).lowercased()),
           [.commune, .secteur, .quartier].contains(level) {
            guard levels.contains(level) else {
                throw VigieError(.usage, "« \(typed.shown(limit: 80)) » : un(e) \(level.rawValue) n'est pas accepté(e) ici",
                                 hint: "Donnez un(e) \(levels.map(\.rawValue).joined(separator: " ou ")).")
            }
            levels = [level]
            text = String(typed[typed.index(after: colon)...])
        }
        let key = text.matchKey
        let candidates = placeNames(levels: levels)
        let matches = candidates.filter { $0.keys.contains(key) }
        var unique: [PlaceRef] = []
        for m in matches where !unique.contains(m.ref) { unique.append(m.ref) }
        if unique.count == 1 { return unique[0] }
        let what = levels.map(\.rawValue).joined(separator: ", ").replacingLast(", ", with: " ou ")
        if unique.count > 1 {
            throw VigieError(.usage, "« \(text.shown(limit: 80)) » désigne plusieurs lieux : "
                             + unique.map { "\(label(of: $0)) (\($0))" }.joined(separator: ", "),
                             hint: "Précisez, par exemple « \(unique[0]) ».")
        }
        let ranked = candidates.map { c in (c, c.keys.map { editDistance(key, $0) }.min() ?? Int.max) }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0.name < $1.0.name }
        var closest: [String] = []
        for (c, _) in ranked where !closest.contains(c.name) {
            closest.append(c.name)
            if closest.count == 3 { break }
        }
        let unknown = switch levels.count == 1 ? levels[0] : .lieu {
        case .commune: "commune inconnue"
        case .secteur: "secteur inconnu"
        case .quartier: "quartier inconnu"
        default: "\(what) : lieu inconnu"
        }
        throw VigieError(.usage, "\(unknown) « \(text.shown(limit: 80)) »",
                         hint: "Les noms les plus proches : \(closest.joined(separator: ", ")) (code INSEE, identifiant, nom ou alias de Config/territory.yaml).")
    }

    /// Whether `place` lies wholly within `communes` (INSEE codes): what an elected official holds.
    public func place(_ place: PlaceRef, liesWithin communes: Set<String>) -> Bool {
        switch place {
        case .commune(let insee): communes.contains(insee)
        case .secteur(let id): sector(id: id).map { communes.contains($0.commune.insee) } ?? false
        case .quartier(let id): quartier(id: id).map { communes.contains($0.commune.insee) } ?? false
        }
    }

    /// The name people read: « Créteil », « Créteil Nord », « Mont-Mesly ».
    public func name(of place: PlaceRef) -> String {
        switch place {
        case .commune(let insee): commune(insee: insee)?.name ?? insee
        case .secteur(let id): sector(id: id)?.sector.name ?? id
        case .quartier(let id): quartier(id: id)?.quartier.name ?? id
        }
    }

    /// « la commune de Créteil », « le secteur Créteil Nord », « le quartier Mont-Mesly ».
    public func label(of place: PlaceRef) -> String {
        switch place {
        case .commune: "la commune de \(name(of: place))"
        case .secteur: "le secteur \(name(of: place))"
        case .quartier: "le quartier \(name(of: place))"
        }
    }

    private struct PlaceName {
        var ref: PlaceRef
        var name: String
        var keys: [String]
    }

    private func placeNames(levels: [AreaLevel]) -> [PlaceName] {
        var out: [PlaceName] = []
        for c in communes {
            if levels.contains(.commune) {
                out.append(PlaceName(ref: .commune(c.insee), name: c.name, keys: [c.insee, c.name.matchKey] + c.aliases.map(\.matchKey)))
            }
            for s in c.sectors {
                if levels.contains(.secteur) {
                    out.append(PlaceName(ref: .secteur(s.id), name: s.name, keys: [s.id.matchKey, s.name.matchKey] + s.aliases.map(\.matchKey)))
                }
                guard levels.contains(.quartier) else { continue }
                for q in s.quartiers {
                    out.append(PlaceName(ref: .quartier(q.id), name: q.name, keys: [q.id.matchKey, q.name.matchKey] + q.aliases.map(\.matchKey)))
                }
            }
        }
        return out
    }
}

private extension String {
    func replacingLast(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target, options: .backwards) else { return self }
        return replacingCharacters(in: range, with: replacement)
    }
}
