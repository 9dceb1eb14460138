import Fluent
import Foundation
import LayanCore
import Vapor

/// Six weeks of served customers at every branch, so the Client Charter page and the queue figures show a real
/// month's achievement on a first run. Waits are drawn from a seeded generator (the same demo every time): most
/// customers are called within the service's target, a busy hour's few are not.
enum DemoQueueHistory {
    static let days = 42
    static let customersPerServicePerDay = 12

    static func load(on db: any Database, application app: Application) async throws {
        let calendar = try await app.calendarService.calendar(on: db, now: app.clock.now())
        let today = LocalDate(app.clock.now())
        for (index, branch) in try await Branch.query(on: db).sort(\.$code).all().enumerated() {
            let services = try await QueueService.query(on: db).filter(\.$branch.$id == branch.id!).sort(\.$letter).all()
            try await db.transaction { db in
                var random = SeededGenerator(seed: 2008 + UInt64(index))
                for back in 1...days {
                    let day = today.adding(days: -back)
                    guard calendar.isWorkingDay(day, in: branch.state) else { continue }
                    for service in services {
                        for n in 1...customersPerServicePerDay {
                            let arrived = day.startInstant.addingTimeInterval(8.5 * 3600 + Double(n) * 1_500 + Double(random.next() % 600))
                            // Within target four times in five; the rest up to twice the target.
                            let target = Double(service.targetWaitMinutes * 60)
                            let wait = random.next() % 5 == 0 ? target * (1 + Double(random.next() % 100) / 100) : target * Double(random.next() % 90 + 5) / 100
                            let ticket = Ticket()
                            ticket.$branch.id = branch.id!
                            ticket.$service.id = service.id!
                            ticket.serviceDate = day.iso
                            ticket.number = n
                            ticket.label = TicketLabel.make(letter: service.letter, number: n)
                            ticket.category = .regular
                            ticket.isPriority = false
                            ticket.status = .done
                            ticket.channel = "kiosk"
                            ticket.issuedAt = arrived
                            ticket.arrivedAt = arrived
                            ticket.calledAt = arrived.addingTimeInterval(wait)
                            ticket.servingStartedAt = ticket.calledAt
                            ticket.completedAt = arrived.addingTimeInterval(wait + service.averageHandlingSeconds)
                            ticket.recalls = 0
                            ticket.transfers = 0
                            ticket.firstServiceID = service.id!
                            ticket.statusKey = SessionToken.make()
                            ticket.waitSeconds = wait
                            ticket.targetWaitMinutes = service.targetWaitMinutes
                            ticket.metTarget = wait <= target
                            try await ticket.create(on: db)
                        }
                    }
                }
            }
        }
    }
}
