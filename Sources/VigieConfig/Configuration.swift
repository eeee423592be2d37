import Foundation
import VigieCore

/// Everything in `Config/`, loaded and checked: the territory, the partners and their feeds,
/// the nomenclature. Loading refuses a wrong configuration with the file, the line and what to do.
public struct Configuration: Sendable {
    public var directory: URL
    public var territory: Territory
    public var partners: [Partner]
    public var nomenclature: Nomenclature
    /// Residences, schools, stops and lines (`places.yaml`).
    public var places: [NamedPlace]
    /// The street index (`voies.csv`).
    public var streets: [StreetSegment]
    /// Quartier outlines (`quartiers.geojson`).
    public var shapes: [QuartierShape]
    /// Notability rules of the weekly bulletin (`bulletins.yaml`).
    public var bulletinRules: BulletinRules
    /// Who receives the weekly mail (`recipients.yaml`); nil when the file is absent.
    public var recipients: Recipients?
    /// Retention and the sendmail command (`settings.yaml`).
    public var settings: Settings

    public init(directory: URL, territory: Territory, partners: [Partner], nomenclature: Nomenclature,
                places: [NamedPlace] = [], streets: [StreetSegment] = [], shapes: [QuartierShape] = [],
                bulletinRules: BulletinRules = BulletinRules(), recipients: Recipients? = nil, settings: Settings = Settings()) {
        self.bulletinRules = bulletinRules
        self.recipients = recipients
        self.settings = settings
        self.directory = directory
        self.territory = territory
        self.partners = partners
        self.nomenclature = nomenclature
        self.places = places
        self.streets = streets
        self.shapes = shapes
    }

    /// Loads `territory.yaml`, `partners.yaml`, `nomenclature.yaml` and `etat4001-index.csv` from `directory`.
    public static func load(from directory: URL) throws -> Configuration {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDir), isDir.boolValue else {
            throw VigieError(.config, "dossier de configuration introuvable : \(directory.path)",
                             hint: "Donnez le dossier Config/ du projet avec --config, ou la variable VIGIE_CONFIG.")
        }
        let territory = try TerritoryLoader.load(directory.appendingPathComponent("territory.yaml"))
        let index = try Index4001Loader.load(directory.appendingPathComponent("etat4001-index.csv"))
        let nomenclature = try NomenclatureLoader.load(directory.appendingPathComponent("nomenclature.yaml"), index: index)
        let partners = try PartnersLoader.load(directory.appendingPathComponent("partners.yaml"),
                                               categories: Set(nomenclature.categories.map(\.id)),
                                               communes: Set(territory.communes.map(\.insee)))
        return Configuration(
            directory: directory, territory: territory, partners: partners, nomenclature: nomenclature,
            places: try PlacesLoader.places(directory.appendingPathComponent("places.yaml"), territory: territory),
            streets: try PlacesLoader.streets(directory.appendingPathComponent("voies.csv"), territory: territory),
            shapes: try PlacesLoader.shapes(directory.appendingPathComponent("quartiers.geojson"), territory: territory),
            bulletinRules: try BulletinRulesLoader.load(
                directory.appendingPathComponent("bulletins.yaml"), categories: Set(nomenclature.categories.map(\.id)),
                feeds: Set(partners.flatMap { $0.feeds.filter { $0.kind == .incidents }.map(\.id) }),
                allFeeds: Set(partners.flatMap { $0.feeds.map(\.key) })),
            recipients: try DeliveryLoader.recipients(directory.appendingPathComponent("recipients.yaml"),
                                                      communes: Set(territory.communes.map(\.insee))),
            settings: try DeliveryLoader.settings(directory.appendingPathComponent("settings.yaml")))
    }

    /// The feed `feedID` of partner `partnerID`, or an error listing what exists.
    public func feed(partner partnerID: String, feed feedID: String) throws -> Feed {
        guard let partner = partners.first(where: { $0.id == partnerID }) else {
            throw VigieError(.usage, "partenaire inconnu : « \(partnerID) »",
                             hint: "Partenaires de partners.yaml : \(partners.map(\.id).joined(separator: ", ")).")
        }
        guard let feed = partner.feeds.first(where: { $0.id == feedID }) else {
            throw VigieError(.usage, "flux inconnu pour \(partnerID) : « \(feedID) »",
                             hint: "Flux de ce partenaire : \(partner.feeds.map(\.id).joined(separator: ", ")).")
        }
        return feed
    }
}
