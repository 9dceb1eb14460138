import Fluent
import SQLKit

/// Each officer's open cases and when they were last given one, kept by the database itself (triggers on
/// `cases`): the duty officer for a new case (PKPA 1/2008 §4d(5)) is chosen by load from one row per officer
/// on duty, not from a count of every open case they hold, which grows with the backlog.
struct AddCaseOfficerLoad: AsyncMigration {
    static let table = "case_officer_load"

    /// The statements that move `row`'s officer by `delta` open cases; joining also stamps the assignment time.
    private static func adjust(_ row: String, _ delta: String, stamp: Bool, sqlite: Bool) -> String {
        let last = stamp ? """
            , last_assigned_at = CASE WHEN \(row).assigned_at IS NULL THEN last_assigned_at
                WHEN last_assigned_at IS NULL OR \(row).assigned_at > last_assigned_at THEN \(row).assigned_at ELSE last_assigned_at END
            """ : ""
        // Make the row if it is missing, then count (SQLite triggers take no upsert).
        let insert = sqlite ? "INSERT OR IGNORE INTO \(table)" : "INSERT INTO \(table)"
        return """
            \(insert) (staff_id, open_cases, last_assigned_at) VALUES (\(row).assigned_to, 0, NULL)\(sqlite ? "" : " ON CONFLICT (staff_id) DO NOTHING");
            UPDATE \(table) SET open_cases = open_cases \(delta) 1\(last) WHERE staff_id = \(row).assigned_to;
            """
    }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        let sqlite = sql.dialect.name == "sqlite"
        let open = AddCaseListIndexes.openStatusList
        try await sql.raw("""
            CREATE TABLE \(unsafeRaw: Self.table) (staff_id UUID PRIMARY KEY, open_cases INTEGER NOT NULL,
            last_assigned_at \(unsafeRaw: sqlite ? "REAL" : "TIMESTAMPTZ"))
            """).run()
        if sqlite {
            func trigger(_ name: String, _ event: String, _ row: String, _ delta: String, stamp: Bool) -> SQLQueryString {
                """
                CREATE TRIGGER \(unsafeRaw: name) AFTER \(unsafeRaw: event) ON cases
                WHEN \(unsafeRaw: row).assigned_to IS NOT NULL AND \(unsafeRaw: row).status IN \(unsafeRaw: open)
                BEGIN \(unsafeRaw: Self.adjust(row, delta, stamp: stamp, sqlite: true)) END
                """
            }
            try await sql.raw(trigger("cases_load_insert", "INSERT", "NEW", "+", stamp: true)).run()
            try await sql.raw(trigger("cases_load_leave", "UPDATE OF assigned_to, status", "OLD", "-", stamp: false)).run()
            try await sql.raw(trigger("cases_load_join", "UPDATE OF assigned_to, status", "NEW", "+", stamp: true)).run()
            try await sql.raw(trigger("cases_load_delete", "DELETE", "OLD", "-", stamp: false)).run()
        } else {
            try await sql.raw("""
                CREATE FUNCTION layan_case_officer_load() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.assigned_to IS NOT NULL AND OLD.status IN \(unsafeRaw: open) THEN
                    \(unsafeRaw: Self.adjust("OLD", "-", stamp: false, sqlite: false))
                  END IF;
                  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.assigned_to IS NOT NULL AND NEW.status IN \(unsafeRaw: open) THEN
                    \(unsafeRaw: Self.adjust("NEW", "+", stamp: true, sqlite: false))
                  END IF;
                  RETURN NULL;
                END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER cases_officer_load AFTER INSERT OR UPDATE OF assigned_to, status OR DELETE ON cases
                FOR EACH ROW EXECUTE FUNCTION layan_case_officer_load()
                """).run()
        }
        try await sql.raw("""
            INSERT INTO \(unsafeRaw: Self.table) (staff_id, open_cases, last_assigned_at)
            SELECT assigned_to, SUM(CASE WHEN status IN \(unsafeRaw: open) THEN 1 ELSE 0 END), MAX(assigned_at)
            FROM cases WHERE assigned_to IS NOT NULL GROUP BY assigned_to
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
        if sql.dialect.name == "sqlite" {
            for name in ["insert", "leave", "join", "delete"] { try await sql.raw("DROP TRIGGER cases_load_\(unsafeRaw: name)").run() }
        } else {
            try await sql.raw("DROP TRIGGER cases_officer_load ON cases").run()
            try await sql.raw("DROP FUNCTION layan_case_officer_load()").run()
        }
        try await sql.drop(table: Self.table).run()
    }
}
