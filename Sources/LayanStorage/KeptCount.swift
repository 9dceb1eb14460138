import SQLKit

/// A count the database keeps itself with row triggers on a table, on both engines (SQLite triggers; one
/// PL/pgSQL function on PostgreSQL), so a hot path reads one row instead of counting, and no code path can
/// forget to update it. `adjust` writes the statements that move `row`'s count by `delta` ("+" or "-"), after the
/// counted row is made if missing (`counter`); they run only for rows `counts` accepts, leaving on UPDATE/DELETE (OLD)
/// and joining on INSERT/UPDATE (NEW).
package struct KeptCount: Sendable {
    /// The row holding a count: its table, its columns, and their first values for a row of the source (`NEW`/`OLD`).
    package struct Counter: Sendable {
        let table: String
        let columns: String
        let values: @Sendable (_ row: String) -> String

        package init(table: String, columns: String, values: @escaping @Sendable (_ row: String) -> String) {
            self.table = table
            self.columns = columns
            self.values = values
        }
    }

    let source: String
    /// The columns whose change can move a row in or out of the count.
    let watched: String
    /// SQLite's four triggers are named `<prefix>_insert|leave|join|delete`.
    let sqliteTriggerPrefix: String
    let postgresFunction: String
    let postgresTrigger: String
    let counts: @Sendable (_ row: String) -> String
    /// Every count one source row moves (a row may be counted under several keys, e.g. by branch and by officer).
    let cells: [Cell]

    /// One counted row and the statements moving it.
    package struct Cell: Sendable {
        let counter: Counter
        let adjust: @Sendable (_ row: String, _ delta: String) -> String

        package init(counter: Counter, adjust: @escaping @Sendable (_ row: String, _ delta: String) -> String) {
            self.counter = counter
            self.adjust = adjust
        }
    }

    package init(source: String, watched: String, sqliteTriggerPrefix: String, postgresFunction: String, postgresTrigger: String,
                 counts: @escaping @Sendable (_ row: String) -> String, counter: Counter,
                 adjust: @escaping @Sendable (_ row: String, _ delta: String) -> String) {
        self.init(source: source, watched: watched, sqliteTriggerPrefix: sqliteTriggerPrefix, postgresFunction: postgresFunction,
                  postgresTrigger: postgresTrigger, counts: counts, cells: [Cell(counter: counter, adjust: adjust)])
    }

    package init(source: String, watched: String, sqliteTriggerPrefix: String, postgresFunction: String, postgresTrigger: String,
                 counts: @escaping @Sendable (_ row: String) -> String, cells: [Cell]) {
        self.source = source
        self.watched = watched
        self.sqliteTriggerPrefix = sqliteTriggerPrefix
        self.postgresFunction = postgresFunction
        self.postgresTrigger = postgresTrigger
        self.counts = counts
        self.cells = cells
    }

    /// The statements moving `row`'s counts: each counted row made when missing, then its `adjust`.
    private func statements(_ row: String, _ delta: String, sqlite: Bool) -> String {
        cells.map { cell in
            Self.ensureRow(in: cell.counter.table, columns: cell.counter.columns, values: cell.counter.values(row), sqlite: sqlite)
                + " " + cell.adjust(row, delta)
        }.joined(separator: " ")
    }

    private static let sqliteTriggers = ["insert", "leave", "join", "delete"]

    package func install(on sql: any SQLDatabase) async throws {
        if sql.dialect.name == StorageEngine.sqlite.rawValue {
            let events = ["INSERT", "UPDATE OF \(watched)", "UPDATE OF \(watched)", "DELETE"]
            let rows = ["NEW", "OLD", "NEW", "OLD"], deltas = ["+", "-", "+", "-"]
            for i in 0..<4 {
                try await sql.raw("""
                    CREATE TRIGGER \(unsafeRaw: sqliteTriggerPrefix)_\(unsafeRaw: Self.sqliteTriggers[i]) AFTER \(unsafeRaw: events[i]) ON \(unsafeRaw: source)
                    WHEN \(unsafeRaw: counts(rows[i])) BEGIN \(unsafeRaw: statements(rows[i], deltas[i], sqlite: true)) END
                    """).run()
            }
        } else {
            try await sql.raw("""
                CREATE FUNCTION \(unsafeRaw: postgresFunction)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF TG_OP IN ('UPDATE', 'DELETE') AND \(unsafeRaw: counts("OLD")) THEN
                    \(unsafeRaw: statements("OLD", "-", sqlite: false))
                  END IF;
                  IF TG_OP IN ('INSERT', 'UPDATE') AND \(unsafeRaw: counts("NEW")) THEN
                    \(unsafeRaw: statements("NEW", "+", sqlite: false))
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

    package func remove(on sql: any SQLDatabase) async throws {
        if sql.dialect.name == StorageEngine.sqlite.rawValue {
            for name in Self.sqliteTriggers { try await sql.raw("DROP TRIGGER \(unsafeRaw: sqliteTriggerPrefix)_\(unsafeRaw: name)").run() }
        } else {
            try await sql.raw("DROP TRIGGER \(unsafeRaw: postgresTrigger) ON \(unsafeRaw: source)").run()
            try await sql.raw("DROP FUNCTION \(unsafeRaw: postgresFunction)()").run()
        }
    }

    /// Makes the counted row when it is missing (SQLite triggers take no upsert, so both engines do it this way).
    private static func ensureRow(in table: String, columns: String, values: String, sqlite: Bool) -> String {
        sqlite ? "INSERT OR IGNORE INTO \(table) (\(columns)) VALUES (\(values));"
            : "INSERT INTO \(table) (\(columns)) VALUES (\(values)) ON CONFLICT DO NOTHING;"
    }
}
