import Crypto
import Foundation
import SQLKit

/// Every table's rows, as a count and a digest of their text, on either engine: two databases with equal contents
/// give equal `TableContents`, whatever order the rows were written in.
enum TableContents {
    struct Table: Equatable, CustomStringConvertible {
        let rows: Int
        let digest: String
        var description: String { "\(rows) rows \(digest.prefix(8))" }
    }

    static func all(_ sql: any SQLDatabase) async throws -> [String: Table] {
        struct Name: Decodable { let name: String }
        var tables: [String: Table] = [:]
        if TestDatabase.engine == "sqlite" {
            for table in try await sql.raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all(decoding: Name.self) {
                struct Column: Decodable { let name: String }
                let columns = try await sql.raw("SELECT name FROM pragma_table_info(\(bind: table.name))").all(decoding: Column.self)
                let row = columns.map { "quote(\"\($0.name)\")" }.joined(separator: " || '|' || ")
                struct Line: Decodable { let r: String }
                let lines = try await sql.raw("SELECT \(unsafeRaw: row) AS r FROM \"\(unsafeRaw: table.name)\" ORDER BY r").all(decoding: Line.self)
                tables[table.name] = Table(rows: lines.count, digest: digest(lines.map(\.r)))
            }
        } else {
            for table in try await sql.raw("SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'").all(decoding: Name.self) {
                struct Line: Decodable { let r: String }
                let lines = try await sql.raw("SELECT t::text AS r FROM \"\(unsafeRaw: table.name)\" t ORDER BY 1").all(decoding: Line.self)
                tables[table.name] = Table(rows: lines.count, digest: digest(lines.map(\.r)))
            }
        }
        return tables
    }

    private static func digest(_ lines: [String]) -> String {
        SHA256.hash(data: Data(lines.joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
