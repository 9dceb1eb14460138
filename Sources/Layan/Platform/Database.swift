import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Vapor
import SQLKit
import VaporCSQLite

/// Opens the configured database. SQLite gets the settings design.md asks for on every connection.
enum LayanDatabase {
    static func configure(_ app: Application, target: DatabaseTarget) async throws {
        switch target {
        case let .sqlite(path):
            let url = URL(fileURLWithPath: path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            SQLiteConnectionSettings.installOnEveryConnection()
            app.databases.use(.directSQLite(path: path), as: .sqlite)
            // WAL is a property of the file, so once at boot is enough.
            try await (app.db as! any SQLDatabase).raw("PRAGMA journal_mode=WAL").run()
        case let .postgres(url):
            try app.databases.use(.postgres(url: url, maxConnectionsPerEventLoop: app.settings.postgresConnectionsPerEventLoop), as: .psql)
        }
    }
}

/// Per-connection SQLite settings, applied through SQLite's auto-extension hook: the SQLite driver does
/// not let us run statements when it opens a connection, and SQLite calls this for every connection it opens.
/// design.md: WAL, synchronous=NORMAL, busy_timeout=5000, foreign_keys=ON.
enum SQLiteConnectionSettings {
    /// mmap: readers map the file instead of copying pages in, which every write by another connection
    /// would otherwise make them do again (measured: a tenth of the CPU of a ticket issue). temp_store: the
    /// savepoint journal of each job in a write batch stays in memory instead of a temporary file per batch.
    static let statements = "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA mmap_size=268435456; PRAGMA temp_store=MEMORY;"
    static let busyTimeoutMilliseconds: Int32 = 5000

    private static let installed: Void = {
        typealias EntryPoint = @convention(c) (OpaquePointer?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, OpaquePointer?) -> Int32
        let entry: EntryPoint = { db, _, _ in
            sqlite_nio_sqlite3_busy_timeout(db, SQLiteConnectionSettings.busyTimeoutMilliseconds)
            return sqlite_nio_sqlite3_exec(db, SQLiteConnectionSettings.statements, nil, nil, nil)
        }
        sqlite_nio_sqlite3_auto_extension(unsafeBitCast(entry, to: (@convention(c) () -> Void).self))
    }()

    static func installOnEveryConnection() { _ = installed }
}

extension Database {
    /// A transaction that holds the write lock from its first statement: on SQLite a job of the write queue
    /// (`SQLiteWriteQueue`: `BEGIN IMMEDIATE`, one batch at a time), so two connections cannot both read and
    /// then both try to write (design.md); an ordinary transaction on PostgreSQL, where writers use row locks
    /// and compare-and-set updates.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        // The direct driver's own method, called on its type (the protocol's async `transaction` goes through a
        // future and an extra task); every SQLite transaction is already a write-queue job there.
        guard let direct = self as? DirectSQLiteDatabase else { return try await transaction(body) }
        return try await direct.transaction(body)
    }
}

extension SQLDatabase {
    /// INSERT of one row from (column, value) pairs; nil values are written as NULL. The hot write paths (a new
    /// ticket, a new case) use it instead of Fluent's `create`, whose reflection costs more than the statement.
    /// Written as one SQL string: names are ours (no quoting to escape), and SQLKit's builder escapes each
    /// identifier with string replacement, which showed in the profile of every new ticket.
    func insertRow(into table: String, _ values: KeyValuePairs<String, SQLValue>) async throws {
        try await insertRows(into: table, columns: values.map(\.key), [values.map(\.value)])
    }

    /// INSERT of several rows in one statement; each row lists its values in the order of `columns`.
    func insertRows(into table: String, columns: [String], _ rows: [[SQLValue]]) async throws {
        guard !rows.isEmpty else { return }
        try await InsertBatch(tables: [.init(table: table, columns: columns, values: rows)]).write(on: self)
    }
}

/// Rows for several tables, written as one unit: parents first, in the order they were added.
///
/// On PostgreSQL the batch is one statement, a data-modifying CTE per table, which is atomic by itself: the row
/// locks its triggers take (an officer's load) are held while it runs, not across round trips to Layan, where
/// every other request queued behind them (measured: case creation on PostgreSQL). Foreign keys are checked at
/// the statement's end, so children may name the parent inserted beside them. Elsewhere each table gets one
/// INSERT, inside the caller's transaction (on SQLite one write-queue job).
struct InsertBatch: Sendable {
    typealias Value = SQLValue

    struct Rows: Sendable {
        let table: String
        let columns: [String]
        var values: [[Value]]

        /// The INSERT with `?` placeholders, bound in order (`hotRows`). Appended piece by piece: `joined(separator:)`
        /// over the pieces cost more than the insert it writes.
        var text: String {
            var text = "INSERT INTO \""
            text.reserveCapacity(64 + columns.count * (24 + 3 * values.count))
            text += table
            text += "\" ("
            for (index, column) in columns.enumerated() {
                text += index == 0 ? "\"" : ", \""
                text += column
                text += "\""
            }
            text += ") VALUES "
            for row in values.indices {
                text += row == 0 ? "(?" : ", (?"
                for _ in columns.dropFirst() { text += ", ?" }
                text += ")"
            }
            return text
        }

        /// PostgreSQL: the INSERT taking its rows from `unnest` over one array per column, and those arrays. A column
        /// with no value in any row is written as NULL, as an array of it would have no element type to declare.
        var unnested: (text: String, values: [Value]) {
            var text = "INSERT INTO \"" + table + "\" ("
            var select = ") SELECT "
            var unnest = " FROM unnest("
            var names = ") AS u("
            var arrays: [Value] = []
            for (index, column) in columns.enumerated() {
                let comma = index == 0 ? "" : ", "
                text += comma + "\"" + column + "\""
                let cells = values.map { $0[index] }
                guard cells.contains(where: { $0 != nil }) else { select += comma + "NULL"; continue }
                select += comma + "u.c" + String(index)
                unnest += (arrays.isEmpty ? "?" : ", ?")
                names += (arrays.isEmpty ? "c" : ", c") + String(index)
                arrays.append(PostgresColumnArray(cells))
            }
            return (text + select + unnest + names + ")", arrays)
        }
    }

    private(set) var tables: [Rows] = []

    init(tables: [Rows] = []) { self.tables = tables }

    mutating func add(into table: String, columns: [String], _ row: [Value]) {
        if let index = tables.firstIndex(where: { $0.table == table && $0.columns == columns }) {
            tables[index].values.append(row)
        } else {
            tables.append(Rows(table: table, columns: columns, values: [row]))
        }
    }

    /// Another batch's rows after these, table by table.
    mutating func append(_ other: InsertBatch) {
        for rows in other.tables {
            for row in rows.values { add(into: rows.table, columns: rows.columns, row) }
        }
    }

    /// One INSERT per table inside the caller's transaction; `writeAsOneStatement` on PostgreSQL.
    func write(on sql: any SQLDatabase) async throws {
        for rows in tables { _ = try await sql.hotRows(rows.text, Array(rows.values.joined())) }
    }

    /// The whole batch as one statement (PostgreSQL): atomic without a transaction around it. Each table's rows
    /// go as one array per column (`Rows.unnested`), so the text is the same for one case or sixty and stays prepared:
    /// a text per row count was parsed and planned again for every batch (a quarter of the backend's CPU, perf).
    func writeAsOneStatement(on sql: any SQLDatabase) async throws {
        guard !tables.isEmpty else { return }
        var text = ""
        var values: [Value] = []
        for (index, rows) in tables.enumerated() {
            let (insert, columns) = rows.unnested
            if index < tables.count - 1 {
                text += index == 0 ? "WITH w" : ", w"
                text += String(index)
                text += " AS ("
                text += insert
                text += ") "
            } else {
                text += insert
            }
            values += columns
        }
        _ = try await sql.hotRows(text, values)
    }
}

/// A value bound to a hand-written statement; nil is NULL.
typealias SQLValue = (any Encodable & Sendable)?

extension SQLDatabase {
    /// Hand-written SQL run for every request of a hot path (`?` placeholders, a value for each, in order): straight
    /// to SQLite's connection, or as a statement PostgreSQL keeps prepared (`PreparedPostgres`); through SQLKit
    /// otherwise. SQLKit's serializer and Codable binds cost more than these statements themselves (measured).
    func hotRows(_ template: String, _ values: [SQLValue]) async throws -> [any SQLRow] {
        if let direct = self as? DirectSQLiteDatabase {
            var rows: [any SQLRow] = []
            try direct.run(template, binds: values.map { try $0.map(SQLiteBind.data) ?? .null }) { rows.append($0) }
            return rows
        }
        if let postgres = self as? any PostgresDatabase, let statement = PostgresStatement(template, values) {
            return try await PreparedPostgres.rows(statement, on: postgres).map { $0.sql() }
        }
        let pieces = template.split(separator: "?", omittingEmptySubsequences: false)
        var query = SQLQueryString(String(pieces[0]))
        for (value, piece) in zip(values, pieces.dropFirst()) {
            query = query + "\(bind: value ?? SQLNull())" + SQLQueryString(String(piece))
        }
        return try await raw(query).all()
    }
}

/// NULL as a bind, so a row's values can all be binds.
private struct SQLNull: Encodable, Sendable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}
