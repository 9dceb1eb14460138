import NIOConcurrencyHelpers
import VaporCSQLite

/// SQLite's `synchronous` setting in WAL mode: FULL survives a power cut, NORMAL only a crash of the process.
public enum SQLiteSynchronous: String, Sendable {
    case full, normal
}

/// Per-connection SQLite settings, applied through SQLite's auto-extension hook: the SQLite driver does
/// not let us run statements when it opens a connection, and SQLite calls this for every connection it opens.
/// design.md: WAL, busy_timeout=5000, foreign_keys=ON; synchronous FULL unless the agency chooses NORMAL.
enum SQLiteConnectionSettings {
    /// mmap: readers map the file instead of copying pages in, which every write by another connection
    /// would otherwise make them do again (measured: a tenth of the CPU of a ticket issue). temp_store: the
    /// savepoint journal of each job in a write batch stays in memory instead of a temporary file per batch.
    static let others = "PRAGMA foreign_keys=ON; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
    /// One mode per process: SQLite's auto-extension is process-wide. The last application configured sets it.
    private static let synchronous = NIOLockedValueBox(SQLiteSynchronous.full)
    static var statements: String { "PRAGMA synchronous=\(synchronous.withLockedValue { $0 }.rawValue.uppercased()); " + others }
    static let busyTimeoutMilliseconds: Int32 = 5000

    private static let installed: Void = {
        typealias EntryPoint = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, OpaquePointer?) -> Int32
        let entry: EntryPoint = { db, _, _ in
            sqlite_nio_sqlite3_busy_timeout(db, SQLiteConnectionSettings.busyTimeoutMilliseconds)
            return sqlite_nio_sqlite3_exec(db, SQLiteConnectionSettings.statements, nil, nil, nil)
        }
        sqlite_nio_sqlite3_auto_extension(unsafeBitCast(entry, to: (@convention(c) () -> Void).self))
    }()

    static func installOnEveryConnection(synchronous mode: SQLiteSynchronous) {
        synchronous.withLockedValue { $0 = mode }
        _ = installed
    }
}
