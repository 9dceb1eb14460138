import Foundation
import LayanCore
import SQLKit
import Vapor

/// The service standards the agency set per case type, kept for a second: read for every new case, changed a
/// few times a year. (The case's branch comes from `BranchDirectory`, kept the same way.)
final class CaseSetupCache: Sendable {
    struct Standards: Sendable {
        var byType: [CaseType: ServiceStandard] = [:]
        var byBranch: [String: CaseBranchDays] = [:]
    }
    struct CaseBranchDays: Sendable { let acknowledge: Int?; let resolve: Int? }

    private let kept: KeptForAWhile<Standards>

    /// `clock` is for tests, which move time on by hand.
    init(lifetime: Duration = .seconds(1), clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        kept = KeptForAWhile(lifetime: lifetime, clock: clock)
    }

    /// The standard the agency set for a type at a branch, if it set one (else the category's or PKPA's applies): the
    /// branch's own working days from the charter (issue #19), then the type's.
    func standard(for type: CaseType, branch: UUID, on sql: any SQLDatabase) async throws -> ServiceStandard? {
        let standards = try await kept.value {
            struct TypeRow: Decodable { let type: CaseType; let acknowledge_days: Int; let resolve_days: Int }
            struct BranchRow: Decodable { let type: CaseType; let branch_id: UUID; let acknowledge_days: Int?; let resolve_days: Int? }
            var standards = Standards()
            for row in try await sql.raw("SELECT type, acknowledge_days, resolve_days FROM \(unsafeRaw: CaseTypeStandard.schema)").all(decoding: TypeRow.self) {
                standards.byType[row.type] = ServiceStandard(acknowledgeWorkingDays: row.acknowledge_days, resolveWorkingDays: row.resolve_days)
            }
            for row in try await sql.raw("SELECT type, branch_id, acknowledge_days, resolve_days FROM \(unsafeRaw: CaseBranchStandard.schema)")
                .all(decoding: BranchRow.self) {
                standards.byBranch["\(row.type.rawValue)|\(row.branch_id)"] = CaseBranchDays(acknowledge: row.acknowledge_days, resolve: row.resolve_days)
            }
            return standards
        }
        let typeStandard = standards.byType[type]
        guard let own = standards.byBranch["\(type.rawValue)|\(branch)"] else { return typeStandard }
        let base = typeStandard ?? .pkpaDefault
        return ServiceStandard(acknowledgeWorkingDays: own.acknowledge ?? base.acknowledgeWorkingDays, resolveWorkingDays: own.resolve ?? base.resolveWorkingDays)
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
