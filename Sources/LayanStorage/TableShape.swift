import Foundation
import SQLKit
import SQLiteKit

/// The columns a row of `Row` is written to, each beside the value it takes: an insert's column list and its bound
/// values both come from this one list, so they cannot drift apart (a positional array that had to match a column
/// list by hand did, before). Built once per table (`static let`); writing a row reads each value in turn.
package struct TableShape<Row>: Sendable {
    package struct Column: Sendable {
        let name: String
        let value: @Sendable (Row) -> SQLValue
        /// The value as SQLite binds it, converted without a cast: the column's type is known when it is declared.
        let sqlite: @Sendable (Row) throws -> SQLiteData

        package init<Value: Encodable & Sendable>(_ name: String, _ value: @escaping @Sendable (Row) -> Value?) {
            self.name = name
            self.value = { value($0) }
            sqlite = SQLiteBind.column(value)
        }

        /// A column always written NULL.
        package static func null(_ name: String) -> Column { Column(name) { _ -> String? in nil } }
    }

    package let table: String
    /// The column names, in order (kept as one array, so every row of a batch shares it).
    package let names: [String]
    private let columns: [Column]

    package init(_ table: String, _ columns: [Column]) {
        self.table = table
        self.columns = columns
        names = columns.map(\.name)
    }

    /// The row's values, in the order of `names`.
    package func values(of row: Row) -> [SQLValue] {
        var values: [SQLValue] = []
        values.reserveCapacity(columns.count)
        for column in columns { values.append(column.value(row)) }
        return values
    }

    /// The row's values as SQLite binds them, in the order of `names`.
    func sqliteValues(of row: Row) throws -> [SQLiteData] {
        var values: [SQLiteData] = []
        values.reserveCapacity(columns.count)
        for column in columns { values.append(try column.sqlite(row)) }
        return values
    }
}

extension InsertBatch {
    /// Adds `row` to the rows of its table.
    package mutating func add<Row>(_ row: Row, as shape: TableShape<Row>) {
        add(into: shape.table, columns: shape.names, shape.values(of: row))
    }
}

extension SQLDatabase {
    /// INSERT of one row by its shape.
    package func insert<Row>(_ row: Row, as shape: TableShape<Row>) async throws {
        try await insertRows(into: shape.table, columns: shape.names, [shape.values(of: row)])
    }
}
