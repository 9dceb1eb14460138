import FluentKit
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import SQLiteKit
import VaporCSQLite

/// A SQLite connection Layan opens itself, on the library the driver links (one copy of SQLite in the process),
/// that runs a statement on the caller's thread and keeps its prepared form. The driver prepares every
/// statement anew and hops to a thread pool and back for each one; on the hot paths (a ticket, a new case)
/// those hops were most of the time a request took (docs/benchmarks.md).
/// Not thread-safe by itself: the pool lends it to one task at a time (`DirectSQLiteDriver`).
final class DirectSQLiteConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    private var statements: [String: PreparedStatement] = [:]
    /// Statements kept prepared; a hot path uses a dozen, so the cap only stops an odd caller growing it forever.
    private static let cacheLimit = 200

    private struct PreparedStatement {
        let pointer: OpaquePointer
        let columns: DirectRow.Columns
    }

    init(path: String, readOnly: Bool = false) throws {
        var handle: OpaquePointer?
        // NOMUTEX: the pool already lends a connection to one task at a time.
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let status = sqlite_nio_sqlite3_open_v2(path, &handle, flags, nil)
        guard status == SQLITE_OK, let handle else {
            let message = handle.map { String(cString: sqlite_nio_sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite_nio_sqlite3_close(handle)
            throw DirectSQLiteError(code: status, message: "cannot open \(path): \(message)")
        }
        // busy_timeout, synchronous and foreign_keys come from the auto-extension every connection gets.
        self.handle = handle
    }

    deinit {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement.pointer) }
        sqlite_nio_sqlite3_close_v2(handle)
    }

    /// Copies every page of `source` over this database with SQLite's online backup API, a hundred pages a step, waiting
    /// out other connections' locks: a restore (issue #21, item 2) that other connections see whole or not at all.
    func replace(with source: DirectSQLiteConnection) throws {
        guard let backup = sqlite_nio_sqlite3_backup_init(handle, "main", source.handle, "main") else { throw error(sqlite_nio_sqlite3_errcode(handle)) }
        var status: Int32
        repeat {
            status = sqlite_nio_sqlite3_backup_step(backup, 100)
            if status == SQLITE_BUSY || status == SQLITE_LOCKED { sqlite_nio_sqlite3_sleep(50) }
        } while status == SQLITE_OK || status == SQLITE_BUSY || status == SQLITE_LOCKED
        let finished = sqlite_nio_sqlite3_backup_finish(backup)
        guard status == SQLITE_DONE else { throw error(status) }
        try check(finished)
    }

    /// Runs one statement with its binds, handing each row to `onRow`; answers the rows it changed (an INSERT, UPDATE
    /// or DELETE; SQLite keeps the last such count through other statements).
    @discardableResult
    func execute(_ sql: String, _ binds: [SQLiteData], onRow: (DirectRow) throws -> Void) throws -> Int {
        let statement = try prepared(sql)
        let pointer = statement.pointer
        // Reset even on error so the statement can be used again and releases its read snapshot. Bindings stay: the
        // next run binds every parameter again, and clearing them marks a statement whose plan looked at a bound
        // value as expired, so SQLite compiled the duty-officer query anew on every new case. Large values are
        // let go at once rather than held by the cached statement.
        defer {
            sqlite_nio_sqlite3_reset(pointer)
            if binds.contains(where: \.isLarge) { sqlite_nio_sqlite3_clear_bindings(pointer) }
        }
        for (offset, value) in binds.enumerated() {
            try check(bind(value, at: Int32(offset + 1), to: pointer))
        }
        while true {
            let status = sqlite_nio_sqlite3_step(pointer)
            if status == SQLITE_DONE { return Int(sqlite_nio_sqlite3_changes(handle)) }
            guard status == SQLITE_ROW else { throw error(status) }
            let values = (0 ..< Int32(statement.columns.names.count)).map { value(at: $0, of: pointer) }
            try onRow(DirectRow(columns: statement.columns, values: values))
        }
    }

    private func prepared(_ sql: String) throws -> PreparedStatement {
        if let cached = statements[sql] { return cached }
        var pointer: OpaquePointer?
        let status = sqlite_nio_sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &pointer, nil)
        guard status == SQLITE_OK, let pointer else { throw error(status) }
        let count = sqlite_nio_sqlite3_column_count(pointer)
        let names = (0 ..< count).map { String(cString: sqlite_nio_sqlite3_column_name(pointer, $0)) }
        let statement = PreparedStatement(pointer: pointer, columns: DirectRow.Columns(names: names))
        if statements.count >= Self.cacheLimit {
            for old in statements.values { sqlite_nio_sqlite3_finalize(old.pointer) }
            statements.removeAll(keepingCapacity: true)
        }
        statements[sql] = statement
        return statement
    }

    private func bind(_ value: SQLiteData, at index: Int32, to statement: OpaquePointer) -> Int32 {
        switch value {
        case let .blob(buffer):
            return buffer.withUnsafeReadableBytes {
                sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), Self.transient)
            }
        case let .float(double):
            return sqlite_nio_sqlite3_bind_double(statement, index, double)
        case let .integer(integer):
            return sqlite_nio_sqlite3_bind_int64(statement, index, Int64(integer))
        case .null:
            return sqlite_nio_sqlite3_bind_null(statement, index)
        case let .text(text):
            return sqlite_nio_sqlite3_bind_text64(statement, index, text, UInt64(text.utf8.count), Self.transient, UInt8(SQLITE_UTF8))
        }
    }

    private func value(at column: Int32, of statement: OpaquePointer) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, column) {
        case SQLITE_INTEGER:
            return .integer(.init(sqlite_nio_sqlite3_column_int64(statement, column)))
        case SQLITE_FLOAT:
            return .float(sqlite_nio_sqlite3_column_double(statement, column))
        case SQLITE_TEXT:
            return .text(sqlite_nio_sqlite3_column_text(statement, column).map { String(cString: $0) } ?? "")
        case SQLITE_BLOB:
            let length = Int(sqlite_nio_sqlite3_column_bytes(statement, column))
            var buffer = ByteBufferAllocator().buffer(capacity: length)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, column) {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length))
            }
            return .blob(buffer)
        default:
            return .null
        }
    }

    private func check(_ status: Int32) throws {
        guard status == SQLITE_OK else { throw error(status) }
    }

    private func error(_ status: Int32) -> DirectSQLiteError {
        DirectSQLiteError(code: status, message: String(cString: sqlite_nio_sqlite3_errmsg(handle)))
    }

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}

/// A SQLite failure on a direct connection, classified the way Fluent's errors are so the error middleware
/// answers a constraint failure with 409, as it does for the driver's errors.
struct DirectSQLiteError: Error, CustomStringConvertible, DatabaseError {
    let code: Int32
    let message: String

    /// The database was shut down (the application is stopping).
    static let closed = DirectSQLiteError(code: SQLITE_MISUSE, message: "the database is closed")

    var description: String { "SQLite error \(code): \(message)" }
    /// The primary result code: extended codes (SQLITE_OPEN_EXRESCODE) keep it in the low byte.
    private var primary: Int32 { code & 0xFF }
    var isSyntaxError: Bool { primary == SQLITE_ERROR }
    var isConstraintFailure: Bool { primary == SQLITE_CONSTRAINT }
    var isConnectionClosed: Bool { primary == SQLITE_MISUSE || primary == SQLITE_CANTOPEN }
    /// The disk is full (the unix VFS answers ENOSPC with SQLITE_FULL).
    var isFull: Bool { primary == SQLITE_FULL }
}

/// One row from a direct connection, decoded with the driver's own decoder so values read the same either way.
struct DirectRow: SQLRow {
    /// Column names of a prepared statement, with an index for lookup by name (shared by all its rows).
    final class Columns: Sendable {
        let names: [String]
        let index: [String: Int]
        init(names: [String]) {
            self.names = names
            // The first of two same-named columns wins, as SQLiteNIO's rows do.
            self.index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    let columns: Columns
    let values: [SQLiteData]
    private static let decoder = SQLiteDataDecoder()

    var allColumns: [String] { columns.names }
    func contains(column: String) -> Bool { columns.index[column] != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let offset = columns.index[column] else { return true }
        return values[offset] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let offset = columns.index[column] else {
            throw DecodingError.keyNotFound(SQLColumnKey(column), .init(codingPath: [], debugDescription: "no column \(column)"))
        }
        let value = values[offset]
        // A UUID is stored as its text; Foundation parses that with sscanf, a visible share of reading a row.
        if D.self == UUID.self, case let .text(text) = value, let uuid = UUID(storedText: text) { return uuid as! D }
        return try Self.decoder.decode(D.self, from: value)
    }

    private struct SQLColumnKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}


/// Binds and UUID text as SQLiteKit stores them, without its generic encoder for the common types: an existential
/// cast per value and, for a UUID, its text built by `snprintf` were a visible share of every write.
enum SQLiteBind {
    private static let encoder = SQLiteDataEncoder()

    static func data(_ value: any Encodable) throws -> SQLiteData {
        // Most common first: a failed cast costs a walk of the type's conformances (bulk imports bind millions).
        switch value {
        case let text as String: .text(text)
        case let integer as Int: .integer(integer)
        case let uuid as UUID: .text(uuid.storedText)
        case let date as Date: .float(date.timeIntervalSince1970)
        case let bool as Bool: .integer(bool ? 1 : 0)
        case let double as Double: .float(double)
        default: try encoder.encode(value)
        }
    }

    /// A column's values as SQLite binds them, the conversion chosen once for the column's type (`TableShape`): no
    /// cast per value, and no generic code (each call of which looked up `Optional<Value>`'s metadata) per row. The
    /// same table as `data`, by type instead of by cast; tests hold both to SQLiteKit's encoder.
    static func column<Row, Value: Encodable>(_ value: @escaping @Sendable (Row) -> Value?) -> @Sendable (Row) throws -> SQLiteData {
        // Each bit cast is to the function type just compared equal; each closure is written out for its concrete
        // type, because a generic helper was left unspecialised and looked up `Optional<T>` on every call.
        if Value.self == String.self {
            let read = unsafeBitCast(value, to: (@Sendable (Row) -> String?).self)
            return { row in read(row).map { .text($0) } ?? .null }
        }
        if Value.self == Int.self {
            let read = unsafeBitCast(value, to: (@Sendable (Row) -> Int?).self)
            return { row in read(row).map { .integer($0) } ?? .null }
        }
        if Value.self == UUID.self {
            let read = unsafeBitCast(value, to: (@Sendable (Row) -> UUID?).self)
            return { row in read(row).map { .text($0.storedText) } ?? .null }
        }
        if Value.self == Date.self {
            let read = unsafeBitCast(value, to: (@Sendable (Row) -> Date?).self)
            return { row in read(row).map { .float($0.timeIntervalSince1970) } ?? .null }
        }
        if Value.self == Bool.self {
            let read = unsafeBitCast(value, to: (@Sendable (Row) -> Bool?).self)
            return { row in read(row).map { .integer($0 ? 1 : 0) } ?? .null }
        }
        if Value.self == Double.self {
            let read = unsafeBitCast(value, to: (@Sendable (Row) -> Double?).self)
            return { row in read(row).map { .float($0) } ?? .null }
        }
        return { row in try value(row).map(data) ?? .null }
    }
}

extension UUID {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// The text SQLiteKit stores for a UUID: `uuidString`, upper-case with hyphens.
    package var storedText: String {
        let bytes = uuid
        return withUnsafeBytes(of: bytes) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for (index, byte) in raw.enumerated() {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = Self.hexDigits[Int(byte >> 4)]
                    out[position + 1] = Self.hexDigits[Int(byte & 0x0F)]
                    position += 2
                }
                return position
            }
        }
    }

    /// Parses `storedText` (either case); nil for anything else, left to Foundation.
    package init?(storedText text: String) {
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let parsed = text.utf8.withContiguousStorageIfAvailable { chars -> Bool in
            guard chars.count == 36 else { return false }
            return withUnsafeMutableBytes(of: &bytes) { out -> Bool in
                var position = 0
                for index in 0 ..< 16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        guard chars[position] == UInt8(ascii: "-") else { return false }
                        position += 1
                    }
                    guard let high = Self.nibble(chars[position]), let low = Self.nibble(chars[position + 1]) else { return false }
                    out[index] = high << 4 | low
                    position += 2
                }
                return true
            }
        }
        guard parsed == true else { return nil }
        self.init(uuid: bytes)
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0") ... UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "A") ... UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a") ... UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

private extension SQLiteData {
    /// A value worth releasing as soon as its statement has run (an attachment, a long text).
    var isLarge: Bool {
        switch self {
        case let .blob(buffer): buffer.readableBytes > 4096
        case let .text(text): text.utf8.count > 4096
        default: false
        }
    }
}
