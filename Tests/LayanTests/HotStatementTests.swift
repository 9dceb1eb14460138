import Fluent
import Foundation
import SQLKit
import Testing
@testable import Layan

/// The hot paths' hand-written statements (`hotRows`): SQLite's connection straight, PostgreSQL's prepared statements.
@Suite struct HotStatementTests {
    @Test func placeholdersBecomeTypedParametersAndNilsNull() throws {
        let statement = try #require(PostgresStatement("INSERT INTO \"tä\" (a, b, c) VALUES (?, ?, ?)", ["x", nil, 3]))
        #expect(statement.sql == "INSERT INTO \"tä\" (a, b, c) VALUES ($1::text, NULL, $2::int8)")
        #expect(statement.bindings.count == 2)
        let typed = try #require(PostgresStatement("SELECT ?, ?, ?, ?, ?, ?, ?, ?",
                                                   ["é", UUID(), 1, true, Date(timeIntervalSince1970: 0), Data([1, 2]), 1.5, nil]))
        #expect(typed.sql == "SELECT $1::text, $2::uuid, $3::int8, $4::bool, $5::timestamptz, $6::bytea, $7::float8, NULL")
        #expect(typed.bindings.count == 7)
        // A value for each placeholder, of a type whose PostgreSQL type is known: anything else goes through SQLKit.
        #expect(PostgresStatement("SELECT ?, ?", ["only one"]) == nil)
        #expect(PostgresStatement("SELECT ?", ["one", "two"]) == nil)
        struct Unlisted: Encodable, Sendable { let x = 1 }
        #expect(PostgresStatement("SELECT ?", [Unlisted()]) == nil)
    }

    @Test func everyBoundTypeGoesInAndComesBackAlike() async throws {
        try await withLayan { app in
            let sql = app.db as! any SQLDatabase
            let postgres = sql.dialect.name == "postgresql"
            try await sql.raw(postgres
                ? "CREATE TABLE hot_test (id UUID PRIMARY KEY, name TEXT, n BIGINT, flag BOOLEAN, at TIMESTAMPTZ, bytes BYTEA, x DOUBLE PRECISION, note TEXT)"
                : "CREATE TABLE hot_test (id TEXT PRIMARY KEY, name TEXT, n INTEGER, flag BOOLEAN, at REAL, bytes BLOB, x REAL, note TEXT)").run()
            let insert = "INSERT INTO hot_test (id, name, n, flag, at, bytes, x, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            let at = Date(timeIntervalSince1970: 1_780_000_000.25)
            let ids = [UUID(), UUID()]
            for (index, id) in ids.enumerated() {
                _ = try await sql.hotRows(insert, [id, "Siti ‘é’ \(index)", index - 5, index == 0, at, Data([0, 255, UInt8(index)]), 2.5, nil])
            }
            // Run twice: the second time PostgreSQL runs the statement it prepared the first time.
            for _ in 0..<2 {
                let rows = try await sql.hotRows("SELECT id, name, n, flag, at, bytes, x, note FROM hot_test WHERE id = ? AND n < ?", [ids[1], 0])
                #expect(rows.count == 1)
                let row = try #require(rows.first)
                #expect(try row.decode(column: "id", as: UUID.self) == ids[1])
                #expect(try row.decode(column: "name", as: String.self) == "Siti ‘é’ 1")
                #expect(try row.decode(column: "n", as: Int.self) == -4)
                #expect(try row.decode(column: "flag", as: Bool.self) == false)
                #expect(try abs(row.decode(column: "at", as: Date.self).timeIntervalSince(at)) < 0.001)
                #expect(try row.decode(column: "bytes", as: Data.self) == Data([0, 255, 1]))
                #expect(try row.decode(column: "x", as: Double.self) == 2.5)
                #expect(try row.decodeNil(column: "note"))
            }
            if postgres {
                #expect(PreparedPostgres.preparedTexts.contains(try #require(PostgresStatement(insert, [ids[0], "", 0, true, at, Data(), 0.0, nil])).sql))
            }
        }
    }

    @Test func aFailingStatementGivesItsConnectionBack() async throws {
        try await withLayan { app in
            let sql = app.db as! any SQLDatabase
            try await sql.raw("CREATE TABLE hot_unique (code TEXT PRIMARY KEY)").run()
            _ = try await sql.hotRows("INSERT INTO hot_unique (code) VALUES (?)", ["A"])
            // More failures than the pool has connections: a connection kept by a failed statement would stall the last.
            for _ in 0..<40 {
                do {
                    _ = try await sql.hotRows("INSERT INTO hot_unique (code) VALUES (?)", ["A"])
                    Issue.record("a duplicate key was accepted")
                } catch let error as any DatabaseError {
                    #expect(error.isConstraintFailure)  // answered as 409 Conflict, not a 500
                }
            }
            _ = try await sql.hotRows("INSERT INTO hot_unique (code) VALUES (?)", ["B"])
            #expect(try await sql.hotRows("SELECT code FROM hot_unique ORDER BY code", []).map { try $0.decode(column: "code", as: String.self) } == ["A", "B"])
        }
    }

    @Test func aStatementThatFailedToPrepareIsPreparedAgainLater() async throws {
        guard TestDatabase.engine == "postgresql" else { return }
        try await withLayan { app in
            try await (app.db as! any SQLDatabase).raw("CREATE TABLE hot_later (code TEXT PRIMARY KEY)").run()
            let insert = "INSERT INTO hot_later (code) VALUES (?) RETURNING code"
            // One connection throughout: PostgresNIO keeps a failed preparation's error per connection. (Fluent's
            // `transaction` is a no-op on a lent connection, so the transaction is written out.)
            try await app.db.withConnection { db in
                let sql = db as! any SQLDatabase
                try await sql.raw("BEGIN").run()
                do { try await sql.raw("SELECT * FROM no_such_table").run() } catch {}
                // The transaction is aborted, so the first preparation of this text fails.
                await #expect(throws: (any Error).self) { _ = try await sql.hotRows(insert, ["in an aborted transaction"]) }
                try await sql.raw("ROLLBACK").run()
                let rows = try await sql.hotRows(insert, ["afterwards"])
                #expect(try rows.map { try $0.decode(column: "code", as: String.self) } == ["afterwards"])
            }
        }
    }

    @Test func workNearTheConnectionsRunsOnTheirEventLoopOnPostgreSQLOnly() async throws {
        try await withLayan { app in
            let db = app.db
            let onLoop = try await db.nearItsConnections { db.eventLoop.inEventLoop }
            #expect(onLoop == (TestDatabase.engine == "postgresql"))
            // And its statements still answer from there.
            let rows = try await db.nearItsConnections { try await (db as! any SQLDatabase).hotRows("SELECT ? AS n", [7]) }
            #expect(try rows.first?.decode(column: "n", as: Int.self) == 7)
        }
    }
}
