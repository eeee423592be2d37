import PostgresNIO
import VigieCore

/// The hub's schema, `vigie_hub`, created and migrated by `vigie hub init`, version by version
/// like the store's: each migration runs once, in a transaction, and is recorded in
/// `vigie_hub.migration`. A hub newer than this program is refused, never downgraded.
///
/// Roles: `vigie_hub_observatoires` (a group: each observatory's login role is a member; row-level
/// security lets it read and write only the rows of the observatory it is registered for) and
/// `vigie_hub_analystes` (a group: the département's analysts read everything, write nothing).
///
/// Every statement here is a `PostgresQuery`: its `\(…)` interpolations are sent as bound
/// parameters ($1, $2 …), never spliced into the SQL text.
public enum HubSchema {
    public struct Migration: Sendable {
        public var version: Int
        public var description: String
        var statements: [PostgresQuery]
    }

    /// The group of the observatories' login roles, and the analysts' group.
    public static let observatoriesGroup = "vigie_hub_observatoires"
    public static let analystsGroup = "vigie_hub_analystes"

    public static var currentVersion: Int { migrations.last?.version ?? 0 }

    /// The data tables, each with an `observatory` column and row-level security on it.
    static let dataTables = ["population", "fact", "comparable", "etat4001", "completeness", "period_digest", "publication"]

    static var migrations: [Migration] {
        [
            Migration(version: 1, description: "schéma, rôles, sécurité par ligne", statements: [
                """
                DO $$ BEGIN
                  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigie_hub_observatoires') THEN
                    CREATE ROLE vigie_hub_observatoires NOLOGIN;
                  END IF;
                  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vigie_hub_analystes') THEN
                    CREATE ROLE vigie_hub_analystes NOLOGIN;
                  END IF;
                END $$
                """,
                """
                CREATE TABLE vigie_hub.observatory (
                  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
                  role_name text NOT NULL UNIQUE,
                  name text NOT NULL DEFAULT '',
                  min_cell integer,
                  published_at timestamptz)
                """,
                """
                CREATE TABLE vigie_hub.publication (
                  id bigserial PRIMARY KEY,
                  observatory text NOT NULL REFERENCES vigie_hub.observatory(id),
                  published_at timestamptz NOT NULL DEFAULT now(),
                  periods_replaced integer NOT NULL,
                  periods_removed integer NOT NULL,
                  rows_written integer NOT NULL)
                """,
                """
                CREATE TABLE vigie_hub.period_digest (
                  observatory text NOT NULL REFERENCES vigie_hub.observatory(id),
                  dataset text NOT NULL CHECK (dataset IN ('population', 'fact', 'etat4001', 'completeness')),
                  period text NOT NULL,
                  sha256 text NOT NULL,
                  publication bigint NOT NULL REFERENCES vigie_hub.publication(id),
                  PRIMARY KEY (observatory, dataset, period))
                """,
                """
                CREATE TABLE vigie_hub.population (
                  observatory text NOT NULL REFERENCES vigie_hub.observatory(id),
                  commune text NOT NULL,
                  quartier text NOT NULL DEFAULT '',
                  name text NOT NULL,
                  population integer NOT NULL CHECK (population >= 0),
                  publication bigint NOT NULL REFERENCES vigie_hub.publication(id),
                  PRIMARY KEY (observatory, commune, quartier))
                """,
                """
                CREATE TABLE vigie_hub.fact (
                  observatory text NOT NULL REFERENCES vigie_hub.observatory(id),
                  month text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
                  commune text NOT NULL,
                  quartier text NOT NULL DEFAULT '',
                  category text NOT NULL,
                  value integer CHECK (value >= 0),
                  state text NOT NULL CHECK (state IN ('published', 'zero', 'suppressed')),
                  shown text NOT NULL,
                  submissions bigint[] NOT NULL,
                  publication bigint NOT NULL REFERENCES vigie_hub.publication(id),
                  CHECK ((state = 'suppressed') = (value IS NULL)),
                  PRIMARY KEY (observatory, month, commune, quartier, category))
                """,
                "CREATE INDEX fact_month ON vigie_hub.fact (month, category, quartier)",
                """
                CREATE TABLE vigie_hub.etat4001 (
                  observatory text NOT NULL REFERENCES vigie_hub.observatory(id),
                  month text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
                  unit text NOT NULL,
                  commune text NOT NULL DEFAULT '',
                  index integer NOT NULL CHECK (index BETWEEN 1 AND 107),
                  value integer CHECK (value >= 0),
                  state text NOT NULL CHECK (state IN ('published', 'zero', 'suppressed')),
                  shown text NOT NULL,
                  submission bigint NOT NULL,
                  publication bigint NOT NULL REFERENCES vigie_hub.publication(id),
                  CHECK ((state = 'suppressed') = (value IS NULL)),
                  PRIMARY KEY (observatory, month, unit, index))
                """,
                "CREATE INDEX etat4001_month ON vigie_hub.etat4001 (month)",
                """
                CREATE TABLE vigie_hub.completeness (
                  observatory text NOT NULL REFERENCES vigie_hub.observatory(id),
                  feed text NOT NULL,
                  label text NOT NULL,
                  role text NOT NULL CHECK (role IN ('fact', 'etat4001')),
                  month text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
                  state text NOT NULL CHECK (state IN ('reçu', 'non reçu', 'attendu')),
                  submissions bigint[] NOT NULL,
                  publication bigint NOT NULL REFERENCES vigie_hub.publication(id),
                  PRIMARY KEY (observatory, feed, month))
                """,
                "CREATE INDEX completeness_month ON vigie_hub.completeness (month)",
                // The observatory the connected login role writes for (session_user: the login,
                // whatever SET ROLE says). SECURITY DEFINER: it reads the registry whatever the policies.
                """
                CREATE FUNCTION vigie_hub.own_observatory() RETURNS text
                  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
                  AS $$ SELECT id FROM vigie_hub.observatory WHERE role_name = session_user $$
                """,
                // Login roles for the observatories and analysts. The name and the password are
                // parameters; format() quotes them for the utility statement.
                """
                CREATE FUNCTION vigie_hub.create_login(p_role text, p_password text, p_group text) RETURNS void
                  LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
                BEGIN
                  IF p_group NOT IN ('vigie_hub_observatoires', 'vigie_hub_analystes') THEN
                    RAISE EXCEPTION 'groupe inconnu : %', p_group;
                  END IF;
                  IF p_role !~ '^[a-z_][a-z0-9_]{0,62}$' THEN
                    RAISE EXCEPTION 'nom de rôle invalide : %', p_role USING ERRCODE = '22023';
                  END IF;
                  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_role) THEN
                    EXECUTE format('CREATE ROLE %I LOGIN', p_role);
                  END IF;
                  IF p_password IS NOT NULL THEN
                    EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', p_role, p_password);
                  END IF;
                  EXECUTE format('GRANT %I TO %I', p_group, p_role);
                END $$
                """,
                "REVOKE ALL ON FUNCTION vigie_hub.create_login(text, text, text) FROM PUBLIC",
                "GRANT USAGE ON SCHEMA vigie_hub TO vigie_hub_observatoires, vigie_hub_analystes",
                "GRANT SELECT ON ALL TABLES IN SCHEMA vigie_hub TO vigie_hub_analystes",
                "GRANT SELECT ON vigie_hub.migration TO vigie_hub_observatoires",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON vigie_hub.population, vigie_hub.fact, vigie_hub.etat4001, vigie_hub.completeness, vigie_hub.period_digest TO vigie_hub_observatoires",
                "GRANT SELECT, INSERT ON vigie_hub.publication TO vigie_hub_observatoires",
                "GRANT USAGE ON SEQUENCE vigie_hub.publication_id_seq TO vigie_hub_observatoires",
                "GRANT SELECT, UPDATE (name, min_cell, published_at) ON vigie_hub.observatory TO vigie_hub_observatoires",
                "GRANT EXECUTE ON FUNCTION vigie_hub.own_observatory() TO vigie_hub_observatoires, vigie_hub_analystes",
                // Row-level security: an observatory's role sees and writes its own rows only.
                "ALTER TABLE vigie_hub.observatory ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY own ON vigie_hub.observatory TO vigie_hub_observatoires USING (role_name = session_user) WITH CHECK (role_name = session_user)",
                "CREATE POLICY read ON vigie_hub.observatory FOR SELECT TO vigie_hub_analystes USING (true)",
                "ALTER TABLE vigie_hub.population ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY own ON vigie_hub.population TO vigie_hub_observatoires USING (observatory = (SELECT vigie_hub.own_observatory())) WITH CHECK (observatory = (SELECT vigie_hub.own_observatory()))",
                "CREATE POLICY read ON vigie_hub.population FOR SELECT TO vigie_hub_analystes USING (true)",
                "ALTER TABLE vigie_hub.fact ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY own ON vigie_hub.fact TO vigie_hub_observatoires USING (observatory = (SELECT vigie_hub.own_observatory())) WITH CHECK (observatory = (SELECT vigie_hub.own_observatory()))",
                "CREATE POLICY read ON vigie_hub.fact FOR SELECT TO vigie_hub_analystes USING (true)",
                "ALTER TABLE vigie_hub.etat4001 ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY own ON vigie_hub.etat4001 TO vigie_hub_observatoires USING (observatory = (SELECT vigie_hub.own_observatory())) WITH CHECK (observatory = (SELECT vigie_hub.own_observatory()))",
                "CREATE POLICY read ON vigie_hub.etat4001 FOR SELECT TO vigie_hub_analystes USING (true)",
                "ALTER TABLE vigie_hub.completeness ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY own ON vigie_hub.completeness TO vigie_hub_observatoires USING (observatory = (SELECT vigie_hub.own_observatory())) WITH CHECK (observatory = (SELECT vigie_hub.own_observatory()))",
                "CREATE POLICY read ON vigie_hub.completeness FOR SELECT TO vigie_hub_analystes USING (true)",
                "ALTER TABLE vigie_hub.period_digest ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY own ON vigie_hub.period_digest TO vigie_hub_observatoires USING (observatory = (SELECT vigie_hub.own_observatory())) WITH CHECK (observatory = (SELECT vigie_hub.own_observatory()))",
                "CREATE POLICY read ON vigie_hub.period_digest FOR SELECT TO vigie_hub_analystes USING (true)",
                "ALTER TABLE vigie_hub.publication ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY own ON vigie_hub.publication TO vigie_hub_observatoires USING (observatory = (SELECT vigie_hub.own_observatory())) WITH CHECK (observatory = (SELECT vigie_hub.own_observatory()))",
                "CREATE POLICY read ON vigie_hub.publication FOR SELECT TO vigie_hub_analystes USING (true)",
            ]),
            // Each month against the same month a year earlier, like for like (`HubComparable`):
            // the previous side is NULL when no fact feed owed anything a year earlier.
            Migration(version: 2, description: "comparaisons à sources égales", statements: [
                """
                CREATE TABLE vigie_hub.comparable (
                  observatory text NOT NULL REFERENCES vigie_hub.observatory(id),
                  month text NOT NULL CHECK (month ~ '^[0-9]{4}-[0-9]{2}$'),
                  commune text NOT NULL,
                  quartier text NOT NULL DEFAULT '',
                  category text NOT NULL,
                  current_value integer CHECK (current_value >= 0),
                  current_state text NOT NULL CHECK (current_state IN ('published', 'zero', 'suppressed')),
                  current_shown text NOT NULL,
                  previous_value integer CHECK (previous_value >= 0),
                  previous_state text CHECK (previous_state IN ('published', 'zero', 'suppressed')),
                  previous_shown text,
                  left_out text[] NOT NULL,
                  submissions bigint[] NOT NULL,
                  publication bigint NOT NULL REFERENCES vigie_hub.publication(id),
                  CHECK ((current_state = 'suppressed') = (current_value IS NULL)),
                  CHECK (CASE WHEN previous_state IS NULL THEN previous_value IS NULL AND previous_shown IS NULL
                              ELSE (previous_state = 'suppressed') = (previous_value IS NULL) AND previous_shown IS NOT NULL END),
                  PRIMARY KEY (observatory, month, commune, quartier, category))
                """,
                "CREATE INDEX comparable_month ON vigie_hub.comparable (month, category, quartier)",
                "ALTER TABLE vigie_hub.period_digest DROP CONSTRAINT period_digest_dataset_check",
                "ALTER TABLE vigie_hub.period_digest ADD CONSTRAINT period_digest_dataset_check CHECK (dataset IN ('population', 'fact', 'comparable', 'etat4001', 'completeness'))",
                "GRANT SELECT ON vigie_hub.comparable TO vigie_hub_analystes",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON vigie_hub.comparable TO vigie_hub_observatoires",
                "ALTER TABLE vigie_hub.comparable ENABLE ROW LEVEL SECURITY",
                "CREATE POLICY own ON vigie_hub.comparable TO vigie_hub_observatoires USING (observatory = (SELECT vigie_hub.own_observatory())) WITH CHECK (observatory = (SELECT vigie_hub.own_observatory()))",
                "CREATE POLICY read ON vigie_hub.comparable FOR SELECT TO vigie_hub_analystes USING (true)",
            ]),
        ]
    }

    /// The hub's version: 0 when the schema is not there yet.
    static func version(_ session: HubSession) async throws -> Int {
        let exists = try await session.run("SELECT to_regclass('vigie_hub.migration') IS NOT NULL")
        guard let row = exists.first, try row.decode(Bool.self) else { return 0 }
        let rows = try await session.run("SELECT COALESCE(MAX(version), 0)::bigint FROM vigie_hub.migration")
        return try rows.first?.decode(Int.self) ?? 0
    }

    /// Refuses a hub whose version is not this program's: newer (update Vigie) or older (vigie hub init).
    static func requireCurrent(_ session: HubSession) async throws {
        let version = try await version(session)
        if version > currentVersion { throw newer(version, session.address) }
        guard version == currentVersion else {
            throw VigieError(.usage, version == 0 ? "le hub \(session.address) n'est pas initialisé"
                                                  : "le hub \(session.address) est en version \(version), ce programme attend la version \(currentVersion)",
                             hint: "L'informatique du département lance vigie hub init --hub postgresql://administrateur@… pour le créer ou le mettre à jour.")
        }
    }

    static func newer(_ version: Int, _ address: HubAddress) -> VigieError {
        VigieError(.usage, "le hub \(address) est en version \(version), plus récente que ce programme (version \(currentVersion))",
                   hint: "Mettez Vigie à jour sur cette machine avant de publier ou de migrer ; le hub n'est jamais ramené à une version antérieure.")
    }

    /// Creates or migrates the schema; returns the versions applied. One transaction per
    /// migration, under an advisory lock so that two `hub init` at once apply each once.
    static func migrate(_ session: HubSession) async throws -> [Migration] {
        var applied: [Migration] = []
        try await session.transaction {
            try await session.run("SELECT pg_advisory_xact_lock(220022)")
            try await session.run("CREATE SCHEMA IF NOT EXISTS vigie_hub")
            try await session.run("""
                CREATE TABLE IF NOT EXISTS vigie_hub.migration (
                  version integer PRIMARY KEY, description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let version = try await version(session)
            if version > currentVersion { throw newer(version, session.address) }
            for migration in migrations where migration.version > version {
                for statement in migration.statements { try await session.run(statement) }
                try await session.run("INSERT INTO vigie_hub.migration (version, description) VALUES (\(migration.version), \(migration.description))")
                applied.append(migration)
            }
        }
        return applied
    }

    /// Creates (or updates the password of) an observatory's login role and registers it for
    /// the observatory `id`. Run by the hub's owner.
    static func addObservatory(_ session: HubSession, id: String, name: String, role: String, password: String?) async throws {
        try await requireCurrent(session)
        try await session.transaction {
            try await session.run("SELECT vigie_hub.create_login(\(role), \(password), \(observatoriesGroup))")
            try await session.run("""
                INSERT INTO vigie_hub.observatory (id, role_name, name) VALUES (\(id), \(role), \(name))
                ON CONFLICT (id) DO UPDATE SET role_name = EXCLUDED.role_name, name = EXCLUDED.name
                """)
        }
    }

    /// Creates (or updates the password of) an analyst's read-only login role.
    static func addAnalyst(_ session: HubSession, role: String, password: String?) async throws {
        try await requireCurrent(session)
        try await session.run("SELECT vigie_hub.create_login(\(role), \(password), \(analystsGroup))")
    }
}
