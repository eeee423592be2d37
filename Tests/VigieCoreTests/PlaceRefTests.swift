import VigieCore
import XCTest

final class PlaceRefTests: XCTestCase {
    let territory = Territory(name: "T", communes: [
        Commune(insee: "94002", name: "Alfortville", population: 10, aliases: ["Alfort"], sectors: [
            Sector(id: "alfortville-sud", name: "Alfortville Sud", quartiers: [
                Quartier(id: "alf-sud", name: "Alfortville Sud", population: 5, aliases: ["Quartier Sud"]),
                Quartier(id: "alf-port", name: "Port-à-l'Anglais", population: 5),
            ]),
        ]),
        Commune(insee: "94028", name: "Créteil", population: 10, sectors: [
            Sector(id: "creteil-sud", name: "Créteil Sud", quartiers: [Quartier(id: "cre-sablieres", name: "Sablières", population: 10)]),
        ]),
    ], services: [])

    func testAPlaceIsFoundByCodeIdNameOrAliasWhateverTheCaseAndAccents() throws {
        XCTAssertEqual(try territory.place("94028"), .commune("94028"))
        XCTAssertEqual(try territory.place("CRETEIL"), .commune("94028"))
        XCTAssertEqual(try territory.place("alfort"), .commune("94002"))
        XCTAssertEqual(try territory.place("port a l anglais"), .quartier("alf-port"))
        XCTAssertEqual(try territory.place("Sablieres", levels: [.quartier]), .quartier("cre-sablieres"))
        XCTAssertEqual(try territory.place("creteil-sud"), .secteur("creteil-sud"))
        XCTAssertEqual(try territory.place("quartier:Alfortville Sud"), .quartier("alf-sud"))
        XCTAssertEqual(try territory.place("Secteur:alfortville sud"), .secteur("alfortville-sud"))
    }

    func testAnAmbiguousNameOrAWrongOneSaysWhatToWrite() {
        XCTAssertThrowsError(try territory.place("Alfortville Sud")) { error in
            let text = (error as? VigieError)?.description ?? ""
            XCTAssertTrue(text.contains("désigne plusieurs lieux"), text)
            XCTAssertTrue(text.contains("secteur:alfortville-sud") && text.contains("quartier:alf-sud"), text)
        }
        XCTAssertThrowsError(try territory.place("Creteuil", levels: [.commune])) { error in
            let text = (error as? VigieError)?.description ?? ""
            XCTAssertTrue(text.hasPrefix("commune inconnue « Creteuil »"), text)
            XCTAssertTrue(text.contains("Les noms les plus proches : Créteil, Alfortville"), text)
        }
        XCTAssertThrowsError(try territory.place("secteur:creteil-sud", levels: [.commune, .quartier]))
    }
}
