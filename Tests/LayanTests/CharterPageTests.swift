import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// The public Client Charter page: the commitments as configured, and the month's achievement counted from the
/// tickets and cases themselves.
@Suite struct CharterPageTests {
    @Test func theMonthsCounterAchievementIsCountedFromTheTickets() async throws {
        try await withLayan { app in
            // given four customers called this month, three within the target
            let q = try await QueueFixture.make(app)
            let engine = q.engine(app)
            for met in [true, true, true, false] {
                let ticket = try await engine.issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk")
                try await Ticket.query(on: app.db).filter(\.$id == ticket.id!).set(\.$metTarget, to: met).update()
            }
            // when a visitor opens the charter
            let page = try await TestBrowser(app).get("/piagam")
            // then it states the counter's target and 75 % kept, 3 of 4
            #expect(page.status == .ok)
            let text = page.body.string
            #expect(text.contains("\(q.registration.targetWaitMinutes) minit"))
            #expect(text.contains("75 %") && text.contains("3 daripada 4"))
        }
    }

    @Test func aMonthWithNothingMeasuredSaysSoRatherThanZero() async throws {
        try await withLayan { app in
            let page = try await TestBrowser(app).get("/piagam")
            #expect(page.status == .ok && page.body.string.contains("Belum diukur") && !page.body.string.contains("0 %"))
        }
    }
}
