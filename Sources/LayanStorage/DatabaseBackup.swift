import Foundation
import NIOConcurrencyHelpers
import VaporCSQLite

/// Whole-database backups (issue #21, item 2), each engine its own documented way: SQLite's `VACUUM INTO` (a
/// consistent snapshot taken while the server keeps serving) and its online backup API to restore; PostgreSQL's
/// `pg_dump` custom format and `pg_restore`. Attachments live in the database, so they travel with it; the data key
/// that seals identity numbers does not (keep it apart, docs/operations.md).
package enum DatabaseBackup {
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// What `verify` found in a backup file.
    package struct Verification: Sendable {
        package let engine: StorageEngine
        /// Tables and their rows (SQLite), or tables whose data the archive holds (PostgreSQL: rows are not counted).
        package let tables: [(name: String, rows: Int?)]
        /// Migrations the backup had run (SQLite), for "is it older or newer than this release?".
        package let migrations: [String]?
    }

    /// Writes a backup of `target` to `file`, which must not exist yet.
    package static func write(_ target: DatabaseTarget, to file: String) async throws {
        guard !FileManager.default.fileExists(atPath: file) else { throw Failure(description: "\(file) already exists; choose a new name") }
        switch target {
        case let .sqlite(path):
            sqlite_nio_sqlite3_initialize()
            // A connection of its own: VACUUM INTO cannot run inside the write queue's transactions. It reads one snapshot.
            let connection = try DirectSQLiteConnection(path: path)
            try connection.execute("VACUUM INTO ?", [.text(file)]) { _ in }
        case let .postgres(url):
            try await run("pg_dump", ["--format=custom", "--no-owner", "--file=\(file)", "--dbname=\(url)"])
        }
    }

    /// Reads the whole backup: SQLite's integrity check of every page, or every block of a PostgreSQL archive.
    package static func verify(_ file: String) async throws -> Verification {
        guard let head = FileManager.default.contents(atPath: file)?.prefix(16) else { throw Failure(description: "cannot read \(file)") }
        if head.starts(with: Data("SQLite format 3".utf8)) {
            sqlite_nio_sqlite3_initialize()
            let connection = try DirectSQLiteConnection(path: file, readOnly: true)
            var problems: [String] = []
            try connection.execute("PRAGMA integrity_check", []) { row in problems.append(try row.decode(column: "integrity_check", as: String.self)) }
            guard problems == ["ok"] else { throw Failure(description: "\(file) is damaged: \(problems.prefix(5).joined(separator: "; "))") }
            var names: [String] = []
            try connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name", []) { row in
                names.append(try row.decode(column: "name", as: String.self))
            }
            var tables: [(String, Int?)] = []
            for name in names {
                try connection.execute("SELECT COUNT(*) AS n FROM \"\(name)\"", []) { row in tables.append((name, try row.decode(column: "n", as: Int.self))) }
            }
            var migrations: [String] = []
            if names.contains("_fluent_migrations") {
                try connection.execute("SELECT name FROM _fluent_migrations ORDER BY batch, created_at", []) { row in
                    migrations.append(try row.decode(column: "name", as: String.self))
                }
            }
            return Verification(engine: .sqlite, tables: tables, migrations: migrations)
        }
        if head.starts(with: Data("PGDMP".utf8)) {
            // Decompresses every data block: a truncated or damaged archive fails here, not on the day of a restore.
            try await run("pg_restore", ["--file=/dev/null", file])
            let list = try await run("pg_restore", ["--list", file])
            let tables = list.split(separator: "\n").filter { $0.contains(" TABLE DATA ") }.compactMap { line -> (String, Int?)? in
                let words = line.split(separator: " ")
                guard let at = words.firstIndex(of: "DATA"), words.count > at + 2 else { return nil }
                return (String(words[at + 2]), nil)
            }
            return Verification(engine: .postgresql, tables: tables, migrations: nil)
        }
        throw Failure(description: "\(file) is neither a SQLite database nor a pg_dump archive")
    }

    /// Replaces everything in `target` with the backup in `file` (verified first). Stop the servers before: a running
    /// server's caches would still hold what the database no longer says.
    package static func restore(_ file: String, into target: DatabaseTarget) async throws {
        let found = try await verify(file)
        switch target {
        case let .sqlite(path):
            guard found.engine == .sqlite else { throw Failure(description: "\(file) is a PostgreSQL archive; this Layan runs on SQLite") }
            let source = try DirectSQLiteConnection(path: file, readOnly: true)
            let live = try DirectSQLiteConnection(path: path)
            try live.replace(with: source)
        case let .postgres(url):
            guard found.engine == .postgresql else { throw Failure(description: "\(file) is a SQLite database; this Layan runs on PostgreSQL") }
            // One transaction: a restore that fails half-way leaves the database as it was.
            try await run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", "--dbname=\(url)", file])
        }
    }

    /// Runs a PostgreSQL client program (from `LAYAN_PG_BINDIR`, else the PATH) and returns its standard output.
    @discardableResult
    private static func run(_ program: String, _ arguments: [String]) async throws -> String {
        let process = Process()
        if let bin = ProcessInfo.processInfo.environment["LAYAN_PG_BINDIR"], !bin.isEmpty {
            process.executableURL = URL(fileURLWithPath: bin).appendingPathComponent(program)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [program] + arguments
        }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        return try await withCheckedThrowingContinuation { continuation in
            // Read while it runs: a pipe's buffer is small, and a program blocked writing to it never exits.
            DispatchQueue.global().async {
                do {
                    try process.run()
                    let err = NIOLockedValueBox(Data()), reading = DispatchGroup()
                    DispatchQueue.global().async(group: reading) { err.withLockedValue { $0 = errors.fileHandleForReading.readDataToEndOfFile() } }
                    let out = output.fileHandleForReading.readDataToEndOfFile()
                    reading.wait()
                    process.waitUntilExit()
                    guard process.terminationStatus == 0 else {
                        let reason = String(decoding: err.withLockedValue { $0 }, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                        throw Failure(description: "\(program) failed (\(process.terminationStatus)): \(reason)")
                    }
                    continuation.resume(returning: String(decoding: out, as: UTF8.self))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
