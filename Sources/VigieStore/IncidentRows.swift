import Foundation
import VigieCore

/// A batch of incidents ready for the store: their rows as `incident`'s INSERT binds them, and
/// what the monthly tally counts of each (its texts shared, not copied).
struct IncidentRows: PreparedIncidents {
    static let insert = """
        INSERT INTO incident (submission_id, date, day, time_minutes, commune, sector, quartier, place_level, place_text,
                              nature, category, description, weapon, target, follow_up, line, channel, reference, extra,
                              sheet, source_row)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let width = 21

    var incidents: EncodedRows
    var tallied: [AggregateTally.Input]
}

/// Encodes one file's incidents: everything of a load that needs no store, so that the reading
/// thread does it (`IncidentPreparer`). The monthly tally is counted by the store's thread, which
/// has time to spare while the reading thread parses and checks the next rows.
struct StoreIncidentPreparer: IncidentPreparer {
    private let submissionID: Int64
    private var rows: EncodedRows
    private var tallied: [AggregateTally.Input] = []
    /// Incidents per batch when they are added one by one.
    static let batchSize = 1024

    init(submissionID: Int64) {
        self.submissionID = submissionID
        rows = EncodedRows(width: IncidentRows.width)
    }

    var pending: Int { rows.count }

    mutating func add(_ incident: IncidentFact) throws {
        let extra = incident.extra.isEmpty ? nil : String(decoding: try JSONSerialization.data(
            withJSONObject: incident.extra, options: [.sortedKeys]), as: UTF8.self)
        rows.add(submissionID); rows.add(incident.date); rows.add(incident.date.dayNumber); rows.add(incident.time)
        rows.add(incident.place.commune); rows.add(incident.place.sector); rows.add(incident.place.quartier)
        rows.add(incident.place.level.rawValue); rows.add(incident.placeText); rows.add(incident.nature); rows.add(incident.category)
        rows.add(incident.description); rows.add(incident.weapon); rows.add(incident.target); rows.add(incident.followUp)
        rows.add(incident.line); rows.add(incident.channel); rows.add(incident.reference); rows.add(extra)
        rows.add(incident.source.sheet); rows.add(incident.source.row)
        tallied.append(AggregateTally.Input(incident))
    }

    mutating func take(final: Bool) -> (any PreparedIncidents)? {
        guard !rows.isEmpty else { return nil }
        defer { rows = EncodedRows(width: IncidentRows.width); tallied = [] }
        return IncidentRows(incidents: rows, tallied: tallied)
    }
}
