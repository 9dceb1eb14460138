import FluentSQLiteDriver
import PostgresNIO


/// Whether an error says the disk under the database is full (issue #21, item 1): SQLite's SQLITE_FULL, PostgreSQL's
/// `disk_full` (53100), not the rest of class 53 (too many connections, out of memory). The write is refused whole —
/// SQLite rolls the transaction back, PostgreSQL aborts it — so nothing is half-written, reads go on, and writes work
/// again once space returns.
package enum StorageFull {
    package static func matches(_ error: any Error) -> Bool {
        switch error {
        case let direct as DirectSQLiteError: direct.isFull
        case let sqlite as SQLiteError: sqlite.reason == .full
        case let psql as PSQLError: psql.code == .server && psql.serverInfo?[.sqlState] == "53100"
        default: false
        }
    }
}
