import Foundation
import VigieConfig
import VigieCore
import VigieIngest
import VigieStore

/// A table held in memory, read like a file: rows are numbered from 1 as a spreadsheet would.
struct MemoryTable: TableReader {
    var sheets: [(name: String?, rows: [[String]])]

    init(sheet: String? = nil, _ rows: [[String]]) { sheets = [(sheet, rows)] }
    init(sheets: [(name: String?, rows: [[String]])]) { self.sheets = sheets }

    func sheetNames() throws -> [String?] { sheets.map(\.name) }

    func forEachRow(inSheet sheet: String?, _ body: (SourceRow) throws -> Void) throws {
        guard let table = sheets.first(where: { $0.name == sheet }) else { return }
        for (i, row) in table.rows.enumerated() where !row.allSatisfy({ $0.isEmpty }) {
            try body(SourceRow(sheet: sheet, number: i + 1, cells: row.map { $0.isEmpty ? .empty : .text($0) }))
        }
    }
}

enum Fixture {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let workbook = repo.deletingLastPathComponent().appendingPathComponent("shared/data/etat4001-services-2012-2020.xlsx")

    static func config() throws -> Configuration {
        try Configuration.load(from: repo.appendingPathComponent("Config"))
    }

    /// The adapters' view of `config`, with today fixed at 23 November 2026.
    static func context(_ config: Configuration) -> IngestContext {
        IngestContext(territory: config.territory, nomenclature: config.nomenclature,
                      places: PlaceResolver(territory: config.territory, places: config.places, streets: config.streets, shapes: config.shapes),
                      today: CivilDate(dayNumber: 20_780)) // 2026-11-23
    }

    /// A new empty store in a private temporary folder.
    static func store() throws -> Store {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigie-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return try Store(path: dir.appendingPathComponent("vigie.sqlite").path)
    }

    /// A local monthly état 4001: title, blank row, header, one row per index 1–107 with
    /// `value(index, column)` in each commune column, and a Total column.
    static func localMonthly(title: String = "État 4001 — octobre 2026", communes: [String] = ["Alfortville", "Créteil", "Limeil-Brévannes"],
                             value: (Int, Int) -> Int) -> [[String]] {
        var rows: [[String]] = [[title], [], ["Index", "Libellé"] + communes + ["Total"]]
        for index in 1...107 {
            let used = ![96, 97, 99, 100].contains(index)
            let values = communes.indices.map { used ? value(index, $0) : 0 }
            rows.append([String(index), "libellé \(index)"] + values.map(String.init) + [String(values.reduce(0, +))])
        }
        return rows
    }
}

/// A sink that passes values to the store's sink and fails after `limit` of them: a disk that
/// fills, a process that dies, in the middle of a file.
final class FailingSink: BatchSink {
    struct InjectedFailure: Error {}
    let wrapped: BatchSink
    var remaining: Int

    init(_ wrapped: BatchSink, failAfter limit: Int) {
        self.wrapped = wrapped
        remaining = limit
    }

    func add(_ count: CountFact) throws {
        guard remaining > 0 else { throw InjectedFailure() }
        remaining -= 1
        try wrapped.add(count)
    }

    func add(_ incident: IncidentFact) throws {
        guard remaining > 0 else { throw InjectedFailure() }
        remaining -= 1
        try wrapped.add(incident)
    }

    func withdraw(count source: SourceRef) throws -> Int? { try wrapped.withdraw(count: source) }
    func reject(_ reject: RejectFact) throws { try wrapped.reject(reject) }
    func declare(period: Period) throws { try wrapped.declare(period: period) }
}
