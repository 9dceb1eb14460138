import FluentKit
import FluentPostgresDriver
import Foundation
import SQLKit

/// A plain value a row's cell is read as: each engine's own decoder for it, without Codable's keyed containers.
package protocol StoredValue: Decodable, PostgresDecodable, Sendable {
    /// The cell named `column` of a row read by SQLKit.
    static func read(_ row: any SQLRow, column: String) throws -> Self
}

extension StoredValue {
    package static func read(_ row: any SQLRow, column: String) throws -> Self { try row.decode(column: column, as: Self.self) }
}

extension String: StoredValue {}
extension Int: StoredValue {}
extension Double: StoredValue {}
extension Bool: StoredValue {}
extension UUID: StoredValue {}
extension Date: StoredValue {}

extension Optional: StoredValue where Wrapped: StoredValue, Wrapped._DecodableType == Wrapped {
    package static func read(_ row: any SQLRow, column: String) throws -> Self {
        try row.decodeNil(column: column) ? nil : Wrapped.read(row, column: column)
    }
}

/// One row of a query, read cell by cell in the order the query named its columns (`next`), the same way on
/// both engines. On PostgreSQL the cells are read by position, each by its type's own decoder: SQLKit's rows
/// decode each cell by name through a generic decoder, a fifth of the CPU of a staff list page (session 7).
package struct RowReader {
    // Two optionals rather than an enum with payloads: reading a cell then only moves an index, instead of taking the
    // row out of the enum and putting it back for every cell.
    private var cells: PostgresRow.Iterator?
    private let row: (any SQLRow)?
    private let columns: [String]
    private var index = 0

    /// The next cell, as `type`.
    package mutating func next<T: StoredValue>(_ type: T.Type = T.self) throws -> T {
        if cells != nil {
            guard let cell = cells!.next() else { throw RowReaderError.noMoreColumns }
            return try cell.decode(T.self)
        }
        guard let row, index < columns.count else { throw RowReaderError.noMoreColumns }
        defer { index += 1 }
        return try T.read(row, column: columns[index])
    }

    fileprivate init(_ row: PostgresRow) { (cells, self.row, columns) = (row.makeIterator(), nil, []) }
    fileprivate init(_ row: any SQLRow, columns: [String]) { (cells, self.row, self.columns) = (nil, row, columns) }
}

package enum RowReaderError: Error { case noMoreColumns }

extension Database {
    /// Runs a SELECT whose columns are `columns`, in that order, and reads each row with `read`. Unnamed on
    /// PostgreSQL: a list's filters change its best plan, which a prepared statement's generic plan could not follow.
    package func rows<Row>(_ select: some SQLQueryFetcher, columns: [String], _ read: (inout RowReader) throws -> Row) async throws -> [Row] {
        if let postgres = self as? any PostgresDatabase & SQLDatabase {
            return try await PreparedPostgres.rows(select.query, on: postgres).map { row in
                var reader = RowReader(row)
                return try read(&reader)
            }
        }
        return try await select.all().map { row in
            var reader = RowReader(row, columns: columns)
            return try read(&reader)
        }
    }
}
