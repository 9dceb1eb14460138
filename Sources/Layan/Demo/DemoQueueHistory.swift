import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// A year of served customers at every branch, so the Client Charter's twelve-month table and the queue figures
/// show real achievement on a first run. Waits are drawn from a seeded generator (the same demo every time): most
/// customers are called within the service's target and served within twice its handling time; in one month of
/// the year (three months ago, a counter short at Kota Bharu) many were not.
enum DemoQueueHistory {
    static let days = 365
    static let customersPerServicePerDay = 6
    static let columns = ["id", "branch_id", "service_id", "service_date", "number", "label", "category", "is_priority", "status", "channel",
                          "issued_at", "arrived_at", "called_at", "recalls", "serving_started_at", "completed_at", "transfers", "first_service_id",
                          "status_key", "wait_seconds", "target_wait_minutes", "met_target", "service_seconds"]
    /// The demo's visits also name the counter and the officer who served them (for the satisfaction figures).
    static let servedColumns = columns + ["counter_id", "officer_id"]

    static func load(on db: any Database, application app: Application) async throws {
        let calendar = try await app.calendarService.calendar(on: db, now: app.clock.now())
        let today = LocalDate(app.clock.now())
        let shortMonth = CharterMonth(containing: today).previous.previous.previous
        for (index, branch) in try await Branch.query(on: db).sort(\.$code).all().enumerated() {
            let services = try await QueueService.query(on: db).filter(\.$branch.$id == branch.id!).sort(\.$letter).all()
            var random = SeededGenerator(seed: 2008 + UInt64(index))
            let counters = try await Counter.query(on: db).filter(\.$branch.$id == branch.id!).sort(\.$number).all()
            let officers = try await Staff.query(on: db).filter(\.$branch.$id == branch.id!).sort(\.$email).all()
                .filter { $0.roles.contains(.counterOfficer) || $0.roles.contains(.supervisor) }
            var rows: [[SQLValue]] = []
            for back in 1...days {
                let day = today.adding(days: -back)
                guard calendar.isWorkingDay(day, in: branch.state) else { continue }
                let short = index == 0 && day >= shortMonth.first && day < shortMonth.next
                for service in services {
                    for n in 1...customersPerServicePerDay {
                        let arrived = day.startInstant.addingTimeInterval(8.5 * 3600 + Double(n) * 3_000 + Double(random.next() % 600))
                        // Within target nine times in ten (half the time when a counter is short); the rest up to twice it.
                        let target = Double(service.targetWaitMinutes * 60)
                        let late = random.next() % 10 < (short ? 5 : 1)
                        let wait = late ? target * (1 + Double(random.next() % 100 + 1) / 100) : target * Double(random.next() % 90 + 5) / 100
                        let served = service.averageHandlingSeconds * Double(random.next() % 180 + 50) / 100
                        rows.append([UUID(), branch.id!, service.id!, day.iso, n, TicketLabel.make(letter: service.letter, number: n),
                                     CustomerCategory.regular.rawValue, false, TicketStatus.done.rawValue, "kiosk", arrived, arrived,
                                     arrived.addingTimeInterval(wait), 0, arrived.addingTimeInterval(wait), arrived.addingTimeInterval(wait + served), 0,
                                     service.id!, SessionToken.make(), wait, service.targetWaitMinutes, wait <= target, served]
                                    + Self.servedBy(service.id!, n: n, counters: counters, officers: officers))
                    }
                }
            }
            let all = rows
            try await db.writeTransaction { db in
                for start in stride(from: 0, to: all.count, by: 500) {
                    try await db.sql.insertRows(into: Ticket.schema, columns: servedColumns, Array(all[start..<min(all.count, start + 500)]))
                }
            }
        }
    }

    /// A counter that serves the service and an officer at it, taking turns (both nil when the branch has none).
    static func servedBy(_ service: UUID, n: Int, counters: [Counter], officers: [Staff]) -> [SQLValue] {
        let serving = counters.filter { $0.serviceIDs.contains(service) }
        guard !serving.isEmpty, !officers.isEmpty else { return [nil, nil] }
        return [serving[n % serving.count].id!, officers[n % officers.count].id!]
    }
}
