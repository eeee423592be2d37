import Foundation
import XCTest

/// Checks of a store's state after a kill or a concurrent run, read with the sqlite3 shell, not Vigie.
extension CLI {
    /// What would show a file half loaded or loaded twice; empty when there is none. Every submission
    /// not refused holds `values_loaded` values (incidents and counts), `rows_loaded` incidents when it
    /// is an incident list, daily aggregates summing to its incidents, and at least one period; no
    /// incident, count, reject, aggregate or period hangs on a missing or refused submission; the same
    /// bytes for the same feed are loaded at most once.
    func storeProblems(db: String? = nil) throws -> String {
        try sql("""
            WITH s AS (
                SELECT id, file_name, rows_loaded, values_loaded,
                       (SELECT COUNT(*) FROM incident WHERE submission_id = submission.id) AS incidents,
                       (SELECT COUNT(*) FROM count_value WHERE submission_id = submission.id) AS counts,
                       (SELECT COALESCE(SUM(n), 0) FROM incident_daily WHERE submission_id = submission.id) AS daily,
                       (SELECT COUNT(*) FROM submission_period WHERE submission_id = submission.id) AS periods
                FROM submission WHERE status != 'refused')
            SELECT 'submission ' || id || ' (' || file_name || ') half loaded: ' || incidents || ' incidents, ' || counts
                   || ' counts, ' || daily || ' in daily aggregates, ' || periods || ' periods for ' || rows_loaded
                   || ' rows and ' || values_loaded || ' values recorded'
            FROM s
            WHERE values_loaded = 0 OR incidents + counts != values_loaded OR daily != incidents OR periods = 0
               OR (counts = 0 AND incidents != rows_loaded);
            WITH kept AS (SELECT id FROM submission WHERE status != 'refused')
            SELECT name || ': ' || n || ' row(s) without a loaded submission' FROM (
                SELECT 'incident' AS name, COUNT(*) AS n FROM incident WHERE submission_id NOT IN kept
                UNION ALL SELECT 'incident_daily', COUNT(*) FROM incident_daily WHERE submission_id NOT IN kept
                UNION ALL SELECT 'count_value', COUNT(*) FROM count_value WHERE submission_id NOT IN kept
                UNION ALL SELECT 'reject', COUNT(*) FROM reject WHERE submission_id NOT IN kept
                UNION ALL SELECT 'submission_period', COUNT(*) FROM submission_period WHERE submission_id NOT IN kept)
            WHERE n > 0;
            SELECT 'loaded ' || COUNT(*) || ' times: ' || partner || '/' || feed || ' ' || sha256
            FROM submission WHERE status != 'refused' GROUP BY partner, feed, sha256 HAVING COUNT(*) > 1;
            """, db: db)
    }

    /// Incidents stored per file name, for every submission not refused.
    func incidentsByFile(db: String? = nil) throws -> [String: Int] {
        let lines = try sql("""
            SELECT s.file_name || '|' || COUNT(i.id) FROM submission s LEFT JOIN incident i ON i.submission_id = s.id
            WHERE s.status != 'refused' GROUP BY s.id
            """, db: db).split(separator: "\n")
        return Dictionary(lines.map { line in
            let parts = line.split(separator: "|")
            return (String(parts[0]), Int(parts[1]) ?? -1)
        }, uniquingKeysWith: { a, b in a + b })
    }

    /// The SHA-256 of every data table's content, in a fixed order, with submissions named by
    /// their bytes rather than their number and without the times of receipt: equal for two
    /// stores that hold the same files with the same results.
    func contentDigest(db: String? = nil) throws -> String {
        let dump = """
            SELECT partner, feed, file_name, sha256, size, status, layout, rows_read, rows_loaded, rows_rejected,
                   values_loaded, message
            FROM submission ORDER BY partner, feed, sha256, status, file_name;
            SELECT s.sha256, p.period, p.period_start, p.period_end, (SELECT sha256 FROM submission WHERE id = p.superseded_by)
            FROM submission_period p JOIN submission s ON s.id = p.submission_id ORDER BY 1, 2;
            SELECT s.sha256, i.date, i.day, i.time_minutes, i.commune, i.sector, i.quartier, i.place_level, i.place_text,
                   i.nature, i.category, i.description, i.weapon, i.target, i.follow_up, i.line, i.channel, i.reference,
                   i.extra, i.sheet, i.source_row
            FROM incident i JOIN submission s ON s.id = i.submission_id ORDER BY s.sha256, i.sheet, i.source_row;
            SELECT s.sha256, d.day, d.commune, d.sector, d.quartier, d.category, d.nature, d.n
            FROM incident_daily d JOIN submission s ON s.id = d.submission_id ORDER BY 1, 2, 3, 4, 5, 6, 7;
            SELECT s.sha256, c.period, c.unit, c.commune, c.quartier, c.code, c.category, c.value, c.sheet, c.source_row,
                   c.source_column
            FROM count_value c JOIN submission s ON s.id = c.submission_id ORDER BY 1, 2, 3, 5, 6, 9, 10, 11;
            SELECT s.sha256, r.sheet, r.source_row, r.source_column, r.value, r.reason
            FROM reject r JOIN submission s ON s.id = r.submission_id ORDER BY 1, 2, 3, 4, 6;
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-o", "pipefail", "-c", "sqlite3 -cmd '.timeout 30000' \"$0\" \"$1\" | sha256sum", db ?? self.db, dump]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "sqlite3 | sha256sum")
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
