import Foundation
import VigieConfig
import VigieCore
import VigieFixtures

/// Large partner files for `make bench`, from a fixed seed: a police faits-marquants style
/// incidents CSV (French columns, `;`, dd/mm/yyyy, addresses from `voies.csv`, natures from the
/// mapping of `partners.yaml`), dated over ten years ending yesterday.
///
///     generate-bench-data --config Config --rows 1000000 --out fm_1m.csv [--seed 42] [--first-year 2016]
struct Arguments {
    var config = "Config"
    var rows = 100_000
    var out = "bench.csv"
    var seed: UInt64 = 42
    var years = 10

    init(_ list: [String]) throws {
        var it = list.makeIterator()
        while let flag = it.next() {
            guard let value = it.next() else { throw VigieError(.usage, "\(flag) attend une valeur") }
            switch flag {
            case "--config": config = value
            case "--rows": rows = Int(value) ?? rows
            case "--out": out = value
            case "--seed": seed = UInt64(value) ?? seed
            case "--years": years = Int(value) ?? years
            default: throw VigieError(.usage, "option inconnue \(flag)")
            }
        }
    }
}

do {
    let arguments = try Arguments(Array(CommandLine.arguments.dropFirst()))
    let config = try Configuration.load(from: URL(fileURLWithPath: arguments.config))
    let feed = try config.feed(partner: "police-nationale", feed: "faits-marquants")
    let natures = feed.natures.keys.sorted()
    let streets = config.streets
    let communes = Dictionary(uniqueKeysWithValues: config.territory.communes.map { ($0.insee, $0.name) })
    let weapons = ["non", "non", "non", "non", "couteau", "arme à feu"]
    let summaries = ["Faits constatés par l'équipage, victime prise en charge.", "Intervention sur appel, auteur en fuite.",
                     "Signalement d'un riverain, constatations effectuées.", "Interpellation, auteur placé en garde à vue."]
    var random = SeededRandom(seed: arguments.seed)
    let lastDay = Int(Date().timeIntervalSince1970 / 86_400) - 1
    let span = arguments.years * 365
    let header = ["Date des faits", "Heure", "Commune", "Lieu", "Nature", "Résumé", "Arme", "N° de procédure", "Nom de la victime"]
    var n = -1
    // Header first, then the rows one by one: the file is never whole in memory.
    let records = AnyIterator<[String]> {
        defer { n += 1 }
        if n < 0 { return header }
        guard n < arguments.rows else { return nil }
        let day = CivilDate(dayNumber: lastDay - Int(random.next() % UInt64(span)))
        let street = streets[Int(random.next() % UInt64(streets.count))]
        let number = 1 + Int(random.next() % 80)
        let minutes = Int(random.next() % 1440)
        return [
            String(format: "%02d/%02d/%04d", day.day, day.month, day.year),
            String(format: "%02d:%02d", minutes / 60, minutes % 60),
            communes[street.commune] ?? street.commune,
            "\(number) \(street.street)",
            natures[Int(random.next() % UInt64(natures.count))],
            summaries[Int(random.next() % UInt64(summaries.count))],
            weapons[Int(random.next() % UInt64(weapons.count))],
            "\(day.year)/\(n)",
            n % 3 == 0 ? "NOM\(n % 997)" : "",
        ]
    }
    try CSVWriter(delimiter: ";", encoding: .utf8).write(rows: records, to: URL(fileURLWithPath: arguments.out))
} catch {
    FileHandle.standardError.write(Data("generate-bench-data: \(error)\n".utf8))
    exit(2)
}
