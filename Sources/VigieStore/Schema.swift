import GRDB

/// The store's schema, as a list of migrations to read top to bottom. A migration, once
/// released, is never edited: a change is a new migration appended to the list.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()

        migrator.registerMigration("v1: ledger, counts, rejects") { db in
            // The ledger: one row per file received, whatever became of it.
            try db.execute(sql: """
                CREATE TABLE submission (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    partner TEXT NOT NULL,
                    feed TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    received_at TEXT NOT NULL,
                    -- loaded | partly-superseded | superseded | refused
                    status TEXT NOT NULL,
                    layout TEXT,
                    rows_read INTEGER NOT NULL DEFAULT 0,
                    rows_loaded INTEGER NOT NULL DEFAULT 0,
                    rows_rejected INTEGER NOT NULL DEFAULT 0,
                    values_loaded INTEGER NOT NULL DEFAULT 0,
                    message TEXT
                );
                CREATE INDEX submission_by_content ON submission(partner, feed, sha256);

                -- The periods a submission covers. A later file for the same partner, feed and
                -- period supersedes it for that period: its rows stop counting, but stay.
                CREATE TABLE submission_period (
                    submission_id INTEGER NOT NULL REFERENCES submission(id),
                    period TEXT NOT NULL,
                    period_start TEXT NOT NULL,
                    period_end TEXT NOT NULL,
                    superseded_by INTEGER REFERENCES submission(id),
                    PRIMARY KEY (submission_id, period)
                ) WITHOUT ROWID;
                CREATE INDEX submission_period_current ON submission_period(period, superseded_by);

                -- Aggregated numbers, each with the row it came from.
                CREATE TABLE count_value (
                    id INTEGER PRIMARY KEY,
                    submission_id INTEGER NOT NULL REFERENCES submission(id),
                    period TEXT NOT NULL,
                    unit TEXT NOT NULL,
                    commune TEXT,
                    code TEXT NOT NULL,
                    category TEXT,
                    value INTEGER NOT NULL CHECK (value >= 0),
                    sheet TEXT,
                    source_row INTEGER NOT NULL,
                    source_column TEXT NOT NULL
                );
                CREATE INDEX count_value_by_submission ON count_value(submission_id, period);

                -- What could not be loaded, with where it was and why.
                CREATE TABLE reject (
                    id INTEGER PRIMARY KEY,
                    submission_id INTEGER NOT NULL REFERENCES submission(id),
                    sheet TEXT,
                    source_row INTEGER,
                    source_column TEXT,
                    value TEXT,
                    reason TEXT NOT NULL
                );
                CREATE INDEX reject_by_submission ON reject(submission_id);
                """)
        }

        return migrator
    }
}
