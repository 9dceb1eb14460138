import Foundation
import LayanCore
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// The agency's branches (id, code, name, state) kept for a second: every ticket and every new case names its
/// branch, and branches change a few times a year. Read whole, at most once a second per instance; a branch saved
/// through this instance clears it at once, another instance's change shows within a second.
final class BranchDirectory: Sendable {
    private struct Kept {
        let at: ContinuousClock.Instant
        let byCode: [String: BranchRef]
        let byID: [UUID: BranchRef]
    }

    let lifetime: Duration
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let kept = NIOLockedValueBox<Kept?>(nil)

    /// `clock` is for tests, which move time on by hand.
    init(lifetime: Duration = .seconds(1), clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.lifetime = lifetime
        self.clock = clock
    }

    /// A branch by its code, however it is cased (the API names branches by code).
    func branch(code: String, on sql: any SQLDatabase) async throws -> BranchRef? {
        try await current(on: sql).byCode[code.uppercased()]
    }

    func branch(id: UUID, on sql: any SQLDatabase) async throws -> BranchRef? {
        try await current(on: sql).byID[id]
    }

    func forget() { kept.withLockedValue { $0 = nil } }

    private func current(on sql: any SQLDatabase) async throws -> Kept {
        let now = clock()
        if let kept = kept.withLockedValue({ $0 }), now - kept.at < lifetime { return kept }
        let branches = try await BranchRef.all(on: sql)
        let fresh = Kept(at: now, byCode: Dictionary(branches.map { ($0.code.uppercased(), $0) }, uniquingKeysWith: { first, _ in first }),
                         byID: Dictionary(branches.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }))
        kept.withLockedValue { $0 = fresh }
        return fresh
    }
}

extension Application {
    private struct BranchDirectoryKey: StorageKey { typealias Value = BranchDirectory }

    /// Set in `configure`.
    var branchDirectory: BranchDirectory {
        get { storage[BranchDirectoryKey.self]! }
        set { storage[BranchDirectoryKey.self] = newValue }
    }
}
