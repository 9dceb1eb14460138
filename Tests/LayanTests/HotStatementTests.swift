import Fluent
import Foundation
import SQLKit
import Testing
@testable import Layan
@testable import LayanStorage

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

    @Test func rowsWrittenAsArraysPerColumnComeBackAlike() async throws {
        try await withLayan { app in
            let sql = app.db as! any SQLDatabase
            guard sql.dialect.name == "postgresql" else { return }  // a PostgreSQL form of the batch
            try await sql.raw("CREATE TABLE hot_parent (id UUID PRIMARY KEY, name TEXT)").run()
            try await sql.raw("""
                CREATE TABLE hot_rows (id UUID PRIMARY KEY, parent UUID REFERENCES hot_parent (id), name TEXT, n BIGINT, flag BOOLEAN,
                at TIMESTAMPTZ, bytes BYTEA, x DOUBLE PRECISION, note TEXT, never UUID)
                """).run()
            let at = Date(timeIntervalSince1970: -86_400.5), parent = UUID()
            let columns = ["id", "parent", "name", "n", "flag", "at", "bytes", "x", "note", "never"]
            func rows(_ count: Int) -> [(UUID, [SQLValue])] {
                (0..<count).map { index in
                    let id = UUID()
                    return (id, [id, parent, "O'Brien \"\\ ‘é’ {\(index)}", index - 5, index % 2 == 0, at.addingTimeInterval(Double(index)),
                                 index == 1 ? nil : Data([0, 255, UInt8(index)]), 2.5 * Double(index), index == 2 ? "NULL" : nil, nil])
                }
            }
            // One row, then five: the same text each time, prepared once; parents and children in one statement.
            for count in [1, 5] {
                let written = rows(count)
                var batch = InsertBatch()
                if count == 1 { batch.add(into: "hot_parent", columns: ["id", "name"], [parent, "p"]) }
                for (_, values) in written { batch.add(into: "hot_rows", columns: columns, values) }
                try await batch.writeAsOneStatement(on: sql)
                for (index, (id, values)) in written.enumerated() {
                    let row = try #require(try await sql.hotRows("SELECT * FROM hot_rows WHERE id = ?", [id]).first)
                    #expect(try row.decode(column: "parent", as: UUID.self) == parent)
                    #expect(try row.decode(column: "name", as: String.self) == values[2] as? String)
                    #expect(try row.decode(column: "n", as: Int.self) == index - 5)
                    #expect(try row.decode(column: "flag", as: Bool.self) == (index % 2 == 0))
                    #expect(try abs(row.decode(column: "at", as: Date.self).timeIntervalSince(values[5] as! Date)) < 0.001)
                    #expect(try row.decode(column: "bytes", as: Data?.self) == values[6] as? Data)
                    #expect(try row.decode(column: "x", as: Double.self) == 2.5 * Double(index))
                    #expect(try row.decode(column: "note", as: String?.self) == values[8] as? String)
                    #expect(try row.decodeNil(column: "never"))
                }
            }
            let texts = PreparedPostgres.preparedTexts.filter { $0.contains("INSERT INTO \"hot_rows\"") }
            #expect(texts.count == 2)  // with its parent, and alone; not one per row count
            // A row naming a parent that is not there: the whole statement fails, nothing of it stays.
            var bad = InsertBatch()
            for (_, values) in rows(3) { bad.add(into: "hot_rows", columns: columns, values) }
            bad.add(into: "hot_rows", columns: columns, [UUID(), UUID(), "orphan", 0, true, at, nil, 0.0, nil, nil])
            let failing = bad
            await #expect(throws: (any Error).self) { try await failing.writeAsOneStatement(on: sql) }
            struct Count: Decodable { let n: Int }
            #expect(try await sql.raw("SELECT count(*) AS n FROM hot_rows").first(decoding: Count.self)?.n == 6)
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

/// The page of cases written by hand (`JSONText`) is the JSON the API's encoder writes.
@Suite struct JSONTextTests {
    @Test func aPageOfCasesIsWhatTheEncoderWrites() throws {
        func summary(_ subject: String, at seconds: Double, assignee: UUID?) throws -> CaseSummaryDTO {
            var object: [String: Any] = [
                "id": UUID().uuidString, "reference": "ADU-2026-000001", "type": "complaint", "status": "in_progress", "channel": "web",
                "subject": subject, "receivedAt": ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: seconds)),
                "acknowledgeDue": "2026-12-01", "resolveDue": "2026-12-21",
            ]
            if let assignee { object["assigneeId"] = assignee.uuidString }
            return try APIJSON.decoder.decode(CaseSummaryDTO.self, from: JSONSerialization.data(withJSONObject: object))
        }
        let subjects = ["Lampu jalan rosak", "\"quoted\" \\ back/slash", "line\nbreak\ttab\r\u{01}\u{1F}", "emoji 🙂 and 中文 and é", "</script>", ""]
        for next in [nil, "MTc4MDAwMDAwMC4w"] {
            let page = CasePageDTO(items: try subjects.enumerated().map { index, subject in
                try summary(subject, at: [0, 1_780_000_000, 1_780_000_000.999, -86_401, 4_102_444_799][index % 5], assignee: index % 2 == 0 ? UUID() : nil)
            }, next: next)
            func normalised(_ bytes: [UInt8]) throws -> Data {
                try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(bytes)), options: [.sortedKeys])
            }
            #expect(try normalised(page.json) == normalised(Array(APIJSON.encoder.encode(page))))
            #expect(try APIJSON.decoder.decode(CasePageDTO.self, from: Data(page.json)).items.map(\.subject) == subjects)
        }
        #expect(CasePageDTO(items: [], next: nil).json == Array(#"{"items":[]}"#.utf8))
    }

    @Test func aCaseIsWhatTheEncoderWrites() throws {
        func normalised(_ bytes: [UInt8]) throws -> Data {
            try JSONSerialization.data(withJSONObject: JSONSerialization.jsonObject(with: Data(bytes)), options: [.sortedKeys])
        }
        let at = Date(timeIntervalSince1970: 1_780_000_000.75)
        let bare = CaseDTO(
            id: UUID(), reference: "ADU-2026-000001", type: .complaint, status: .new, channel: .api, categoryId: nil, subject: "</script> \"x\"",
            description: "line\nbreak 🙂", anonymous: true,
            customer: .init(name: nil, email: nil, phone: nil, idDocument: nil, language: .en, contactBy: .sms, onBehalfOf: nil, consentGiven: false),
            branch: "SHA", divisionId: nil, service: nil, assigneeId: nil, receivedAt: at, acknowledgeDue: "2026-12-01", resolveDue: "2026-12-21",
            paused: false, acknowledgedAt: nil, resolvedAt: nil, closedAt: nil, acknowledgeMet: nil, resolveMet: nil, escalated: false,
            rejectionReason: nil, referTo: nil, satisfied: nil, timeline: nil, notifications: nil)
        let full = CaseDTO(
            id: UUID(), reference: "PTY-2026-000002", type: .inquiry, status: .resolved, channel: .phone, categoryId: UUID(), subject: "s",
            description: "d\t\u{01}", anonymous: false,
            customer: .init(name: "Siti ‘é’", email: "siti@example.my", phone: "012-3456789", idDocument: "900101-01-1234", language: .ms,
                            contactBy: .email, onBehalfOf: "Ali", consentGiven: true),
            branch: "KBR", divisionId: UUID(), service: "Lesen", assigneeId: UUID(), receivedAt: at, acknowledgeDue: "2026-12-01",
            resolveDue: "2026-12-21", paused: true, acknowledgedAt: at, resolvedAt: Date(timeIntervalSince1970: -86_401), closedAt: at,
            acknowledgeMet: true, resolveMet: false, escalated: true, rejectionReason: "r", referTo: "JPJ", satisfied: true,
            timeline: [TimelineEntryDTO(at: at, kind: "transition", public: true, fromStatus: .new, toStatus: .acknowledged, actor: "Aminah", body: nil),
                       TimelineEntryDTO(at: at, kind: "received", public: false, fromStatus: nil, toStatus: nil, actor: nil, body: "b")],
            notifications: [OutboxDTO(channel: "email", recipient: "siti@example.my", state: "failed", attempts: 3, lastError: "550", sentAt: nil),
                            OutboxDTO(channel: "sms", recipient: "60123456789", state: "sent", attempts: 1, lastError: nil, sentAt: at)])
        for dto in [bare, full] {
            #expect(try normalised(dto.json) == normalised(Array(APIJSON.encoder.encode(dto))))
        }
        let empty = CaseDTO(
            id: bare.id, reference: "r", type: .complaint, status: .new, channel: .api, categoryId: nil, subject: "", description: "", anonymous: true,
            customer: bare.customer, branch: "", divisionId: nil, service: nil, assigneeId: nil, receivedAt: at, acknowledgeDue: "", resolveDue: "",
            paused: false, acknowledgedAt: nil, resolvedAt: nil, closedAt: nil, acknowledgeMet: nil, resolveMet: nil, escalated: false,
            rejectionReason: nil, referTo: nil, satisfied: nil, timeline: [], notifications: [])
        #expect(try normalised(empty.json) == normalised(Array(APIJSON.encoder.encode(empty))))
    }

    @Test func datesAreWhatTheEncoderWrites() throws {
        struct Stamp: Encodable { let at: Date }
        for seconds in [0, 0.999, 1_780_000_000.5, 1_780_000_000.999_9, -0.5, -86_401.25, 951_782_400, 4_102_444_799.9] {
            let date = Date(timeIntervalSince1970: seconds)
            var text = JSONText()
            text.object { $0.field("at", date) }
            #expect(String(decoding: text.bytes, as: UTF8.self) == String(decoding: try APIJSON.encoder.encode(Stamp(at: date)), as: UTF8.self), "\(seconds)")
        }
    }
}
