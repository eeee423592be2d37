import Foundation
import VigieCore
@testable import VigiePipeline
import XCTest

/// Reading on one thread and writing on another gives the sink exactly what writing in place
/// gives; an error on either side stops both and is the one thrown.
final class HandOffSinkTests: XCTestCase {
    /// Records what it receives, in order; answers a withdraw with the value of the count it takes back.
    final class Recorder: BatchSink {
        var log: [String] = []
        var counts: [SourceRef: Int] = [:]
        var failAt: Int?
        let thread = Thread.current

        func record(_ line: String) throws {
            XCTAssertTrue(Thread.current == thread, "the sink is written from the calling thread only")
            if let failAt, log.count == failAt { throw VigieError(.store, "disque plein (essai)") }
            log.append(line)
        }
        func add(_ count: CountFact) throws {
            try record("count \(count.code) \(count.value) row \(count.source.row)")
            counts[count.source] = count.value
        }
        func withdraw(count source: SourceRef) throws -> Int? {
            try record("withdraw row \(source.row)")
            return counts.removeValue(forKey: source)
        }
        func add(_ incident: IncidentFact) throws { try record("incident") }
        func reject(_ reject: RejectFact) throws { try record("reject row \(reject.row ?? -1) \(reject.reason)") }
        func declare(period: Period) throws { try record("period \(period)") }
    }

    /// A file of `rows` rows as an adapter would give it: counts, a reject every 7th row, a key
    /// given again every 500th (withdrawn, its value added to the new one), the period at the end.
    static func adapter(rows: Int, failAt: Int? = nil, produced: ProducedCounter? = nil) -> (BatchSink) throws -> AdapterSummary {
        { sink in
            let unit = ReportingUnit(id: "u", commune: "94028")
            for row in 1...rows {
                if let failAt, row == failAt { throw VigieError(.input, "ligne \(row) illisible (essai)") }
                produced?.count = row
                if row % 7 == 0 {
                    try sink.reject(RejectFact(sheet: nil, row: row, column: "B", value: "x", reason: "valeur illisible"))
                    continue
                }
                var value = row % 13
                if row % 500 == 0, let earlier = try sink.withdraw(count: SourceRef(sheet: nil, row: row - 1, column: "C")) {
                    value += earlier
                }
                try sink.add(CountFact(period: .month(2026, 10), unit: unit, code: "c\(row % 5)", category: nil, value: value,
                                       source: SourceRef(sheet: nil, row: row, column: "C")))
            }
            try sink.declare(period: .month(2026, 10))
            return AdapterSummary(rowsRead: rows, rowsRejected: rows / 7, layout: "essai")
        }
    }

    final class ProducedCounter: @unchecked Sendable { var count = 0 }

    func testTheSinkGetsWhatTheAdapterGivesInItsOrder() throws {
        let direct = Recorder(), handedOff = Recorder()
        let expected = try Self.adapter(rows: 20_000)(direct)
        let summary = try HandOffSink.run(into: handedOff, read: Self.adapter(rows: 20_000))
        XCTAssertEqual(summary, expected)
        XCTAssertEqual(handedOff.log.count, direct.log.count)
        XCTAssertEqual(handedOff.log, direct.log)
        XCTAssertEqual(handedOff.counts, direct.counts, "withdrawn values answered in order")
        XCTAssertEqual(direct.log.filter { $0.hasPrefix("withdraw") }.count, 20_000 / 500 - 20_000 / 3500)
    }

    func testAnAdapterErrorIsThrownOnceWhatCameBeforeIsWritten() throws {
        let sink = Recorder()
        XCTAssertThrowsError(try HandOffSink.run(into: sink, read: Self.adapter(rows: 20_000, failAt: 3_000))) { error in
            XCTAssertEqual((error as? VigieError)?.kind, .input)
            XCTAssertEqual((error as? VigieError)?.message, "ligne 3000 illisible (essai)")
        }
        let direct = Recorder()
        XCTAssertThrowsError(try Self.adapter(rows: 20_000, failAt: 3_000)(direct))
        XCTAssertEqual(sink.log, direct.log, "every fact read before the error was handed over")
    }

    func testASinkErrorStopsTheReadingAndIsTheOneThrown() throws {
        let sink = Recorder()
        sink.failAt = 1_500
        let produced = ProducedCounter()
        XCTAssertThrowsError(try HandOffSink.run(into: sink, read: Self.adapter(rows: 200_000, produced: produced))) { error in
            XCTAssertEqual((error as? VigieError)?.message, "disque plein (essai)")
        }
        XCTAssertEqual(sink.log.count, 1_500)
        XCTAssertLessThan(produced.count, 200_000, "the reading stopped")
    }

    /// Records incidents through a preparer, as the store does: what it prepared reaches the sink
    /// in file order between the other facts, the last take (`final`) once, after every incident.
    final class PreparingRecorder: BatchSink {
        var log: [String] = []
        let thread = Thread.current

        struct Prepared: PreparedIncidents { var lines: [String] }
        struct Preparer: IncidentPreparer {
            let sinkThread: Thread
            var lines: [String] = []
            var pending: Int { lines.count }
            mutating func add(_ incident: IncidentFact) throws {
                XCTAssertFalse(Thread.current == sinkThread, "incidents are prepared on the reading thread")
                lines.append("incident row \(incident.source.row)")
            }
            mutating func take(final: Bool) -> (any PreparedIncidents)? {
                defer { lines = [] }
                return Prepared(lines: lines + (final ? ["final"] : []))
            }
        }

        func add(_ count: CountFact) throws { XCTFail("no counts here") }
        func withdraw(count source: SourceRef) throws -> Int? { nil }
        func add(_ incident: IncidentFact) throws { XCTFail("incidents come prepared") }
        func reject(_ reject: RejectFact) throws { log.append("reject row \(reject.row ?? -1)") }
        func declare(period: Period) throws { log.append("period \(period)") }
        func incidentPreparer() -> (any IncidentPreparer)? { Preparer(sinkThread: thread) }
        func write(_ prepared: any PreparedIncidents) throws {
            XCTAssertTrue(Thread.current == thread, "the sink is written from the calling thread only")
            log.append(contentsOf: (prepared as! Prepared).lines)
        }
    }

    func testPreparedIncidentsReachTheSinkInFileOrder() throws {
        let rows = 5_000
        let sink = PreparingRecorder()
        _ = try HandOffSink.run(into: sink) { sink in
            for row in 1...rows {
                if row % 11 == 0 {
                    try sink.reject(RejectFact(sheet: nil, row: row, column: "A", value: nil, reason: "date manquante"))
                } else {
                    try sink.add(IncidentFact(date: CivilDate(year: 2026, month: 10, day: 1)!, place: ResolvedPlace(commune: "94028", sector: nil, quartier: nil, level: .commune),
                                              nature: "Vol", category: nil, source: SourceRef(sheet: nil, row: row, column: "A")))
                }
            }
            try sink.declare(period: .month(2026, 10))
            return AdapterSummary(rowsRead: rows, rowsRejected: rows / 11, layout: "essai")
        }
        let expected = (1...rows).map { $0 % 11 == 0 ? "reject row \($0)" : "incident row \($0)" } + ["period 2026-10", "final"]
        XCTAssertEqual(sink.log, expected)
    }
}
