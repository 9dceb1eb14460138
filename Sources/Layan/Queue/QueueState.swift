import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// A call as the display board announces it.
struct QueueCall: Codable, Sendable, Equatable {
    let label: String
    let number: Int
    let letter: String
    let counter: Int
    let recall: Bool
    let at: Date

    /// PKPA 1/2008 (counter rule 8): announcements. Malay first, then English.
    var announcementMs: String { "Nombor \(letter) \(number), sila ke kaunter \(counter)" }
    var announcementEn: String { "Number \(letter) \(number), please go to counter \(counter)" }

    enum CodingKeys: String, CodingKey { case label, number, letter, counter, recall, at, announcementMs, announcementEn }

    init(label: String, number: Int, letter: String, counter: Int, recall: Bool, at: Date) {
        self.label = label; self.number = number; self.letter = letter; self.counter = counter; self.recall = recall; self.at = at
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        label = try c.decode(String.self, forKey: .label)
        number = try c.decode(Int.self, forKey: .number)
        letter = try c.decode(String.self, forKey: .letter)
        counter = try c.decode(Int.self, forKey: .counter)
        recall = try c.decode(Bool.self, forKey: .recall)
        at = try c.decode(Date.self, forKey: .at)
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(label, forKey: .label); try c.encode(number, forKey: .number); try c.encode(letter, forKey: .letter)
        try c.encode(counter, forKey: .counter); try c.encode(recall, forKey: .recall); try c.encode(at, forKey: .at)
        try c.encode(announcementMs, forKey: .announcementMs); try c.encode(announcementEn, forKey: .announcementEn)
    }
}

/// A branch's queue right now: what the display board shows and `getQueueState` returns.
struct QueueState: Content {
    struct Service: Codable, Sendable {
        let id: UUID
        let letter: String
        let nameMs: String
        let nameEn: String
        let waiting: Int
        let openCounters: Int
        /// nil when no open counter takes the service.
        let estimatedWaitMinutes: Int?
        let targetWaitMinutes: Int
    }

    struct CounterNow: Codable, Sendable {
        let id: UUID
        let number: Int
        let type: CounterType
        let status: CounterStatus
        let serving: String?
    }

    let branchCode: String
    let branchName: String
    let hoursToday: String?
    let services: [Service]
    let counters: [CounterNow]
    let recentCalls: [QueueCall]
    let generatedAt: Date
}

enum QueueStateBuilder {
    static func build(branchID: UUID, on db: any Database, now: Date) async throws -> QueueState {
        guard let branch = try await Branch.find(branchID, on: db) else { throw QueueError.unknownBranch }
        let services = try await QueueService.query(on: db).filter(\.$branch.$id == branchID).filter(\.$active == true).sort(\.$letter).all()
        let counters = try await Counter.query(on: db).filter(\.$branch.$id == branchID).sort(\.$number).all()
        // Counted in the database: a busy branch has thousands of waiting tickets, and this runs on every change.
        let waitingByService = try await TicketStore.waitingByService(at: branchID, on: db.sql)
        let atCounters = try await Ticket.query(on: db).filter(\.$branch.$id == branchID).filter(\.$status ~~ [.called, .serving]).all()
        let recent = try await TicketEvent.query(on: db).filter(\.$branchID == branchID).filter(\.$kind ~~ [.called, .recalled])
            .filter(\.$at >= now.addingTimeInterval(-12 * 3600)).sort(\.$at, .descending).limit(8).all()
        let labels = try await Ticket.query(on: db).filter(\.$id ~~ recent.map { $0.$ticket.id }).all()
        let counterNumbers = Dictionary(uniqueKeysWithValues: counters.map { ($0.id!, $0.number) })
        let day = LocalDate(now)
        let hours = branch.hours.days[day.weekday].map { "\($0.opens)–\($0.closes)" }
        return QueueState(
            branchCode: branch.code, branchName: branch.name, hoursToday: hours,
            services: services.map { service in
                let waiting = waitingByService[service.id!] ?? 0
                let serving = ServingCounters(for: service.id!, among: counters.map { (services: $0.serviceIDs, open: $0.status == .open) })
                // The wait of a number taken now: everyone waiting is ahead of it.
                let estimate = WaitEstimate.seconds(ahead: waiting, counters: serving, averageHandling: service.averageHandlingSeconds)
                return QueueState.Service(id: service.id!, letter: service.letter, nameMs: service.nameMs, nameEn: service.nameEn,
                                          waiting: waiting, openCounters: serving.open, estimatedWaitMinutes: estimate.map(WaitEstimate.minutes),
                                          targetWaitMinutes: service.targetWaitMinutes)
            },
            counters: counters.map { counter in
                QueueState.CounterNow(id: counter.id!, number: counter.number, type: counter.type, status: counter.status,
                                      serving: atCounters.first { $0.$counter.id == counter.id }?.label)
            },
            recentCalls: recent.compactMap { event in
                guard let ticket = labels.first(where: { $0.id == event.$ticket.id }), let counterID = event.counterID,
                      let number = counterNumbers[counterID] else { return nil }
                return QueueCall(label: ticket.label, number: ticket.number, letter: String(ticket.label.prefix(1)), counter: number,
                                 recall: event.kind == .recalled, at: event.at)
            },
            generatedAt: now)
    }
}
