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

        migrator.registerMigration("v2: incidents, daily aggregates, quartier of counts") { db in
            try db.execute(sql: """
                ALTER TABLE count_value ADD COLUMN quartier TEXT;

                -- One recorded event per row of an incident list, with the row it came from.
                -- An incident list covers one period (its submission's): a later list for the same
                -- period supersedes it whole. `day` is the date as a day number, for fast ranges.
                CREATE TABLE incident (
                    id INTEGER PRIMARY KEY,
                    submission_id INTEGER NOT NULL REFERENCES submission(id),
                    date TEXT NOT NULL,
                    day INTEGER NOT NULL,
                    time_minutes INTEGER,
                    commune TEXT NOT NULL,
                    sector TEXT,
                    quartier TEXT,
                    place_level TEXT NOT NULL,
                    place_text TEXT,
                    nature TEXT NOT NULL,
                    category TEXT,
                    description TEXT,
                    weapon INTEGER,
                    target TEXT,
                    follow_up TEXT,
                    line TEXT,
                    channel TEXT,
                    reference TEXT,
                    extra TEXT,
                    sheet TEXT,
                    source_row INTEGER NOT NULL
                );
                CREATE INDEX incident_by_submission ON incident(submission_id);
                CREATE INDEX incident_by_day ON incident(day);

                -- Daily counts by place and category, written in the same transaction as the
                -- incidents: what the bulletins read instead of millions of rows.
                CREATE TABLE incident_daily (
                    submission_id INTEGER NOT NULL REFERENCES submission(id),
                    day INTEGER NOT NULL,
                    commune TEXT NOT NULL,
                    quartier TEXT NOT NULL DEFAULT '',
                    category TEXT NOT NULL DEFAULT '',
                    nature TEXT NOT NULL,
                    n INTEGER NOT NULL,
                    PRIMARY KEY (submission_id, day, commune, quartier, category, nature)
                ) WITHOUT ROWID;
                CREATE INDEX incident_daily_by_day ON incident_daily(day);
                """)
        }

        migrator.registerMigration("v3: sector in daily aggregates, comments, bulletins issued") { db in
            try db.execute(sql: """
                -- Doléances are placed by secteur only: the daily aggregate keeps the secteur too.
                CREATE TABLE incident_daily_v3 (
                    submission_id INTEGER NOT NULL REFERENCES submission(id),
                    day INTEGER NOT NULL,
                    commune TEXT NOT NULL,
                    sector TEXT NOT NULL DEFAULT '',
                    quartier TEXT NOT NULL DEFAULT '',
                    category TEXT NOT NULL DEFAULT '',
                    nature TEXT NOT NULL,
                    n INTEGER NOT NULL,
                    PRIMARY KEY (submission_id, day, commune, sector, quartier, category, nature)
                ) WITHOUT ROWID;
                INSERT INTO incident_daily_v3 (submission_id, day, commune, sector, quartier, category, nature, n)
                SELECT submission_id, day, commune, COALESCE(sector, ''), COALESCE(quartier, ''), COALESCE(category, ''), nature, COUNT(*)
                FROM incident
                GROUP BY submission_id, day, commune, COALESCE(sector, ''), COALESCE(quartier, ''), COALESCE(category, ''), nature;
                DROP TABLE incident_daily;
                ALTER TABLE incident_daily_v3 RENAME TO incident_daily;
                CREATE INDEX incident_daily_by_day ON incident_daily(day);

                -- The coordinator's comments, attached to one bulletin: its kind, its period and
                -- its commune (NULL: the territory, or every commune of a weekly).
                CREATE TABLE comment (
                    id INTEGER PRIMARY KEY,
                    bulletin TEXT NOT NULL,
                    period TEXT NOT NULL,
                    commune TEXT,
                    text TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE INDEX comment_by_bulletin ON comment(bulletin, period);

                -- Every bulletin written: what, for which period and scope, the hash of its
                -- content, and its figures (JSON: key → value), so that the next issue can mark
                -- the figures a resubmission changed (« révisé »).
                CREATE TABLE bulletin_issue (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL,
                    period TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    content_sha256 TEXT NOT NULL,
                    figures TEXT NOT NULL,
                    issued_at TEXT NOT NULL
                );
                CREATE INDEX bulletin_issue_by_key ON bulletin_issue(kind, period, scope);
                """)
        }

        migrator.registerMigration("v4: dispatch log") { db in
            try db.execute(sql: """
                -- Every message handed to a transport: which bulletin, to whom, the message's
                -- SHA-256, the transport and what it answered. `sent` only when the transport
                -- returned success; `outbox` for a dry run; `failed` with the transport's error.
                CREATE TABLE dispatch (
                    id INTEGER PRIMARY KEY,
                    bulletin TEXT NOT NULL,
                    period TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    recipients TEXT NOT NULL,
                    message_sha256 TEXT NOT NULL,
                    transport TEXT NOT NULL,
                    at TEXT NOT NULL,
                    result TEXT NOT NULL CHECK (result IN ('sent', 'outbox', 'failed')),
                    error TEXT
                );
                CREATE INDEX dispatch_by_bulletin ON dispatch(bulletin, period, scope);
                """)
        }

        migrator.registerMigration("v5: data requests and the audit log") { db in
            try db.execute(sql: """
                -- A request for data (DESIGN §10): who asks, for what use, which feeds
                -- ("partner/feed", comma-separated), period, area and grouping.
                CREATE TABLE data_request (
                    id TEXT PRIMARY KEY,
                    year INTEGER NOT NULL,
                    number INTEGER NOT NULL,
                    requester TEXT NOT NULL,
                    purpose TEXT NOT NULL,
                    feeds TEXT NOT NULL,
                    from_period TEXT NOT NULL,
                    to_period TEXT NOT NULL,
                    area TEXT,
                    by_level TEXT NOT NULL,
                    columns TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    fulfilled_at TEXT,
                    UNIQUE (year, number)
                );

                -- Each data owner's answer, for all its feeds in the request. `rules` holds the
                -- reservation rules the extract applies, comma-separated.
                CREATE TABLE request_answer (
                    request_id TEXT NOT NULL REFERENCES data_request(id),
                    owner TEXT NOT NULL,
                    decision TEXT NOT NULL CHECK (decision IN ('pending', 'granted', 'refused')),
                    reason TEXT,
                    reservation TEXT,
                    rules TEXT NOT NULL DEFAULT '',
                    answered_at TEXT,
                    PRIMARY KEY (request_id, owner)
                );

                -- Every step of every request, in order. Append-only: the triggers refuse any
                -- change or deletion, so what was done can always be shown later.
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    event TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    detail TEXT NOT NULL
                );
                CREATE INDEX audit_by_request ON audit(request_id);
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
                BEGIN SELECT RAISE(ABORT, 'le journal d''audit ne se modifie pas'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                BEGIN SELECT RAISE(ABORT, 'le journal d''audit ne s''efface pas'); END;
                """)
        }

        migrator.registerMigration("v6: monthly aggregates of incidents") { db in
            try db.execute(sql: """
                -- The daily aggregate summed by month, so that monthly figures read a number of
                -- rows that stops growing with the incidents (a month has at most one row per
                -- place, category and nature). `day` is the first day of the month, so queries
                -- group and filter both tables with the same columns.
                CREATE TABLE incident_monthly (
                    submission_id INTEGER NOT NULL REFERENCES submission(id),
                    day INTEGER NOT NULL,
                    commune TEXT NOT NULL,
                    sector TEXT NOT NULL DEFAULT '',
                    quartier TEXT NOT NULL DEFAULT '',
                    category TEXT NOT NULL DEFAULT '',
                    nature TEXT NOT NULL,
                    n INTEGER NOT NULL,
                    PRIMARY KEY (submission_id, day, commune, sector, quartier, category, nature)
                ) WITHOUT ROWID;
                INSERT INTO incident_monthly (submission_id, day, commune, sector, quartier, category, nature, n)
                SELECT submission_id, CAST(strftime('%s', day * 86400, 'unixepoch', 'start of month') AS INTEGER) / 86400,
                       commune, sector, quartier, category, nature, SUM(n)
                FROM incident_daily GROUP BY 1, 2, 3, 4, 5, 6, 7;
                CREATE INDEX incident_monthly_by_day ON incident_monthly(day);
                """)
        }

        migrator.registerMigration("v7: reclassifications") { db in
            try db.execute(sql: """
                -- What vigie reclassify changed: per feed and nature, how many rows loaded « non
                -- classé » (incidents or counted values, in every file of the feed) took the
                -- category partners.yaml now gives the nature, and when.
                CREATE TABLE reclassification (
                    id INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    partner TEXT NOT NULL,
                    feed TEXT NOT NULL,
                    nature TEXT NOT NULL,
                    category TEXT NOT NULL,
                    rows_changed INTEGER NOT NULL
                );
                """)
        }

        migrator.registerMigration("v8: approvals of bulletin mails") { db in
            try db.execute(sql: """
                -- The coordinator's approval of a bulletin mail (vigie mail weekly --approve): the
                -- SHA-256 of the content the recipients read (subject, addresses, text, HTML,
                -- attachments), when and by whom. The last approval of a bulletin, period and scope
                -- holds; a message whose content differs from it is not sent.
                CREATE TABLE approval (
                    id INTEGER PRIMARY KEY,
                    bulletin TEXT NOT NULL,
                    period TEXT NOT NULL,
                    scope TEXT NOT NULL,
                    content_sha256 TEXT NOT NULL,
                    at TEXT NOT NULL,
                    approved_by TEXT NOT NULL
                );
                CREATE INDEX approval_by_bulletin ON approval(bulletin, period, scope);
                """)
        }

        migrator.registerMigration("v9: web accounts, sessions and audit") { db in
            try db.execute(sql: """
                -- The accounts of the web application (vigie user add): a bcrypt hash, never the
                -- password. A disabled account cannot log in; its sessions are deleted.
                CREATE TABLE web_user (
                    login TEXT PRIMARY KEY,
                    name TEXT,
                    role TEXT NOT NULL CHECK (role IN ('coordinateur', 'assistant')),
                    password_hash TEXT NOT NULL,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    created_at TEXT NOT NULL
                );

                -- Open sessions: the SHA-256 of the cookie's random id (the id itself is only in
                -- the browser), the CSRF token of its forms, when it ends (UTC).
                CREATE TABLE web_session (
                    id_sha256 TEXT PRIMARY KEY,
                    login TEXT NOT NULL REFERENCES web_user(login),
                    csrf TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL
                );
                CREATE INDEX web_session_by_login ON web_session(login);

                -- Every account change and every form sent through the web, with who did it.
                -- Append-only, like the requests' audit.
                CREATE TABLE web_audit (
                    id INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    login TEXT NOT NULL,
                    action TEXT NOT NULL,
                    detail TEXT NOT NULL
                );
                CREATE TRIGGER web_audit_no_update BEFORE UPDATE ON web_audit
                BEGIN SELECT RAISE(ABORT, 'le journal d''audit ne se modifie pas'); END;
                CREATE TRIGGER web_audit_no_delete BEFORE DELETE ON web_audit
                BEGIN SELECT RAISE(ABORT, 'le journal d''audit ne s''efface pas'); END;
                """)
        }

        migrator.registerMigration("v10: an index of the natures not classified") { db in
            // The to-do's « non classé » list read every incident (a full scan, seconds once a
            // store holds millions of rows); only the few rows without a category are indexed.
            try db.execute(sql: "CREATE INDEX incident_unclassified ON incident(submission_id, nature) WHERE category IS NULL")
        }

        migrator.registerMigration("v11: accounts of partners and elected officials") { db in
            // A partner's account sees its own data (partner: its partners.yaml id); an elected
            // official's reads the bulletins of its communes (INSEE codes, separated by spaces).
            // SQLite cannot change a CHECK: the table is rebuilt (foreign keys are checked at the
            // end of the migration, and web_session names the table, not its rows' place).
            try db.execute(sql: """
                CREATE TABLE web_user_new (
                    login TEXT PRIMARY KEY,
                    name TEXT,
                    role TEXT NOT NULL CHECK (role IN ('coordinateur', 'assistant', 'partenaire', 'elu')),
                    partner TEXT,
                    communes TEXT NOT NULL DEFAULT '',
                    password_hash TEXT NOT NULL,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    created_at TEXT NOT NULL,
                    CHECK ((role = 'partenaire') = (partner IS NOT NULL)),
                    CHECK ((role = 'elu') = (communes <> ''))
                );
                INSERT INTO web_user_new (login, name, role, password_hash, disabled, created_at)
                    SELECT login, name, role, password_hash, disabled, created_at FROM web_user;
                DROP TABLE web_user;
                ALTER TABLE web_user_new RENAME TO web_user;
                """)
        }

        migrator.registerMigration("v12: partners' API tokens") { db in
            // A partner system's bearer token: only its SHA-256 is kept (the token is printed once);
            // revoked tokens stay, for the audit, and no longer open anything.
            try db.execute(sql: """
                CREATE TABLE api_token (
                    id INTEGER PRIMARY KEY,
                    partner TEXT NOT NULL,
                    sha256 TEXT NOT NULL UNIQUE,
                    label TEXT,
                    created_at TEXT NOT NULL,
                    revoked_at TEXT
                );
                """)
        }

        migrator.registerMigration("v13: elected officials' asks for a diagnostic") { db in
            // An elected official asks the coordinator for a diagnostic of a place and months; the
            // coordinator marks it done. Place and months as typed, checked by the use case.
            try db.execute(sql: """
                CREATE TABLE diagnostic_ask (
                    id INTEGER PRIMARY KEY,
                    login TEXT NOT NULL,
                    place TEXT NOT NULL,
                    from_month TEXT NOT NULL,
                    to_month TEXT NOT NULL,
                    note TEXT,
                    asked_at TEXT NOT NULL,
                    done_at TEXT,
                    done_by TEXT
                );
                """)
        }

        migrator.registerMigration("v14: aggregates keyed by day first") { db in
            // The bulletins read the aggregates by day range: keyed by day first, the table is its
            // own by-day index, and a load no longer writes a second copy of every row into one.
            // Same rows, same columns; only the key's order changes.
            for table in ["incident_daily", "incident_monthly"] {
                try db.execute(sql: """
                    CREATE TABLE \(table)_v14 (
                        day INTEGER NOT NULL,
                        submission_id INTEGER NOT NULL REFERENCES submission(id),
                        commune TEXT NOT NULL,
                        sector TEXT NOT NULL DEFAULT '',
                        quartier TEXT NOT NULL DEFAULT '',
                        category TEXT NOT NULL DEFAULT '',
                        nature TEXT NOT NULL,
                        n INTEGER NOT NULL,
                        PRIMARY KEY (day, submission_id, commune, sector, quartier, category, nature)
                    ) WITHOUT ROWID;
                    INSERT INTO \(table)_v14 (day, submission_id, commune, sector, quartier, category, nature, n)
                    SELECT day, submission_id, commune, sector, quartier, category, nature, n FROM \(table);
                    DROP TABLE \(table);
                    ALTER TABLE \(table)_v14 RENAME TO \(table);
                    """)
            }
        }

        migrator.registerMigration("v15: the daily aggregate read from the incidents") { db in
            // A load wrote nearly one daily row per incident (713,708 for a million): the table cost
            // a third of a load and duplicated what the incidents and their by-day index already
            // give. Day ranges are now counted on the incidents (whole months on incident_monthly);
            // incident_daily stays, as a view with the same rows, for whoever reads it.
            try db.execute(sql: """
                DROP TABLE incident_daily;
                CREATE VIEW incident_daily AS
                    SELECT day, submission_id, commune, COALESCE(sector, '') AS sector, COALESCE(quartier, '') AS quartier,
                           COALESCE(category, '') AS category, nature, COUNT(*) AS n
                    FROM incident
                    GROUP BY day, submission_id, commune, COALESCE(sector, ''), COALESCE(quartier, ''), COALESCE(category, ''), nature;
                """)
        }

        migrator.registerMigration("v16: no index of the incidents by file") { db in
            // No query reads the incidents of a file: they read a day range (incident_by_day) or the
            // natures not classified (incident_unclassified), and nothing deletes a file's rows. The
            // index cost every load one B-tree insert per row and 10 MB per million rows.
            try db.execute(sql: "DROP INDEX incident_by_submission")
        }

        return migrator
    }
}
