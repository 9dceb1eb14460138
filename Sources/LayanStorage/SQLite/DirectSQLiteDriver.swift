import FluentKit
import FluentSQL
import Foundation
import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import SQLKit
import SQLiteKit
import VaporCSQLite

/// Fluent's SQLite database on direct connections (`DirectSQLiteConnection`): the same SQL as the SQLite driver
/// (its query and schema conversion, its encoder and decoder), but each statement runs on the calling task's
/// thread with its prepared form kept, instead of being prepared again on a thread pool and hopping back.
/// Measured with it: ticket issue 387 → ~1,270 req/s before group commit (docs/benchmarks.md). A statement blocks
/// its thread while it runs, as any CPU work does; the longest we run (a staff list at 1M cases) takes tens of ms.
struct DirectSQLiteConfiguration: DatabaseConfiguration {
    let path: String
    var middleware: [any AnyModelMiddleware] = []

    func makeDriver(for databases: Databases) -> any DatabaseDriver {
        DirectSQLiteDriver(pool: DirectSQLitePool(path: path))
    }
}

extension DatabaseConfigurationFactory {
    static func directSQLite(path: String) -> Self {
        .init { DirectSQLiteConfiguration(path: path) }
    }
}

struct DirectSQLiteDriver: DatabaseDriver {
    let pool: DirectSQLitePool

    func makeDatabase(with context: DatabaseContext) -> any Database {
        DirectSQLiteDatabase(pool: pool, connection: nil, context: context, inTransaction: false)
    }

    func shutdown() { pool.close() }

    /// Lets the write batch under way finish first: its jobs belong to requests the server already let go of,
    /// and they still use the application (messages in the customer's language) until they return.
    func shutdownAsync() async {
        await pool.writes.close()
        pool.close()
    }
}

/// Connections lent one task at a time: for one statement, or for a `withConnection` / transaction closure.
/// Statements do not suspend, so outside transactions no more connections are open than threads running them.
final class DirectSQLitePool: Sendable {
    private let path: String
    /// This file's write transactions (`Database.writeTransaction`).
    let writes = SQLiteWriteQueue()
    private struct State {
        var idle: [DirectSQLiteConnection] = []
        var closed = false
    }
    private let state = NIOLockedValueBox(State())
    private static let initialised: Void = { sqlite_nio_sqlite3_initialize() }()

    init(path: String) { self.path = path }

    /// After shutdown every statement fails, as the driver's pool did: work still running (a request whose client
    /// left) then stops with an error instead of reaching an application that is gone.
    func lease() throws -> DirectSQLiteConnection {
        _ = Self.initialised
        let reused = try state.withLockedValue { state -> DirectSQLiteConnection? in
            guard !state.closed else { throw DirectSQLiteError.closed }
            return state.idle.popLast()
        }
        return try reused ?? DirectSQLiteConnection(path: path)
    }

    /// Idle connections kept; more are open only while tasks hold them (transactions waiting on something else).
    static let idleLimit = 8

    func release(_ connection: DirectSQLiteConnection) {
        state.withLockedValue { if !$0.closed && $0.idle.count < Self.idleLimit { $0.idle.append(connection) } }
    }

    func close() {
        state.withLockedValue {
            $0.closed = true
            $0.idle.removeAll()
        }
    }
}

struct DirectSQLiteDatabase: Database, SQLDatabase {
    let pool: DirectSQLitePool
    /// The connection lent for a whole closure; nil: each statement borrows one.
    let connection: DirectSQLiteConnection?
    let context: DatabaseContext
    let inTransaction: Bool

    // MARK: SQLDatabase

    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { .debug }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        do {
            try run(query, onRow)
            return eventLoop.makeSucceededVoidFuture()
        } catch {
            return eventLoop.makeFailedFuture(error)
        }
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try run(query, onRow)
    }

    func withSession<R>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        if connection != nil { return try await closure(self) }
        let leased = try pool.lease()
        defer { pool.release(leased) }
        return try await closure(DirectSQLiteDatabase(pool: pool, connection: leased, context: context, inTransaction: inTransaction))
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> Void) throws {
        let (sql, binds) = serialize(query)
        try run(sql, binds: try binds.map(SQLiteBind.data), onRow: onRow)
    }

    /// A statement already written as SQLite text, with its binds converted (the hot inserts, `InsertBatch`); answers
    /// the rows it changed.
    @discardableResult
    func run(_ sql: String, binds: [SQLiteData], onRow: (any SQLRow) -> Void = { _ in }) throws -> Int {
        logger.debug("Executing query", metadata: ["sql": .string(sql)])
        if let connection {
            return try connection.execute(sql, binds, onRow: onRow)
        }
        let borrowed = try pool.lease()
        defer { pool.release(borrowed) }
        return try borrowed.execute(sql, binds, onRow: onRow)
    }

    // MARK: Database (as FluentSQLiteDriver does it)

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) -> EventLoopFuture<Void> {
        execute(sql: Self.convert(query)) { onOutput(SQLRowOutput(row: $0, schema: nil)) }
    }

    func execute(query: DatabaseQuery, onOutput: @escaping @Sendable (any DatabaseOutput) -> Void) async throws {
        try await execute(sql: Self.convert(query)) { onOutput(SQLRowOutput(row: $0, schema: nil)) }
    }

    /// Fluent's SQL for a query; a create also returns the ids it made, as the SQLite driver does.
    private static func convert(_ query: DatabaseQuery) -> any SQLExpression {
        let converted = SQLQueryConverter(delegate: DirectSQLiteConverterDelegate()).convert(query)
        guard case .create = query.action, query.customIDKey != .some(.string("")) else { return converted }
        return SQLKit.SQLList([converted, SQLReturning(.init((query.customIDKey ?? .id).description))], separator: SQLRaw(" "))
    }

    func execute(schema: DatabaseSchema) -> EventLoopFuture<Void> {
        var schema = schema
        if schema.action == .update {
            // SQLite alters little: enum changes are no-ops, anything but adding or dropping columns is refused.
            schema.updateFields = schema.updateFields.filter {
                if case .dataType(_, .enum) = $0 { return false }
                return true
            }
            guard schema.createConstraints.isEmpty, schema.updateFields.isEmpty, schema.deleteConstraints.isEmpty else {
                return eventLoop.makeFailedFuture(DirectSQLiteError(code: SQLITE_ERROR, message: "SQLite cannot alter that; write a migration that rebuilds the table"))
            }
            if schema.createFields.isEmpty, schema.deleteFields.isEmpty { return eventLoop.makeSucceededVoidFuture() }
        }
        return execute(sql: SQLSchemaConverter(delegate: DirectSQLiteConverterDelegate()).convert(schema)) { _ in }
    }

    func execute(enum: DatabaseEnum) -> EventLoopFuture<Void> { eventLoop.makeSucceededVoidFuture() }

    func withConnection<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        eventLoop.makeFutureWithTask { try await withConnection { try await closure($0).get() } }
    }

    func withConnection<T: Sendable>(_ closure: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if connection != nil { return try await closure(self) }
        let leased = try pool.lease()
        defer { pool.release(leased) }
        return try await closure(DirectSQLiteDatabase(pool: pool, connection: leased, context: context, inTransaction: inTransaction))
    }

    func transaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) -> EventLoopFuture<T>) -> EventLoopFuture<T> {
        eventLoop.makeFutureWithTask { try await transaction { try await closure($0).get() } }
    }

    /// Every SQLite transaction is a job of the write queue (`BEGIN IMMEDIATE`): a deferred one that read and then
    /// wrote could meet a writer that committed in between and fail with SQLITE_BUSY instead of waiting its turn.
    /// Inside a job already (this database, or another of the same file in the same task), the body joins it.
    func transaction<T: Sendable>(_ closure: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if inTransaction { return try await closure(self) }
        if let running = SQLiteWriteQueue.running, running.pool === pool { return try await closure(running) }
        return try await pool.writes.submit(pool: pool, context: context, closure)
    }
}

/// The SQLite driver's column types for Fluent schemas (its delegate is internal to it).
private struct DirectSQLiteConverterDelegate: SQLConverterDelegate {
    func customDataType(_ dataType: DatabaseSchema.DataType) -> (any SQLExpression)? {
        switch dataType {
        case .string: SQLRaw("TEXT")
        case .datetime: SQLRaw("REAL")
        case .int64: SQLRaw("INTEGER")
        case .enum: SQLRaw("TEXT")
        default: nil
        }
    }
}

/// A SQL row as Fluent reads it: field keys are column names, prefixed with the schema for joined models.
private struct SQLRowOutput: DatabaseOutput {
    let row: any SQLRow
    let schema: String?

    var description: String { String(describing: row) }

    private func column(_ key: FieldKey) -> String {
        (schema.map { .prefix(.prefix(.string($0), "_"), key) } ?? key).description
    }

    func schema(_ schema: String) -> any DatabaseOutput { SQLRowOutput(row: row, schema: schema) }
    func contains(_ key: FieldKey) -> Bool { row.contains(column: column(key)) }
    func decodeNil(_ key: FieldKey) throws -> Bool { try row.decodeNil(column: column(key)) }
    func decode<T: Decodable>(_ key: FieldKey, as type: T.Type) throws -> T { try row.decode(column: column(key), as: T.self) }
}

/// Group commit for SQLite: write transactions queue here and run back to back, as many as are waiting (up to
/// `batchLimit`), inside one `BEGIN IMMEDIATE … COMMIT`, each in its own savepoint so one that fails is undone
/// alone. One task drains the queue: the write lock changes hands once per batch, not once per request — that
/// hand-over (waking the next waiter on a busy thread pool) was what capped ticket issue (docs/benchmarks.md).
/// A caller hears back only after the commit, so nothing is reported written that is not. Being the one writer
/// of its database in the process, it never meets another in SQLite's busy handler (sleeps of 1–50 ms).
final class SQLiteWriteQueue: Sendable {
    private struct Job: Sendable {
        let pool: DirectSQLitePool
        let context: DatabaseContext
        let body: @Sendable (any Database) async throws -> Void
        let finish: @Sendable ((any Error)?) -> Void
    }
    private struct State {
        var pending: [Job] = []
        var draining = false
        var closed = false
        /// `close()` callers waiting for the batch under way.
        var drained: [CheckedContinuation<Void, Never>] = []
    }
    static let batchLimit = 64
    private let state = NIOLockedValueBox(State())
    /// For `/metrics` (issue #21, item 4): how many writes each commit carried, and how many still waited behind it.
    private let batchSize = Recorder(label: "layan_db_write_batch_size")
    private let waitingBehind = Gauge(label: "layan_db_write_queue_depth")
    /// The database of the job running in this task, so a transaction opened inside it joins it.
    @TaskLocal static var running: DirectSQLiteDatabase?

    /// Refuses new jobs and returns once those already queued have run.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLockedValue { state -> Bool in
                state.closed = true
                if state.draining { state.drained.append(continuation) }
                return !state.draining
            }
            if idle { continuation.resume() }
        }
    }

    func submit<T: Sendable>(pool: DirectSQLitePool, context: DatabaseContext, _ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let result = NIOLockedValueBox<T?>(nil)
            enqueue(Job(pool: pool, context: context, body: { db in
                let value = try await body(db)
                result.withLockedValue { $0 = value }
            }, finish: { error in
                if let error { continuation.resume(throwing: error) } else { continuation.resume(returning: result.withLockedValue { $0! }) }
            }))
        }
    }

    private func enqueue(_ job: Job) {
        enum Next { case queued, start, refused }
        let next = state.withLockedValue { state -> Next in
            if state.closed { return .refused }
            state.pending.append(job)
            if state.draining { return .queued }
            state.draining = true
            return .start
        }
        switch next {
        case .queued: break
        // High priority: the drain is the one writer every request waits on; behind the request tasks in the
        // thread pool's queue it was the bottleneck once the server had spare CPU (issue 4,600 → 5,100–5,350 req/s).
        case .start: Task(priority: .high) { await drain() }
        case .refused: job.finish(DirectSQLiteError.closed)
        }
    }

    private func drain() async {
        while true {
            // Lets the requests already running reach their writes before the batch is cut: batches under load
            // grew from ~4 to ~7 jobs, and each commit (its WAL pages) is shared by more tickets.
            await Task.yield()
            let (batch, drained, behind) = state.withLockedValue { state -> ([Job], [CheckedContinuation<Void, Never>], Int) in
                let batch = Array(state.pending.prefix(Self.batchLimit))
                state.pending.removeFirst(batch.count)
                guard batch.isEmpty else { return (batch, [], state.pending.count) }
                state.draining = false
                defer { state.drained = [] }
                return ([], state.drained, 0)
            }
            if batch.isEmpty {
                drained.forEach { $0.resume() }
                return
            }
            batchSize.record(batch.count)
            waitingBehind.record(behind)
            await run(batch)
        }
    }

    private func run(_ batch: [Job]) async {
        let pool = batch[0].pool
        var outcomes: [(any Error)?] = []
        do {
            let connection = try pool.lease()
            defer { pool.release(connection) }
            // The batch's own statements go straight to the connection: no SQL to build, nothing to bind.
            func control(_ sql: String) throws { try connection.execute(sql, [], onRow: { _ in }) }
            try control("BEGIN IMMEDIATE")
            do {
                for job in batch {
                    try control("SAVEPOINT layan_job")
                    do {
                        let jobDatabase = DirectSQLiteDatabase(pool: pool, connection: connection, context: job.context, inTransaction: true)
                        try await Self.$running.withValue(jobDatabase) { try await job.body(jobDatabase) }
                        outcomes.append(nil)
                    } catch {
                        try control("ROLLBACK TO layan_job")
                        outcomes.append(error)
                    }
                    try control("RELEASE layan_job")
                }
                try control("COMMIT")
            } catch {
                try? control("ROLLBACK")
                throw error
            }
        } catch {
            // The batch did not commit: every job in it failed, with the reason.
            outcomes = batch.map { _ in error }
        }
        for (job, outcome) in zip(batch, outcomes) { job.finish(outcome) }
    }
}
