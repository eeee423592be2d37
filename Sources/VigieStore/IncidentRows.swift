import Foundation
import VigieCore

/// A batch of incidents ready for the store: their rows as `incident`'s INSERT binds them, and
/// the aggregate rows due with them.
struct IncidentRows: PreparedIncidents {
    static let insert = """
        INSERT INTO incident (submission_id, date, day, time_minutes, commune, sector, quartier, place_level, place_text,
                              nature, category, description, weapon, target, follow_up, line, channel, reference, extra,
                              sheet, source_row)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let width = 21

    var incidents: EncodedRows
    var aggregates: [AggregateTally.Rows]
}

/// Encodes one file's incidents and counts their aggregates: everything of a load that needs no
/// store, so that the reading thread does it (`IncidentPreparer`).
struct StoreIncidentPreparer: IncidentPreparer {
    private let submissionID: Int64
    private var rows: EncodedRows
    private var tally: AggregateTally
    /// Incidents per batch when they are added one by one.
    static let batchSize = 1024

    init(submissionID: Int64, tallyLimit: Int = 1 << 15) {
        self.submissionID = submissionID
        rows = EncodedRows(width: IncidentRows.width)
        tally = AggregateTally(limit: tallyLimit)
    }

    var pending: Int { rows.count }

    mutating func add(_ incident: IncidentFact) throws {
        let extra = incident.extra.isEmpty ? nil : String(decoding: try JSONSerialization.data(
            withJSONObject: incident.extra, options: [.sortedKeys]), as: UTF8.self)
        rows.add(submissionID); rows.add(incident.date.description); rows.add(incident.date.dayNumber); rows.add(incident.time)
        rows.add(incident.place.commune); rows.add(incident.place.sector); rows.add(incident.place.quartier)
        rows.add(incident.place.level.rawValue); rows.add(incident.placeText); rows.add(incident.nature); rows.add(incident.category)
        rows.add(incident.description); rows.add(incident.weapon); rows.add(incident.target); rows.add(incident.followUp)
        rows.add(incident.line); rows.add(incident.channel); rows.add(incident.reference); rows.add(extra)
        rows.add(incident.source.sheet); rows.add(incident.source.row)
        tally.add(incident)
    }

    mutating func take(final: Bool) -> (any PreparedIncidents)? {
        let aggregates = tally.take(final: final)
        guard !rows.isEmpty || !aggregates.isEmpty else { return nil }
        defer { rows = EncodedRows(width: IncidentRows.width) }
        return IncidentRows(incidents: rows, aggregates: aggregates)
    }
}
