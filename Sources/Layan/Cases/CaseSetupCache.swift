import Foundation
import LayanCore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// What filing a case reads about the agency's set-up — its branches (code, name, state) and the service standards
/// set per case type — kept for a second, as `QueueSetupCache` keeps a branch's queue set-up. Both are read for
/// every new case and change a few times a year; on PostgreSQL they were two round trips of five. Branches saved
/// through this instance clear it at once; another instance's changes show within a second.
final class CaseSetupCache: Sendable {
    struct Setup: Sendable {
        let branchesByCode: [String: BranchRef]
        let branchesByID: [UUID: BranchRef]
        let typeStandards: [CaseType: ServiceStandard]
    }

    let lifetime: Duration
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let kept = NIOLockedValueBox<(at: ContinuousClock.Instant, setup: Setup)?>(nil)

    /// `clock` is for tests, which move time on by hand.
    init(lifetime: Duration = .seconds(1), clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.lifetime = lifetime
        self.clock = clock
    }

    func setup(on sql: any SQLDatabase) async throws -> Setup {
        let now = clock()
        if let kept = kept.withLockedValue({ $0 }), now - kept.at < lifetime { return kept.setup }
        let branches = try await BranchRef.all(on: sql)
        struct StandardRow: Decodable { let type: CaseType; let acknowledge_days: Int; let resolve_days: Int }
        let standards = try await sql.raw("SELECT type, acknowledge_days, resolve_days FROM \(unsafeRaw: CaseTypeStandard.schema)")
            .all(decoding: StandardRow.self)
        let setup = Setup(
            branchesByCode: Dictionary(branches.map { ($0.code.uppercased(), $0) }, uniquingKeysWith: { first, _ in first }),
            branchesByID: Dictionary(branches.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }),
            typeStandards: Dictionary(standards.map { ($0.type, ServiceStandard(acknowledgeWorkingDays: $0.acknowledge_days, resolveWorkingDays: $0.resolve_days)) },
                                      uniquingKeysWith: { first, _ in first }))
        kept.withLockedValue { $0 = (now, setup) }
        return setup
    }

    func branch(code: String, on sql: any SQLDatabase) async throws -> BranchRef? {
        try await setup(on: sql).branchesByCode[code.uppercased()]
    }

    func branch(id: UUID, on sql: any SQLDatabase) async throws -> BranchRef? {
        try await setup(on: sql).branchesByID[id]
    }

    /// The standard the agency set for a type, if it set one (else the category's or PKPA's applies).
    func standard(for type: CaseType, on sql: any SQLDatabase) async throws -> ServiceStandard? {
        try await setup(on: sql).typeStandards[type]
    }

    func forget() { kept.withLockedValue { $0 = nil } }
}

extension Application {
    private struct CaseSetupCacheKey: StorageKey { typealias Value = CaseSetupCache }

    /// Set in `configure`.
    var caseSetupCache: CaseSetupCache {
        get { storage[CaseSetupCacheKey.self]! }
        set { storage[CaseSetupCacheKey.self] = newValue }
    }
}
