import FluentKit
import SQLKit

extension Database {
    /// Runs `body` only if this instance holds the lease `key` for the length of it: a transaction-scoped advisory
    /// lock on PostgreSQL, so one instance of many runs a job; on SQLite always (one process owns the file).
    package func withLease(key: Int, _ body: @escaping @Sendable () async throws -> Void) async throws {
        guard engine == .postgresql else { return try await body() }
        try await writeTransaction { db in
            let row = try await db.sql.raw("SELECT pg_try_advisory_xact_lock(\(bind: key)) AS held").first()
            guard try row?.decode(column: "held", as: Bool.self) == true else { return }
            try await body()
        }
    }
}

extension SQLDatabase {
    /// The clause that ends a SELECT claiming rows for this transaction: `FOR UPDATE SKIP LOCKED` on PostgreSQL, so
    /// two instances never claim one row; nothing on SQLite, where the write transaction already holds the lock.
    package var claimingRows: any SQLExpression {
        dialect.name == StorageEngine.postgresql.rawValue ? SQLRaw(" FOR UPDATE SKIP LOCKED") : SQLRaw("")
    }

    /// The clause that ends a SELECT locking its rows until the transaction ends: `FOR UPDATE` on PostgreSQL, so a second
    /// transaction on the same row (on any instance) waits its turn; nothing on SQLite, where the write transaction
    /// already holds the database.
    package var lockingRows: any SQLExpression {
        dialect.name == StorageEngine.postgresql.rawValue ? SQLRaw(" FOR UPDATE") : SQLRaw("")
    }

    /// The column type of an instant in hand-written DDL, as Fluent's `.datetime` stores it.
    package var instantColumnType: String { dialect.name == StorageEngine.sqlite.rawValue ? "REAL" : "TIMESTAMPTZ" }
}
