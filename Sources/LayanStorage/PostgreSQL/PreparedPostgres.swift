import FluentPostgresDriver
import Foundation
import NIOConcurrencyHelpers
import PostgresNIO
import SQLKit

extension Database {
    /// On PostgreSQL, runs `body` on the pool's event loop, which also runs its connections: each checkout, query
    /// and answer then resumes the task on the thread it is already on, instead of a hop to the thread pool and back
    /// (measured: a new case, three statements, 15 % more per second). Elsewhere `body` runs where it is.
    package func nearItsConnections<T>(_ body: () async throws -> T) async throws -> T {
        guard self is any PostgresDatabase else { return try await body() }
        return try await EventLoopTaskExecutor.run(on: eventLoop, body)
    }
}

/// Runs a task's jobs on a NIO event loop.
private final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop
    init(_ loop: any EventLoop) { self.loop = loop }

    static func run<T>(on loop: any EventLoop, _ body: () async throws -> T) async throws -> T {
        if loop.inEventLoop { return try await body() }
        return try await withTaskExecutorPreference(EventLoopTaskExecutor(loop), operation: body)
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

/// Hand-written statements on PostgreSQL, kept prepared on each pooled connection.
///
/// PostgresKit sends every statement unnamed, so the backend parses and plans it again each time: 40 % of its
/// CPU for a new case (perf, session 6). Here each distinct text gets a name; PostgresNIO prepares it the first
/// time a connection runs it, and later runs send only the values. Values go straight into `PostgresBindings`,
/// without the Codable encoder SQLKit's binds pass through.
enum PreparedPostgres {
    /// Each prepared statement keeps a plan in every backend that ran it; texts beyond this many run unnamed.
    static let maximumStatements = 200
    /// Texts with more values than this are bulk writes, run once: they are sent unnamed.
    static let maximumParameters = 128

    /// Each text's statement name; `made` counts the names given, so a renamed text never takes an old name.
    private static let names = NIOLockedValueBox((byText: [String: String](), made: 0))

    /// Runs `statement` on a connection of `database` (the transaction's own connection inside one); `prepared: false`
    /// sends it unnamed, planned for its own values each time.
    static func rows(_ statement: PostgresStatement, prepared: Bool = true, on database: any PostgresDatabase) async throws -> [PostgresRow] {
        try await EventLoopTaskExecutor.run(on: database.eventLoop) { try await run(statement, prepared: prepared, on: database) }
    }

    /// A query SQLKit built, run unnamed through PostgresNIO, its rows left to be read by position: the way through
    /// SQLKit's rows decodes each cell by column name through a generic decoder (a fifth of a page of cases).
    static func rows(_ query: any SQLExpression, on database: any PostgresDatabase & SQLDatabase) async throws -> [PostgresRow] {
        var serializer = SQLSerializer(database: database)
        query.serialize(to: &serializer)
        guard let statement = PostgresStatement(numbered: serializer.sql, serializer.binds) else {
            throw EncodingError.invalidValue(serializer.binds, .init(codingPath: [], debugDescription: "a bind of a type PostgresStatement does not take"))
        }
        return try await rows(statement, prepared: false, on: database)
    }

    private static func run(_ statement: PostgresStatement, prepared: Bool, on database: any PostgresDatabase) async throws -> [PostgresRow] {
        let name = prepared ? self.name(for: statement) : nil
        let lease = try await ConnectionLease(from: database)
        defer { lease.end() }
        let connection = lease.connection
        // PostgresNIO writes a statement to its channel without a promise: on a connection that has just closed the
        // write is dropped and the answer never comes (a request hung after a PostgreSQL restart, issue #21). Here we
        // run on the connection's event loop, so nothing can close it between this check and the statement's write.
        guard !connection.isClosed else { throw ChannelError.ioOnClosedChannel }
        guard let name else {
            return try await connection.query(PostgresQuery(unsafeSQL: statement.sql, binds: statement.bindings), logger: connection.logger).collect()
        }
        do {
            // PostgresNIO names a prepared statement by its type, which would mean a type per text; this one type reads
            // its name and text from the task that runs it.
            return try await RuntimeStatement.$current.withValue((name, statement.sql)) {
                try await connection.execute(RuntimeStatement(bindings: statement.bindings), logger: connection.logger).collect()
            }
        } catch {
            if Self.spoilsPreparation(error) { rename(statement.sql, from: name) }
            throw error
        }
    }

    /// PostgresNIO keeps a failed preparation's error for its name on that connection, and answers every later run
    /// with it. Failures that can strike while preparing — an aborted transaction (25), an object not there yet or a
    /// bad text (42), a plan that no longer fits (0A), a statement the backend forgot (26) — give the text a new name,
    /// so the next run prepares it again. Failures of running it (a duplicate key, a bad value) keep the name.
    static func spoilsPreparation(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        guard let state = error.serverInfo?[.sqlState] else { return error.code != .server }
        return ["25", "42", "0A", "26"].contains(String(state.prefix(2)))
    }

    /// The texts named so far (tests).
    static var preparedTexts: Set<String> { names.withLockedValue { Set($0.byText.keys) } }

    private static func name(for statement: PostgresStatement) -> String? {
        guard statement.bindings.count <= maximumParameters else { return nil }
        return names.withLockedValue { names in
            if let name = names.byText[statement.sql] { return name }
            guard names.byText.count < maximumStatements else { return nil }
            names.made += 1
            let name = "layan_\(names.made)"
            names.byText[statement.sql] = name
            return name
        }
    }

    private static func rename(_ sql: String, from old: String) {
        names.withLockedValue { names in
            guard names.byText[sql] == old else { return }  // another task renamed it already
            names.made += 1
            names.byText[sql] = "layan_\(names.made)"
        }
    }

    private struct RuntimeStatement: PostgresPreparedStatement {
        typealias Row = PostgresRow
        @TaskLocal static var current = (name: "", sql: "")
        static var name: String { current.name }
        static var sql: String { current.sql }

        let bindings: PostgresBindings
        func makeBindings() throws -> PostgresBindings { bindings }
        func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
    }
}

/// A pooled connection held by the calling task. The pool lends connections only to a closure that returns a
/// future; handing the connection out to the caller saves a task and two thread hops per statement.
private struct ConnectionLease: @unchecked Sendable {
    let connection: PostgresConnection
    private let returned: EventLoopPromise<Void>

    init(from database: any PostgresDatabase) async throws {
        (connection, returned) = try await withCheckedThrowingContinuation { lent in
            database.withConnection { connection -> EventLoopFuture<Void> in
                let returned = connection.eventLoop.makePromise(of: Void.self)
                lent.resume(returning: (connection, returned))
                return returned.futureResult
            }.whenFailure { lent.resume(throwing: $0) }
        }
    }

    /// Gives the connection back to the pool.
    func end() { returned.succeed() }
}

private extension AsyncSequence {
    func collect() async throws -> [Element] {
        try await reduce(into: []) { $0.append($1) }
    }
}

/// A statement's text with numbered parameters, and its values as PostgreSQL binds.
struct PostgresStatement: Sendable {
    let sql: String
    let bindings: PostgresBindings

    /// From text with `?` placeholders (as SQLite takes it) and a value for each. Each parameter is cast to the type
    /// of its value — the type PostgresKit declares for it — since a prepared statement's parameter types are fixed
    /// when it is prepared; a nil is written as NULL. Nil when a value is of a type not listed here.
    init?(_ template: String, _ values: [SQLValue]) {
        var sql: [UInt8] = []
        sql.reserveCapacity(template.utf8.count + values.count * 12)
        var bindings = PostgresBindings(capacity: values.count)
        var next = values.makeIterator()
        var count = 0
        // Over UTF-8 bytes: a search by Character cost 7 % of a new case (perf). Our templates hold no `?` inside
        // quotes, so each one is a placeholder.
        for byte in template.utf8 {
            guard byte == UInt8(ascii: "?") else { sql.append(byte); continue }
            guard let value = next.next() else { return nil }
            guard let value else { sql += "NULL".utf8; continue }
            guard let type = Self.append(value, to: &bindings) else { return nil }
            count += 1
            sql.append(UInt8(ascii: "$"))
            sql += String(count).utf8
            sql += "::".utf8
            sql += type.utf8
        }
        guard next.next() == nil else { return nil }
        self.sql = String(decoding: sql, as: UTF8.self)
        self.bindings = bindings
    }

    /// From text already numbered (`$1`, as SQLKit writes it for PostgreSQL); each parameter's type comes with its bind.
    init?(numbered sql: String, _ values: [any Encodable & Sendable]) {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            guard Self.append(value, to: &bindings) != nil else { return nil }
        }
        self.sql = sql
        self.bindings = bindings
    }

    /// Binds `value`; answers the type name to cast its parameter to, nil for a type not bound here.
    private static func append(_ value: any Encodable, to bindings: inout PostgresBindings) -> String? {
        if let column = value as? PostgresColumnArray {
            guard let array = column.encodable else { return nil }
            bindings.append(array)
            return array.element.typeName + "[]"
        }
        guard let scalar = PostgresScalar(value) else { return nil }
        scalar.append(to: &bindings)
        return scalar.typeName
    }
}

/// A value of one of the types Layan's hand-written statements bind, with the PostgreSQL type PostgresKit gives it:
/// the one place a bound Swift value's type is looked at.
enum PostgresScalar: Sendable {
    case text(String), uuid(UUID), int8(Int), bool(Bool), timestamptz(Date), bytea(Data), float8(Double)

    init?(_ value: any Encodable) {
        switch value {
        case let text as String: self = .text(text)
        case let uuid as UUID: self = .uuid(uuid)
        case let integer as Int: self = .int8(integer)
        case let bool as Bool: self = .bool(bool)
        case let date as Date: self = .timestamptz(date)
        case let data as Data: self = .bytea(data)
        case let double as Double: self = .float8(double)
        default: return nil
        }
    }

    var typeName: String {
        switch self {
        case .text: "text"
        case .uuid: "uuid"
        case .int8: "int8"
        case .bool: "bool"
        case .timestamptz: "timestamptz"
        case .bytea: "bytea"
        case .float8: "float8"
        }
    }

    var type: PostgresDataType {
        switch self {
        case .text: .text
        case .uuid: .uuid
        case .int8: .int8
        case .bool: .bool
        case .timestamptz: .timestamptz
        case .bytea: .bytea
        case .float8: .float8
        }
    }

    var arrayType: PostgresDataType {
        switch self {
        case .text: .textArray
        case .uuid: .uuidArray
        case .int8: .int8Array
        case .bool: .boolArray
        case .timestamptz: .timestamptzArray
        case .bytea: .byteaArray
        case .float8: .float8Array
        }
    }

    func append(to bindings: inout PostgresBindings) {
        switch self {
        case let .text(text): bindings.append(text)
        case let .uuid(uuid): bindings.append(uuid)
        case let .int8(integer): bindings.append(integer)
        case let .bool(bool): bindings.append(bool)
        case let .timestamptz(date): bindings.append(date)
        case let .bytea(data): bindings.append(ByteBuffer(bytes: data))
        case let .float8(double): bindings.append(double)
        }
    }

    /// The value's bytes in PostgreSQL's binary format, without a length.
    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        switch self {
        case let .text(text): text.encode(into: &buffer, context: context)
        case let .uuid(uuid): uuid.encode(into: &buffer, context: context)
        case let .int8(integer): integer.encode(into: &buffer, context: context)
        case let .bool(bool): bool.encode(into: &buffer, context: context)
        case let .timestamptz(date): date.encode(into: &buffer, context: context)
        case let .bytea(data): buffer.writeBytes(data)
        case let .float8(double): double.encode(into: &buffer, context: context)
        }
    }
}

/// One column of several rows, bound as a PostgreSQL array (`InsertBatch.Rows.unnested`); nils are NULL elements.
/// Its elements share one of the types `PostgresScalar` binds.
struct PostgresColumnArray: Encodable, Sendable {
    let cells: [SQLValue]
    init(_ cells: [SQLValue]) { self.cells = cells }

    /// Bound only through `PostgresStatement`, never through Codable.
    func encode(to encoder: any Encoder) throws {
        throw EncodingError.invalidValue(cells, .init(codingPath: encoder.codingPath, debugDescription: "an array column binds on PostgreSQL only"))
    }

    /// The array as a bind; nil when its cells are of no one known type.
    var encodable: Encoded? {
        var scalars: [PostgresScalar?] = []
        scalars.reserveCapacity(cells.count)
        for cell in cells {
            guard let cell else { scalars.append(nil); continue }
            guard let scalar = PostgresScalar(cell) else { return nil }
            scalars.append(scalar)
        }
        guard let element = scalars.lazy.compactMap({ $0 }).first,
              scalars.allSatisfy({ $0 == nil || $0!.type == element.type }) else { return nil }
        return Encoded(element: element, cells: scalars)
    }

    /// PostgreSQL's binary array: dimensions, a NULL flag, the element type, the length and lower bound, then each
    /// element as its length (-1 for NULL) and bytes.
    struct Encoded: PostgresDynamicTypeEncodable {
        /// Any one of the cells: it names the array's type.
        let element: PostgresScalar
        let cells: [PostgresScalar?]
        var psqlType: PostgresDataType { element.arrayType }
        var psqlFormat: PostgresFormat { .binary }

        func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
            buffer.writeInteger(1, as: Int32.self)
            buffer.writeInteger(cells.contains { $0 == nil } ? 1 : 0, as: Int32.self)
            buffer.writeInteger(element.type.rawValue)
            buffer.writeInteger(Int32(cells.count))
            buffer.writeInteger(1, as: Int32.self)
            for cell in cells {
                guard let cell else { buffer.writeInteger(-1, as: Int32.self); continue }
                let lengthAt = buffer.writerIndex
                buffer.writeInteger(0, as: Int32.self)
                let start = buffer.writerIndex
                cell.encode(into: &buffer, context: context)
                buffer.setInteger(Int32(buffer.writerIndex - start), at: lengthAt)
            }
        }
    }
}
