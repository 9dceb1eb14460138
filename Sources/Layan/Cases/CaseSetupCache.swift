import Foundation
import LayanCore
import SQLKit
import Vapor

/// The service standards the agency set per case type, kept for a second: read for every new case, changed a
/// few times a year. (The case's branch comes from `BranchDirectory`, kept the same way.)
final class CaseSetupCache: Sendable {
    private let kept: KeptForAWhile<[CaseType: ServiceStandard]>

    /// `clock` is for tests, which move time on by hand.
    init(lifetime: Duration = .seconds(1), clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        kept = KeptForAWhile(lifetime: lifetime, clock: clock)
    }

    /// The standard the agency set for a type, if it set one (else the category's or PKPA's applies).
    func standard(for type: CaseType, on sql: any SQLDatabase) async throws -> ServiceStandard? {
        try await kept.value {
            struct Row: Decodable { let type: CaseType; let acknowledge_days: Int; let resolve_days: Int }
            let rows = try await sql.raw("SELECT type, acknowledge_days, resolve_days FROM \(unsafeRaw: CaseTypeStandard.schema)").all(decoding: Row.self)
            return Dictionary(rows.map { ($0.type, ServiceStandard(acknowledgeWorkingDays: $0.acknowledge_days, resolveWorkingDays: $0.resolve_days)) },
                              uniquingKeysWith: { first, _ in first })
        }[type]
    }
}

extension Application {
    private struct CaseSetupCacheKey: StorageKey { typealias Value = CaseSetupCache }

    /// Set in `configure`.
    var caseSetupCache: CaseSetupCache {
        get { storage[CaseSetupCacheKey.self]! }
        set { storage[CaseSetupCacheKey.self] = newValue }
    }
}
