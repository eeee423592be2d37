import VigieConfig
import VigieCore
import VigieIngest
import XCTest

final class PlaceResolverTests: XCTestCase {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    var resolver: PlaceResolver!
    var config: Configuration!

    override func setUpWithError() throws {
        config = try Configuration.load(from: Self.repo.appendingPathComponent("Config"))
        resolver = PlaceResolver(territory: config.territory, places: config.places, streets: config.streets, shapes: config.shapes)
    }

    func testQuartierAndSecteurNamesIgnoreCaseAccentsAndHyphens() {
        XCTAssertEqual(resolver.resolve(commune: "94028", area: "MONT MESLY").quartier, "cre-mont-mesly")
        XCTAssertEqual(resolver.resolve(commune: "94028", area: "echat").quartier, "cre-echat")
        XCTAssertEqual(resolver.resolve(commune: "94028", area: "Mesly").level, .quartier) // an alias
        let sector = resolver.resolve(commune: "94028", area: "créteil sud")
        XCTAssertEqual(sector.level, .sector)
        XCTAssertEqual(sector.sector, "creteil-sud")
        XCTAssertNil(sector.quartier)
        // « Centre-ville » exists in Alfortville and in Limeil-Brévannes: the commune decides.
        XCTAssertEqual(resolver.resolve(commune: "94044", area: "Centre-ville").quartier, "lim-centre")
        XCTAssertEqual(resolver.resolve(commune: "94002", area: "Centre-ville").quartier, "alf-centre")
    }

    func testAddressesWithAbbreviationsAndHouseNumberRanges() {
        // voies.csv: Avenue du Général de Gaulle, odd 1–99 → Palais, even 2–98 → Croix-des-Mèches, from 100 → Préfecture.
        XCTAssertEqual(resolver.resolve(commune: "94028", address: "15 av. du Gal de Gaulle").quartier, "cre-palais")
        XCTAssertEqual(resolver.resolve(commune: "94028", address: "16, AVENUE DU GENERAL-DE-GAULLE").quartier, "cre-croix-des-meches")
        XCTAssertEqual(resolver.resolve(commune: "94028", address: "120 bis avenue Général de Gaulle").quartier, "cre-prefecture")
        XCTAssertEqual(resolver.resolve(commune: "94028", address: "3 bd J. F. Kennedy").level, .commune) // not in the index
        XCTAssertEqual(resolver.resolve(commune: "94028", address: "3 bd John Fitzgerald Kennedy").quartier, "cre-mont-mesly")
        XCTAssertEqual(resolver.resolve(commune: "94044", address: "Av. St Martin").quartier, "lim-hetraie")
        XCTAssertEqual(resolver.resolve(commune: "94002", address: "rue etienne dolet").quartier, "alf-chantereine")
        XCTAssertEqual(resolver.resolve(commune: "94028", address: "12 rue Véron").level, .commune) // Rue Véron is in Alfortville
    }

    func testNamedPlacesResolveToTheirQuartier() {
        let stop = resolver.resolve(commune: "94028", placeName: "Créteil Préfecture")
        XCTAssertEqual(stop.quartier, "cre-prefecture")
        XCTAssertEqual(stop.level, .address)
        XCTAssertEqual(resolver.place(.residence, named: "residence des sablieres")?.id, "CH-SAB-03")
        XCTAssertEqual(resolver.place(.school, named: "0940001A")?.quartier, "cre-mont-mesly")
    }

    func testCoordinatesFallInTheirQuartierAndABoundaryPointGoesToTheFirstQuartierListed() throws {
        let palais = try XCTUnwrap(config.shapes.first { $0.quartier == "cre-palais" })
        let ring = try XCTUnwrap(palais.rings.first)
        let (minLon, maxLon) = (ring.map(\.lon).min() ?? 0, ring.map(\.lon).max() ?? 0)
        let (minLat, maxLat) = (ring.map(\.lat).min() ?? 0, ring.map(\.lat).max() ?? 0)
        let center = resolver.resolve(commune: "94028", lon: (minLon + maxLon) / 2, lat: (minLat + maxLat) / 2)
        XCTAssertEqual(center.quartier, "cre-palais")
        XCTAssertEqual(center.level, .coordinates)

        // The east edge of Palais is the west edge of Croix-des-Mèches (listed after it): it goes to Palais.
        let neighbour = try XCTUnwrap(config.shapes.first { $0.quartier == "cre-croix-des-meches" })
        XCTAssertEqual(neighbour.rings.first?.map(\.lon).min(), maxLon)
        let onEdge = QuartierShape.Point(lon: maxLon, lat: (minLat + maxLat) / 2)
        XCTAssertEqual(palais.position(of: onEdge), .onBoundary)
        XCTAssertEqual(neighbour.position(of: onEdge), .onBoundary)
        XCTAssertEqual(resolver.resolve(commune: "94028", lon: onEdge.lon, lat: onEdge.lat).quartier, "cre-palais")
        // A hair to the east is inside the neighbour.
        XCTAssertEqual(resolver.resolve(commune: "94028", lon: maxLon + 1e-6, lat: onEdge.lat).quartier, "cre-croix-des-meches")

        // Far away: the commune alone, « non localisé ».
        let outside = resolver.resolve(commune: "94028", lon: 2.0, lat: 48.0)
        XCTAssertEqual(outside.level, .commune)
        XCTAssertNil(outside.quartier)
    }

    func testTheOrderOfCluesIsQuartierThenAddressThenCoordinates() throws {
        let palais = try XCTUnwrap(config.shapes.first { $0.quartier == "cre-palais" }?.rings.first)
        let lon = (palais[0].lon + palais[1].lon) / 2, lat = (palais[0].lat + palais[2].lat) / 2
        let all = resolver.resolve(commune: "94028", area: "Sablières", address: "1 rue de Mesly", lon: lon, lat: lat)
        XCTAssertEqual(all.quartier, "cre-sablieres")
        XCTAssertEqual(all.level, .quartier)
        let addressAndPoint = resolver.resolve(commune: "94028", area: "inconnu", address: "1 rue de Mesly", lon: lon, lat: lat)
        XCTAssertEqual(addressAndPoint.quartier, "cre-village")
        XCTAssertEqual(addressAndPoint.level, .address)
    }

    func testStreetKeys() {
        XCTAssertEqual(StreetName.key("Av. du Gal de Gaulle"), StreetName.key("Avenue du Général-de-Gaulle"))
        XCTAssertEqual(StreetName.key("Bd Kennedy"), "boulevard kennedy")
        XCTAssertEqual(StreetName.key("St-Martin"), StreetName.key("Saint Martin"))
        XCTAssertEqual(StreetName.splitAddress("12 bis, rue de Mesly").number, 12)
        XCTAssertEqual(StreetName.splitAddress("12 bis, rue de Mesly").street, "rue de Mesly")
        XCTAssertNil(StreetName.splitAddress("place de la Mairie").number)
    }
}
