import SQLKit

/// A row trigger that runs the same statements on both engines (SQLite's trigger body; a PL/pgSQL function on
/// PostgreSQL), so a migration states what happens and not how each engine spells it.
package struct RowTrigger: Sendable {
    package enum Timing: String, Sendable { case before = "BEFORE", after = "AFTER" }

    let name: String
    let table: String
    let timing: Timing
    /// `INSERT`, `UPDATE`, `DELETE` or `UPDATE OF columns`.
    let event: String
    /// The statements, each ending in `;`, naming the row as `NEW` or `OLD`.
    let statements: String

    package init(name: String, table: String, timing: Timing = .after, on event: String, statements: String) {
        self.name = name
        self.table = table
        self.timing = timing
        self.event = event
        self.statements = statements
    }

    /// The PL/pgSQL function behind the trigger (PostgreSQL only).
    var function: String { "layan_" + name }

    package func install(on sql: any SQLDatabase, postgresFunction: String? = nil) async throws {
        if sql.dialect.name == StorageEngine.sqlite.rawValue {
            try await sql.raw("CREATE TRIGGER \(unsafeRaw: name) \(unsafeRaw: timing.rawValue) \(unsafeRaw: event) ON \(unsafeRaw: table) BEGIN \(unsafeRaw: statements) END").run()
        } else {
            let function = postgresFunction ?? self.function
            try await sql.raw("""
                CREATE FUNCTION \(unsafeRaw: function)() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN \(unsafeRaw: statements) RETURN NULL; END $$
                """).run()
            try await sql.raw("CREATE TRIGGER \(unsafeRaw: name) \(unsafeRaw: timing.rawValue) \(unsafeRaw: event) ON \(unsafeRaw: table) FOR EACH ROW EXECUTE FUNCTION \(unsafeRaw: function)()").run()
        }
    }

    package func remove(on sql: any SQLDatabase, postgresFunction: String? = nil) async throws {
        if sql.dialect.name == StorageEngine.sqlite.rawValue {
            try await sql.raw("DROP TRIGGER \(unsafeRaw: name)").run()
        } else {
            try await sql.raw("DROP TRIGGER \(unsafeRaw: name) ON \(unsafeRaw: table)").run()
            try await sql.raw("DROP FUNCTION \(unsafeRaw: postgresFunction ?? function)()").run()
        }
    }
}

/// A table the database itself refuses to change or delete rows of (the audit trail: design.md, append-only).
package struct AppendOnlyTable: Sendable {
    let table: String
    let message: String

    package init(_ table: String, message: String) {
        self.table = table
        self.message = message
    }

    package func install(on sql: any SQLDatabase) async throws {
        if sql.dialect.name == StorageEngine.postgresql.rawValue {
            try await sql.raw("""
                CREATE FUNCTION \(unsafeRaw: table)_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION '\(unsafeRaw: message)'; END $$
                """).run()
            try await sql.raw("""
                CREATE TRIGGER \(unsafeRaw: table)_no_change BEFORE UPDATE OR DELETE ON \(unsafeRaw: table)
                FOR EACH ROW EXECUTE FUNCTION \(unsafeRaw: table)_append_only()
                """).run()
        } else {
            try await sql.raw("CREATE TRIGGER \(unsafeRaw: table)_no_update BEFORE UPDATE ON \(unsafeRaw: table) BEGIN SELECT RAISE(ABORT, '\(unsafeRaw: message)'); END").run()
            try await sql.raw("CREATE TRIGGER \(unsafeRaw: table)_no_delete BEFORE DELETE ON \(unsafeRaw: table) BEGIN SELECT RAISE(ABORT, '\(unsafeRaw: message)'); END").run()
        }
    }

    /// Drops the table with its guard (PostgreSQL keeps the function apart from the table).
    package func drop(on sql: any SQLDatabase) async throws {
        try await sql.raw("DROP TABLE \(unsafeRaw: table)").run()
        if sql.dialect.name == StorageEngine.postgresql.rawValue {
            try await sql.raw("DROP FUNCTION \(unsafeRaw: table)_append_only()").run()
        }
    }
}
