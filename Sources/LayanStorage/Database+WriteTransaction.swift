import FluentKit

extension Database {
    /// A transaction that holds the write lock from its first statement: on SQLite a job of the write queue
    /// (`SQLiteWriteQueue`: `BEGIN IMMEDIATE`, one batch at a time), so two connections cannot both read and
    /// then both try to write (design.md); an ordinary transaction on PostgreSQL, where writers use row locks
    /// and compare-and-set updates.
    package func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        // The direct driver's own method, called on its type (the protocol's async `transaction` goes through a
        // future and an extra task); every SQLite transaction is already a write-queue job there.
        guard let direct = self as? DirectSQLiteDatabase else { return try await transaction(body) }
        return try await direct.transaction(body)
    }
}
