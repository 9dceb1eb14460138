import FluentKit
import SQLKit

extension Database {
    /// Inside a write transaction: holds a lock on each key until the transaction ends, so transactions naming the same
    /// key run one after another, on every instance (PostgreSQL advisory locks, taken in one order so two never wait on
    /// each other in a circle). SQLite's write transactions already run one at a time.
    package func lockUntilCommit(_ keys: [String]) async throws {
        guard engine == .postgresql else { return }
        for key in Set(keys).sorted() {
            try await sql.raw("SELECT pg_advisory_xact_lock(hashtext(\(bind: key)))").run()
        }
    }
}
