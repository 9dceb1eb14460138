import Fluent
import Foundation
import SQLKit
import SQLiteKit
import Testing
import VaporTesting
@testable import Layan
@testable import LayanStorage
@testable import LayanCore

/// The waiting counts the triggers keep (AddQueueWaitingCounts) against a count of the tickets themselves,
/// after every kind of change a ticket goes through; on both engines.
@Suite struct QueueWaitingCountTests {
    @Test func countsFollowEveryChange() async throws {
        try await withLayan { app in
            let q = try await QueueFixture.make(app)
            let engine = q.engine(app)
            let officer = try await q.officer(1, app)
            let sql = app.db as! any SQLDatabase
            func check(_ step: String) async throws {
                struct Row: Decodable { let service_id: UUID; let n: Int }
                let counted = try await sql.raw("SELECT service_id, COUNT(*) AS n FROM tickets WHERE status = 'waiting' GROUP BY service_id")
                    .all(decoding: Row.self)
                let kept = try await sql.raw("SELECT service_id, waiting AS n FROM queue_waiting WHERE waiting <> 0").all(decoding: Row.self)
                #expect(Dictionary(uniqueKeysWithValues: counted.map { ($0.service_id, $0.n) })
                        == Dictionary(uniqueKeysWithValues: kept.map { ($0.service_id, $0.n) }), "after \(step)")
            }
            var issued: [Ticket] = []
            for (i, category) in [CustomerCategory.regular, .seniorCitizen, .regular, .disabled, .regular].enumerated() {
                let service = i % 2 == 0 ? q.registration : q.licences
                issued.append(try await engine.issue(branch: q.branch, serviceID: service.id!, category: category, channel: "kiosk"))
            }
            try await check("issue")
            #expect(try await QueueAPIController.dto(issued[4], now: Date(), setups: app.queueSetupCache, on: app.db).position == 3)
            _ = try await engine.openCounter(q.counters[2].id!, officer: officer)
            let first = try #require(try await engine.callNext(counterID: q.counters[2].id!, officer: officer))
            try await check("call")
            let other = first.$service.id == q.registration.id! ? q.licences.id! : q.registration.id!
            _ = try await engine.transfer(first.id!, to: other, officer: officer)
            try await check("transfer")
            let second = try #require(try await engine.callNext(counterID: q.counters[2].id!, officer: officer))
            _ = try await engine.recall(second.id!, officer: officer)
            _ = try await engine.recall(second.id!, officer: officer)
            _ = try await engine.markNoShow(second.id!, officer: officer)
            try await check("no-show")
            let third = try #require(try await engine.callNext(counterID: q.counters[2].id!, officer: officer))
            _ = try await engine.start(third.id!, officer: officer)
            _ = try await engine.complete(third.id!, officer: officer)
            try await check("complete")
            try await Ticket.query(on: app.db).filter(\.$status == .waiting).limit(1).all().first?.delete(on: app.db)
            try await check("delete")
        }
    }
}

/// Layan's own SQLite driver (DirectSQLiteDriver): prepared statements reused with new binds, errors classified
/// as Fluent's are, a failed transaction leaving nothing. SQLite only: on PostgreSQL the driver is Vapor's.
@Suite struct DirectSQLiteDriverTests {
    @Test func preparedStatementsAreReusedWithTheirOwnBinds() async throws {
        try await withLayan { app in
            guard let db = app.db as? DirectSQLiteDatabase else { return }
            for n in [1, 2, 3, 2] {
                let row = try #require(try await db.raw("SELECT \(bind: n) * 10 AS v, \(bind: "x\(n)") AS s").first())
                #expect(try row.decode(column: "v", as: Int.self) == n * 10)
                #expect(try row.decode(column: "s", as: String.self) == "x\(n)")
            }
        }
    }

    @Test func errorsAreClassifiedAndTransactionsRollBack() async throws {
        try await withLayan { app in
            guard let db = app.db as? DirectSQLiteDatabase else { return }
            try await db.raw("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)").run()
            try await db.raw("INSERT INTO t (v) VALUES ('a')").run()
            do {
                try await db.raw("INSERT INTO t (v) VALUES ('a')").run()
                Issue.record("a duplicate was stored")
            } catch let error as DirectSQLiteError {
                #expect(error.isConstraintFailure && !error.isSyntaxError)
            }
            do {
                try await db.raw("SELEC nothing").run()
                Issue.record("bad SQL ran")
            } catch let error as DirectSQLiteError {
                #expect(error.isSyntaxError)
            }
            struct Stop: Error {}
            await #expect(throws: Stop.self) {
                try await db.writeTransaction { tx in
                    try await (tx as! any SQLDatabase).raw("INSERT INTO t (v) VALUES ('b')").run()
                    throw Stop()
                }
            }
            let count = try await db.raw("SELECT COUNT(*) AS n FROM t").first()?.decode(column: "n", as: Int.self)
            #expect(count == 1)
            // the statement that failed mid-transaction is usable again
            try await db.raw("INSERT INTO t (v) VALUES ('b')").run()
            #expect(try await db.raw("SELECT COUNT(*) AS n FROM t").first()?.decode(column: "n", as: Int.self) == 2)
        }
    }

    @Test func aFailingTransactionInABatchIsUndoneAloneAndTheRestCommit() async throws {
        try await withLayan { app in
            guard let db = app.db as? DirectSQLiteDatabase else { return }
            try await db.raw("CREATE TABLE g (n INTEGER NOT NULL)").run()
            struct Refused: Error {}
            // Sent at once, so they queue and run in shared batches (SQLiteWriteQueue).
            let outcomes = await withTaskGroup(of: (Int, Bool).self) { group in
                for n in 0..<40 {
                    group.addTask {
                        do {
                            try await db.writeTransaction { tx in
                                try await (tx as! any SQLDatabase).raw("INSERT INTO g (n) VALUES (\(bind: n))").run()
                                if n % 3 == 0 { throw Refused() }
                            }
                            return (n, true)
                        } catch { return (n, false) }
                    }
                }
                return await group.reduce(into: [Int: Bool]()) { $0[$1.0] = $1.1 }
            }
            #expect(outcomes.filter(\.value).count == 26)
            let stored = try await db.raw("SELECT n FROM g ORDER BY n").all().map { try $0.decode(column: "n", as: Int.self) }
            #expect(stored == (0..<40).filter { $0 % 3 != 0 })
        }
    }

    @Test func readThenWriteTransactionsWaitTheirTurnAndNestedOnesJoin() async throws {
        try await withLayan { app in
            guard app.db is DirectSQLiteDatabase else { return }
            let db = app.db
            try await (db as! any SQLDatabase).raw("CREATE TABLE r (n INTEGER NOT NULL)").run()
            // Each reads, then writes what it read: deferred transactions would meet SQLITE_BUSY; queued ones cannot.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await db.transaction { tx in
                            let sql = tx as! any SQLDatabase
                            let n = try await sql.raw("SELECT COUNT(*) AS n FROM r").first()?.decode(column: "n", as: Int.self) ?? 0
                            try await sql.raw("INSERT INTO r (n) VALUES (\(bind: n))").run()
                        }
                    }
                }
                try await group.waitForAll()
            }
            let values = try await (db as! any SQLDatabase).raw("SELECT n FROM r ORDER BY n").all().map { try $0.decode(column: "n", as: Int.self) }
            #expect(values == Array(0..<20))
            // A transaction opened on the application's database inside a running one joins it (it would otherwise
            // wait behind itself), and is undone with it.
            struct Stop: Error {}
            await #expect(throws: Stop.self) {
                try await db.writeTransaction { _ in
                    try await app.db.transaction { inner in try await (inner as! any SQLDatabase).raw("INSERT INTO r (n) VALUES (99)").run() }
                    throw Stop()
                }
            }
            #expect(try await (db as! any SQLDatabase).raw("SELECT COUNT(*) AS n FROM r WHERE n = 99").first()?.decode(column: "n", as: Int.self) == 0)
        }
    }
}

/// The direct driver's own conversions store and read exactly what SQLiteKit's do.
@Suite struct DirectSQLiteConversionTests {
    enum Colour: String, Encodable { case red }

    @Test func bindsMatchSQLiteKitsEncoder() throws {
        let encoder = SQLiteDataEncoder()
        let id = UUID()
        let values: [any Encodable] = [
            id, Optional(id), Optional<UUID>.none as UUID?, "teks", "", 42, -7, Date(timeIntervalSince1970: 1_795_000_000.5), true, false,
            3.25, Colour.red, ["a", "b"], Optional("x"),
        ]
        for value in values {
            #expect(try SQLiteBind.data(value) == encoder.encode(value), "\(value)")
        }
    }

    @Test func aShapesColumnsBindAsSQLiteKitsEncoderDoes() throws {
        // given a row with a value of every type a column converts without a cast, present and absent, and one it does not
        struct Row { let text: String?, number: Int?, id: UUID?, at: Date?, flag: Bool?, share: Double?, colour: Colour? }
        let shape = TableShape<Row>("t", [
            .init("text") { $0.text }, .init("number") { $0.number }, .init("id") { $0.id }, .init("at") { $0.at },
            .init("flag") { $0.flag }, .init("share") { $0.share }, .init("colour") { $0.colour }, .null("nothing"),
        ])
        let full = Row(text: "teks", number: -7, id: UUID(), at: Date(timeIntervalSince1970: 1_795_000_000.5), flag: true, share: 3.25, colour: .red)
        let empty = Row(text: nil, number: nil, id: nil, at: nil, flag: nil, share: nil, colour: nil)
        let encoder = SQLiteDataEncoder()
        for row in [full, empty] {
            // when the shape gives its SQLite values
            let bound = try shape.sqliteValues(of: row)
            // then each is what SQLiteKit's encoder makes of the same value
            let expected = try shape.values(of: row).map { try $0.map { try encoder.encode($0) } ?? .null }
            #expect(bound == expected)
        }
    }

    @Test func uuidTextMatchesFoundationBothWays() {
        for _ in 0 ..< 1_000 {
            let id = UUID()
            #expect(id.storedText == id.uuidString)
            #expect(UUID(storedText: id.uuidString) == id)
            #expect(UUID(storedText: id.uuidString.lowercased()) == id)
        }
        for bad in ["", "not-a-uuid", "0123456789ABCDEF0123456789ABCDEF0123", "01234567-89AB-CDEF-0123-456789ABCDEG", "01234567+89AB-CDEF-0123-456789ABCDEF"] {
            #expect(UUID(storedText: bad) == nil, "\(bad)")
        }
    }

    @Test func base64URLMatchesTheStandardAlphabetSwapped() {
        var generator = SystemRandomNumberGenerator()
        for length in 0 ... 70 {
            let data = Data((0 ..< length).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
            let reference = data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(data.base64URLEncodedString() == reference)
        }
        #expect(SessionToken.make().count == 43)
    }
}

@Suite struct APIJSONTests {
    @Test func jsonMediaTypesAreRecognisedInAnyCaseWithParameters() {
        for yes in ["application/json", "Application/JSON", "application/json; charset=utf-8", " application/json ;x=y"] {
            #expect(APIJSON.isJSON(yes), "\(yes)")
        }
        for no in ["", "text/plain", "application/jsonx", "application/json-patch+json", "application\u{0F}json", "multipart/form-data; boundary=x"] {
            #expect(!APIJSON.isJSON(no), "\(no)")
        }
    }
}
