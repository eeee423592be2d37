import Foundation
import VigieConfig
import VigieCore
import VigieFixtures
import VigieIngest

/// The police's monthly local état 4001 for the three communes, January 2024 to October 2026.
/// Volumes follow the real public workbook: for each index, the mean of 2018–2020 of the service
/// that covers the commune (Limeil-Brévannes: its share of the Boissy-Saint-Léger service by
/// population), with a mild seasonality and a yearly trend, drawn from a Poisson law.
/// Most months are Windows-1252 `;` CSV with a title row; one month in four is an XLSX.
struct Etat4001Sample {
    let config: Configuration
    let workbook: URL

    /// Commune column label → (service in the workbook, share of the service's figures).
    static let columns: [(label: String, service: String, share: Double)] = [
        ("Alfortville", "DTSP94 ALFORTVILLE", 1.0),
        ("Créteil", "DTSP94 CRETEIL", 1.0),
        // Limeil-Brévannes is about 28,200 of the 71,000 inhabitants the Boissy-Saint-Léger service covers.
        ("Limeil-Brévannes", "DTSP94 BOISSY ST LEGER", 28_200.0 / 71_000.0),
    ]

    func write(to root: URL) throws -> [URL] {
        let yearly = try yearlyMeans()
        let folder = root.appendingPathComponent("police-nationale/etat4001")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var random = SeededRandom(seed: 4001)
        var written: [URL] = []
        var month = Period.month(2024, 1)
        while month <= .month(2026, 10) {
            guard case .month(let y, let m) = month else { break }
            let trend = 1.0 + 0.03 * Double(y - 2024)
            let season = 1.0 + 0.12 * sin(2 * Double.pi * Double(m - 4) / 12)
            var rows: [[String]] = []
            for index in 1...107 {
                guard let entry = config.nomenclature.index4001[index] else { continue }
                var values: [Int] = []
                for column in Self.columns {
                    let mean = entry.used ? (yearly[column.service]?[index] ?? 0) * column.share / 12 * trend * season : 0
                    values.append(random.poisson(mean))
                }
                rows.append([String(index), entry.publishedLabel] + values.map(String.init) + [String(values.reduce(0, +))])
            }
            let title = "État 4001 — Plaine Centrale — \(Period.monthNames[m - 1]) \(y)"
            let header = ["Index", "Libellé"] + Self.columns.map(\.label) + ["Total"]
            let name = "etat4001_\(month)"
            if m % 4 == 2 {
                let url = folder.appendingPathComponent(name + ".xlsx")
                let sheetRows: [[XLSXValue]] = [[.text(title)], []] + [header.map { .text($0) }] + rows.map { row in
                    row.enumerated().map { i, v in i == 1 ? .text(v) : .number(Double(v) ?? 0) }
                }
                try XLSXWriter.write(url, sheets: [(name: "4001 \(Period.monthNames[m - 1]) \(y)", rows: sheetRows)])
                written.append(url)
            } else {
                let url = folder.appendingPathComponent(name + ".csv")
                try CSVWriter.write(url, rows: [[title], []] + [header] + rows, delimiter: ";", encoding: .windows1252)
                written.append(url)
            }
            month = Period.month(y + (m == 12 ? 1 : 0), m == 12 ? 1 : m + 1)
        }
        return written
    }

    /// Mean yearly count per index for each service of `columns`, over 2018–2020, read from the workbook.
    func yearlyMeans() throws -> [String: [Int: Double]] {
        let services = Set(Self.columns.map(\.service))
        var sums: [String: [Int: Double]] = [:]
        let reader = try XLSXReader(url: workbook)
        let years = ["Services PN 2018", "Services PN 2019", "Services PN 2020"]
        for sheet in years {
            var columnOf: [Int: String] = [:]
            try reader.forEachRow(inSheet: sheet) { row in
                if row[0].text == "Code index" {
                    for (i, cell) in row.cells.enumerated() where services.contains(cell.text) { columnOf[i] = cell.text }
                } else if let index = Int(row[0].text), !columnOf.isEmpty {
                    for (i, service) in columnOf {
                        sums[service, default: [:]][index, default: 0] += Double(row[i].text) ?? 0
                    }
                }
            }
        }
        return sums.mapValues { $0.mapValues { $0 / Double(years.count) } }
    }
}
