import FluentKit
import PostgresNIO

extension Database {
    /// A transaction that holds the write lock from its first statement: on SQLite a job of the write queue
    /// (`SQLiteWriteQueue`: `BEGIN IMMEDIATE`, one batch at a time), so two connections cannot both read and
    /// then both try to write (design.md); on PostgreSQL, where writers use row locks and compare-and-set updates,
    /// one that fails at once when its connection is lost (`PostgresTransaction`). Capability code uses this, never
    /// Fluent's `transaction` (StorageSeamTests).
    package func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        // The direct driver's own method, called on its type (the protocol's async `transaction` goes through a
        // future and an extra task); every SQLite transaction is already a write-queue job there.
        if let direct = self as? DirectSQLiteDatabase { return try await direct.transaction(body) }
        guard self is any PostgresDatabase, !inTransaction else { return try await transaction(body) }
        return try await PostgresTransaction.run(on: self, body)
    }
}
