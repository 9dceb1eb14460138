import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore
import LayanStorage
import SQLKit

/// The calls' counts kept per day, hour, queue and agent (issue #18, item 8): always what counting the stored calls
/// afresh gives — after an import, a repeat, a live record corrected by the log, and a new standard.
@Suite struct TelephoneCountsTests {
    let telephone = TelephoneTests()

    /// The kept rows, in a fixed order, as text (a row per group).
    static func kept(_ app: Application) async throws -> [String] {
        try await app.db.sql.raw("SELECT * FROM telephone_call_counts ORDER BY local_day, local_hour, queue, agent").all().map { row in
            let names = ["local_day", "queue", "agent"]
            let numbers = ["local_hour"] + TelephoneCallCounts.columns.map(\.name)
            return try names.map { try row.decode(column: $0, as: String.self) }.joined(separator: "|") + "|"
                + numbers.map { String(try row.decode(column: $0, as: Int.self)) }.joined(separator: ",")
        }
    }

    /// What counting every stored call again gives (in a transaction that is rolled back).
    static func recounted(_ app: Application) async throws -> [String] {
        struct Undo: Error { let rows: [String] }
        do {
            try await app.db.writeTransaction { db in
                try await TelephoneCallCounts.recountAll(standard: try await TelephoneSettings.current(on: db).standard, on: db.sql)
                throw Undo(rows: try await Self.kept(app))
            }
        } catch let undo as Undo { return undo.rows }
        Issue.record("the recount was not rolled back")
        return []
    }

    @Test func theKeptCountsEqualTheCallsAfterImportsAndARepeat() async throws {
        try await telephone.withDesk { desk in
            // given the known day and its rotated successor, the first imported twice
            for name in ["known-day.queue_log", "known-day.queue_log", "known-day-part2.queue_log"] {
                _ = try await QueueLogImport(app: desk.app).run(file: TelephoneTests.file(name))
            }
            // when the counts are read
            let kept = try await Self.kept(desk.app)
            // then every call is counted once, as counting the calls afresh gives
            #expect(!kept.isEmpty)
            #expect(kept == (try await Self.recounted(desk.app)))
            let offered = try await desk.app.db.sql.raw("SELECT CAST(SUM(offered) AS BIGINT) AS n FROM telephone_call_counts").first()?.decode(column: "n", as: Int.self)
            #expect(offered == (try await TelephoneCall.query(on: desk.app.db).count()))
        }
    }

    @Test func aLiveRecordCorrectedByTheLogIsCountedOnceWithTheLogsFigures() async throws {
        try await telephone.withDesk { desk in
            // given the live feed's record of a call, with a wait the log will correct, and the agent it names
            let live = PBXCall(callID: "1762045210.1", queue: "operator", caller: "0123456789", enteredAt: 1_793_581_210, outcome: .answered,
                               waitSeconds: 400, talkSeconds: 10, ringNoAnswer: 0, agent: "PJSIP/9999")
            try await CallWriter(app: desk.app).write([TelephoneCall.New(call: live, staffID: nil, source: .live)])
            // when the day's log is imported
            let report = try await QueueLogImport(app: desk.app).run(file: TelephoneTests.file("known-day.queue_log"))
            // then the call is counted once, with the log's wait (the live record's 400 s longest wait is gone)
            #expect(report.callsCorrected == 1)
            #expect(try await Self.kept(desk.app) == (try await Self.recounted(desk.app)))
            let day = try await telephone.figures(desk)
            #expect(day.total.counts.offered == 12 && day.total.counts.longestWait == 300)
            #expect(!day.byAgent.contains { $0.group == "PJSIP/9999" })
        }
    }

    @Test func aNewStandardCountsEveryCallAgainUnderItsSeconds() async throws {
        try await telephone.withDesk { desk in
            // given the known day counted under the 10-second standard (4 of 6 answered within)
            _ = try await QueueLogImport(app: desk.app).run(file: TelephoneTests.file("known-day.queue_log"))
            #expect(try await telephone.figures(desk).total.counts.answeredWithin == 4)
            // when the supervisor sets 120 seconds
            _ = try await desk.browser.signIn(TestStaff.email(.supervisor))
            _ = try await desk.browser.get(SiteURL.telephone(.settings).path)
            let saved = try await desk.browser.post(SiteURL.telephone(.settings).path, form: ["answerWithinSeconds": "120", "formula": "answered", "shortAbandonSeconds": "5",
                                                                                           "targetPercent": "80", "announceEverySeconds": "20", "messageReturnWorkingDays": "1", "queues": "operator"])
            #expect(saved.status == .seeOther)
            // then every answered call (none waited over 54 s) is within it, and the counts are the calls' own
            #expect(try await telephone.figures(desk).total.counts.answeredWithin == 6)
            #expect(try await Self.kept(desk.app) == (try await Self.recounted(desk.app)))
        }
    }
}
