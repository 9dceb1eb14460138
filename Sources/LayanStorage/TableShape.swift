import SQLKit

/// The columns a row of `Row` is written to, each beside the value it takes: an insert's column list and its bound
/// values both come from this one list, so they cannot drift apart (a positional array that had to match a column
/// list by hand did, before). Built once per table (`static let`); writing a row reads each value in turn.
package struct TableShape<Row>: Sendable {
    package struct Column: Sendable {
        let name: String
        let value: @Sendable (Row) -> SQLValue

        package init(_ name: String, _ value: @escaping @Sendable (Row) -> SQLValue) {
            self.name = name
            self.value = value
        }
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
