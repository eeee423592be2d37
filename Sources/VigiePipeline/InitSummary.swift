import VigieConfig
import VigieCore
import VigieStore

/// `vigie init`: opens (creates or upgrades) the store, checks the configuration, and says what
/// the store's schema and the configuration hold.
public struct InitStore: UseCase {
    public init() {}

    public func run(_ observatory: Observatory) throws -> InitSummary { try InitSummary(observatory) }
}

/// What `vigie init` says: the store's schema and what the configuration holds.
public struct InitSummary: UseCaseResult {
    public let text: String

    public init(_ observatory: Observatory) throws {
        let c = observatory.config
        var lines = ["Base : \(observatory.store.path) (schéma à jour : \(try observatory.store.appliedMigrations().count) migration(s))",
                     "Configuration : \(c.directory.path)",
                     "Territoire « \(c.territory.name) » :"]
        for commune in c.territory.communes {
            let quartiers = commune.sectors.flatMap(\.quartiers).count
            lines.append("  \(commune.name) (\(commune.insee)), \(commune.population) habitants, \(commune.sectors.count) secteurs, \(quartiers) quartiers")
        }
        for service in c.territory.services {
            let communes = service.communes.compactMap { c.territory.commune(insee: $0)?.name } + service.alsoCovers
            lines.append("  service \(service.name) → \(communes.joined(separator: ", "))")
        }
        lines.append("Partenaires :")
        for p in c.partners {
            lines.append("  \(p.name) (\(p.id)) : " + p.feeds.map { "\($0.id) [\(LedgerStatus.kindLabel($0.kind.rawValue)), \(LedgerStatus.cadenceLabel($0.cadence.rawValue))]" }.joined(separator: ", "))
        }
        let used = c.nomenclature.index4001.values.filter(\.used).count
        lines.append("Nomenclature : \(c.nomenclature.categories.count) catégories ; état 4001 : \(used) index utilisés sur 107, tous classés")
        text = lines.joined(separator: "\n")
    }
}
