import SQLKit

/// A count the database keeps itself with row triggers on a table, on both engines (SQLite triggers; one
/// PL/pgSQL function on PostgreSQL), so a hot path reads one row instead of counting, and no code path can
/// forget to update it. `adjust` writes the statements that move `row`'s count by `delta` ("+" or "-"); they
/// run only for rows `counts` accepts, leaving on UPDATE/DELETE (OLD) and joining on INSERT/UPDATE (NEW).
struct KeptCount: Sendable {
    let source: String
    /// The columns whose change can move a row in or out of the count.
    let watched: String
    /// SQLite's four triggers are named `<prefix>_insert|leave|join|delete`.
    let sqliteTriggerPrefix: String
    let postgresFunction: String
    let postgresTrigger: String
    let counts: @Sendable (_ row: String) -> String
    let adjust: @Sendable (_ row: String, _ delta: String, _ sqlite: Bool) -> String

    private static let sqliteTriggers = ["insert", "leave", "join", "delete"]

    func install(on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "sqlite" {
            let events = ["INSERT", "UPDATE OF \(watched)", "UPDATE OF \(watched)", "DELETE"]
            let rows = ["NEW", "OLD", "NEW", "OLD"], deltas = ["+", "-", "+", "-"]
            for i in 0..<4 {
                try await sql.raw("""
                    CREATE TRIGGER \(unsafeRaw: sqliteTriggerPrefix)_\(unsafeRaw: Self.sqliteTriggers[i]) AFTER \(unsafeRaw: events[i]) ON \(unsafeRaw: source)
                    WHEN \(unsafeRaw: counts(rows[i])) BEGIN \(unsafeRaw: adjust(rows[i], deltas[i], true)) END
                    """).run()
            }
        } else {
            try await sql.raw("""
                CREATE FUNCTION \(unsafeRaw: postgresFunction)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') AND \(unsafeRaw: counts("OLD")) THEN
                    \(unsafeRaw: adjust("OLD", "-", false))
                  END IF;
                  IF TG_OP IN ('INSERT', 'UPDATE') AND \(unsafeRaw: counts("NEW")) THEN
                    \(unsafeRaw: adjust("NEW", "+", false))
                  END IF;
                  RETURN NULL;
                END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: postgresTrigger) AFTER INSERT OR UPDATE OF \(unsafeRaw: watched) OR DELETE ON \(unsafeRaw: source)
                FOR EACH ROW EXECUTE FUNCTION \(unsafeRaw: postgresFunction)()
                """).run()
        }
    }

    func remove(on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "sqlite" {
            for name in Self.sqliteTriggers { try await sql.raw("DROP TRIGGER \(unsafeRaw: sqliteTriggerPrefix)_\(unsafeRaw: name)").run() }
        } else {
            try await sql.raw("DROP TRIGGER \(unsafeRaw: postgresTrigger) ON \(unsafeRaw: source)").run()
            try await sql.raw("DROP FUNCTION \(unsafeRaw: postgresFunction)()").run()
        }
    }

    /// Makes the counted row when it is missing (SQLite triggers take no upsert, so both engines do it this way).
    static func ensureRow(in table: String, columns: String, values: String, sqlite: Bool) -> String {
        sqlite ? "INSERT OR IGNORE INTO \(table) (\(columns)) VALUES (\(values));"
            : "INSERT INTO \(table) (\(columns)) VALUES (\(values)) ON CONFLICT DO NOTHING;"
    }
}
