import Foundation
import LayanCore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// What issuing a ticket reads about a branch's set-up — its services, its priority categories, which services
/// its counters take — kept for a second. It is read for every customer who takes a number and changes a
/// few times a day; the estimate it feeds is already approximate. Changes made through this instance clear it at
/// once (counters opened or closed, set-up saved); another instance's show within a second.
final class QueueSetupCache: Sendable {
    struct Service: Sendable, Decodable {
        let id: UUID
        let letter: String
        let active: Bool
        let average_handling_seconds: Double
    }

    struct Setup: Sendable {
        let services: [UUID: Service]
        let priority: [CustomerCategory]
        /// The services of each counter, and whether it is open.
        let counters: [(services: [UUID], open: Bool)]

        func counters(serving service: UUID) -> ServingCounters {
            let serving = counters.filter { $0.services.contains(service) }
            return ServingCounters(open: serving.filter(\.open).count, configured: serving.count)
        }
    }

    static let lifetime: Duration = .seconds(1)
    private struct Entry {
        let at: ContinuousClock.Instant
        let setup: Setup
    }
    private let entries = NIOLockedValueBox<[UUID: Entry]>([:])

    func setup(of branchID: UUID, on sql: any SQLDatabase) async throws -> Setup {
        let now = ContinuousClock.now
        if let entry = entries.withLockedValue({ $0[branchID] }), now - entry.at < Self.lifetime { return entry.setup }
        let services = try await sql.select().columns("id", "letter", "active", "average_handling_seconds").from(QueueService.schema)
            .where("branch_id", .equal, branchID).all(decoding: Service.self)
        let priority = try await sql.select().column("priority_categories").from(QueueSettings.schema).where("branch_id", .equal, branchID)
            .first()?.decode(column: "priority_categories", as: [CustomerCategory].self) ?? QueueSettings.defaults(branchID: branchID).priorityCategories
        let counters = try await sql.select().columns("service_ids", "status").from(Counter.schema)
            .where("branch_id", .equal, branchID).all()
            .map { (services: try $0.decode(column: "service_ids", as: [UUID].self),
                    open: try $0.decode(column: "status", as: String.self) == CounterStatus.open.rawValue) }
        let setup = Setup(services: Dictionary(services.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }), priority: priority, counters: counters)
        entries.withLockedValue { $0[branchID] = Entry(at: now, setup: setup) }
        return setup
    }

    func forget(_ branchID: UUID) {
        entries.withLockedValue { $0[branchID] = nil }
    }
}

extension Application {
    private struct QueueSetupCacheKey: StorageKey { typealias Value = QueueSetupCache }

    /// Set in `configure`.
    var queueSetupCache: QueueSetupCache {
        get { storage[QueueSetupCacheKey.self]! }
        set { storage[QueueSetupCacheKey.self] = newValue }
    }
}
