import SQLKit

extension SQLDatabase {
    /// INSERT of one row from (column, value) pairs; nil values are written as NULL. The hot write paths (a new
    /// ticket, a new case) use it instead of Fluent's `create`, whose reflection costs more than the statement.
    /// Written as one SQL string: names are ours (no quoting to escape), and SQLKit's builder escapes each
    /// identifier with string replacement, which showed in the profile of every new ticket.
    package func insertRow(into table: String, _ values: KeyValuePairs<String, SQLValue>) async throws {
        try await insertRows(into: table, columns: values.map(\.key), [values.map(\.value)])
    }

    /// INSERT of several rows in one statement; each row lists its values in the order of `columns`.
    package func insertRows(into table: String, columns: [String], _ rows: [[SQLValue]]) async throws {
        guard !rows.isEmpty else { return }
        try await InsertBatch(tables: [.init(table: table, columns: columns, values: rows)]).write(on: self)
    }
}

extension SQLDatabase {
    /// INSERT of several rows, leaving out any that would break a unique constraint (`ON CONFLICT DO NOTHING`, on
    /// both engines): what an idempotent import writes. Returns nothing about which were left out; callers that
    /// need to know read first.
    package func insertRowsSkippingDuplicates(into table: String, columns: [String], _ rows: [[SQLValue]]) async throws {
        for part in InsertBatch.Rows(table: table, columns: columns, values: rows).parts {
            _ = try await hotRows(part.text + " ON CONFLICT DO NOTHING", Array(part.values.joined()))
        }
    }

    /// The same, answering one text column of the rows written — which were new (PostgreSQL by `RETURNING`, SQLite by
    /// the rows each statement changed). Any number of rows: PostgreSQL takes them as one array per column (one text,
    /// kept prepared, however many rows; a NULL written into a VALUES list made every batch's text new, parsed and
    /// planned again); SQLite runs one prepared single-row INSERT per row — in-process, a step costs less than building,
    /// hashing and compiling a VALUES list of a thousand rows (perf of the telephone import: a fifth of its writer's time).
    package func insertSkippingDuplicates<Row>(_ rows: [Row], as shape: TableShape<Row>, returning column: String) async throws -> [String] {
        guard !rows.isEmpty else { return [] }
        guard let direct = self as? DirectSQLiteDatabase else {
            let (text, arrays) = InsertBatch.Rows(table: shape.table, columns: shape.names, values: rows.map(shape.values(of:))).unnested
            return try await hotRows(text + " ON CONFLICT DO NOTHING RETURNING \"" + column + "\"", arrays).map { try $0.decode(column: column, as: String.self) }
        }
        guard let returned = shape.names.firstIndex(of: column) else {
            throw EncodingError.invalidValue(column, .init(codingPath: [], debugDescription: "\(column) is not a column of \(shape.table)"))
        }
        // Without RETURNING: SQLite runs it as a trigger, and a statement with one keeps a statement journal.
        let text = InsertBatch.Rows(table: shape.table, columns: shape.names, values: [[]]).text + " ON CONFLICT DO NOTHING"
        var written: [String] = []
        for row in rows {
            let values = try shape.sqliteValues(of: row)
            guard try direct.run(text, binds: values) == 1 else { continue }
            guard case let .text(value) = values[returned] else {
                throw EncodingError.invalidValue(values[returned], .init(codingPath: [], debugDescription: "\(column) is not text"))
            }
            written.append(value)
        }
        return written
    }
}

/// Rows for several tables, written as one unit: parents first, in the order they were added.
///
/// On PostgreSQL the batch is one statement, a data-modifying CTE per table, which is atomic by itself: the row
/// locks its triggers take (an officer's load) are held while it runs, not across round trips to Layan, where
/// every other request queued behind them (measured: case creation on PostgreSQL). Foreign keys are checked at
/// the statement's end, so children may name the parent inserted beside them. Elsewhere each table gets one
/// INSERT, inside the caller's transaction (on SQLite one write-queue job).
package struct InsertBatch: Sendable {
    package typealias Value = SQLValue

    package struct Rows: Sendable {
        let table: String
        let columns: [String]
        var values: [[Value]]

        /// Bound values one statement may carry: SQLite allows 32,766, PostgreSQL 65,535.
        static let boundValuesPerStatement = 32_000

        /// These rows as statements within `boundValuesPerStatement` (one, for the usual handful of rows).
        var parts: [Rows] {
            let perStatement = max(1, Self.boundValuesPerStatement / max(1, columns.count))
            guard values.count > perStatement else { return [self] }
            return stride(from: 0, to: values.count, by: perStatement).map {
                Rows(table: table, columns: columns, values: Array(values[$0..<min(values.count, $0 + perStatement)]))
            }
        }

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

    package private(set) var tables: [Rows] = []

    package init(tables: [Rows] = []) { self.tables = tables }

    package mutating func add(into table: String, columns: [String], _ row: [Value]) {
        if let index = tables.firstIndex(where: { $0.table == table && $0.columns == columns }) {
            tables[index].values.append(row)
        } else {
            tables.append(Rows(table: table, columns: columns, values: [row]))
        }
    }

    /// Another batch's rows after these, table by table.
    package mutating func append(_ other: InsertBatch) {
        for rows in other.tables {
            for row in rows.values { add(into: rows.table, columns: rows.columns, row) }
        }
    }

    /// One INSERT per table inside the caller's transaction; `writeAsOneStatement` on PostgreSQL.
    package func write(on sql: any SQLDatabase) async throws {
        for rows in tables {
            for part in rows.parts { _ = try await sql.hotRows(part.text, Array(part.values.joined())) }
        }
    }

    /// The whole batch as one statement (PostgreSQL): atomic without a transaction around it. Each table's rows
    /// go as one array per column (`Rows.unnested`), so the text is the same for one case or sixty and stays prepared:
    /// a text per row count was parsed and planned again for every batch (a quarter of the backend's CPU, perf).
    package func writeAsOneStatement(on sql: any SQLDatabase) async throws {
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
