import Foundation
import FluentPostgresDriver
import SQLKit

/// A value bound to a hand-written statement; nil is NULL.
package typealias SQLValue = (any Encodable & Sendable)?

extension SQLDatabase {
    /// Hand-written SQL run for every request of a hot path (`?` placeholders, a value for each, in order): straight
    /// to SQLite's connection, or as a statement PostgreSQL keeps prepared (`PreparedPostgres`); through SQLKit
    /// otherwise. SQLKit's serializer and Codable binds cost more than these statements themselves (measured).
    package func hotRows(_ template: String, _ values: [SQLValue]) async throws -> [any SQLRow] {
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

extension SQLDatabase {
    /// A statement with one `IN` list, written `IN (?…)` in `template`, run for a thousand `listed` values at a time
    /// (within both engines' limits on bound values); `leading` are the values of the `?` before the list.
    package func hotRows(_ template: String, leading: [SQLValue] = [], listing listed: [SQLValue]) async throws -> [any SQLRow] {
        var rows: [any SQLRow] = []
        for start in stride(from: 0, to: listed.count, by: 1000) {
            let some = listed[start..<min(listed.count, start + 1000)]
            let list = "(" + String(repeating: "?, ", count: some.count - 1) + "?)"
            rows += try await hotRows(template.replacingOccurrences(of: "(?…)", with: list), leading + some)
        }
        return rows
    }
}

/// NULL as a bind, so a row's values can all be binds.
private struct SQLNull: Encodable, Sendable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encodeNil()
    }
}
