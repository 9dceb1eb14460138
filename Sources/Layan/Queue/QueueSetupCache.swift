import Foundation
import LayanCore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// What issuing a ticket and placing one read about a branch's set-up — its services, its priority categories and
/// calling policy, which services its counters take — kept for a second. It is read for every customer who takes a number and changes a
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
        let policy: CallingPolicy
        /// The services of each counter, and whether it is open.
        let counters: [(services: [UUID], open: Bool)]

        func counters(serving service: UUID) -> ServingCounters { ServingCounters(for: service, among: counters) }
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
        let defaults = QueueSettings.defaults(branchID: branchID)
        let settings = try await sql.select().columns("priority_categories", "priority_share", "regular_share", "ageing_cap_minutes")
            .from(QueueSettings.schema).where("branch_id", .equal, branchID).first()
        let priority = try settings?.decode(column: "priority_categories", as: [CustomerCategory].self) ?? defaults.priorityCategories
        let policy = try settings.map {
            CallingPolicy(priorityShare: try $0.decode(column: "priority_share", as: Int.self), regularShare: try $0.decode(column: "regular_share", as: Int.self),
                          ageingCap: Double(try $0.decode(column: "ageing_cap_minutes", as: Int.self) * 60))
        } ?? defaults.policy
        let counters = try await sql.select().columns("service_ids", "status").from(Counter.schema)
            .where("branch_id", .equal, branchID).all()
            .map { (services: try $0.decode(column: "service_ids", as: [UUID].self),
                    open: try $0.decode(column: "status", as: String.self) == CounterStatus.open.rawValue) }
        let setup = Setup(services: Dictionary(services.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }), priority: priority, policy: policy, counters: counters)
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
