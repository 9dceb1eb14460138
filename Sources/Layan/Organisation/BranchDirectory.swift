import Foundation
import LayanCore
import SQLKit
import Vapor

/// The agency's branches (id, code, name, state) kept for a second: every ticket and every new case names its
/// branch, and branches change a few times a year. Read whole, at most once a second per instance; a branch saved
/// through this instance clears it at once, another instance's change shows within a second.
final class BranchDirectory: Sendable {
    private struct Branches: Sendable {
        let byCode: [String: BranchRef]
        let byID: [UUID: BranchRef]
    }

    private let kept: KeptForAWhile<Branches>

    /// `clock` is for tests, which move time on by hand.
    init(lifetime: Duration = .seconds(1), clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        kept = KeptForAWhile(lifetime: lifetime, clock: clock)
    }

    /// A branch by its code, however it is cased (the API names branches by code).
    func branch(code: String, on sql: any SQLDatabase) async throws -> BranchRef? {
        try await current(on: sql).byCode[code.uppercased()]
    }

    func branch(id: UUID, on sql: any SQLDatabase) async throws -> BranchRef? {
        try await current(on: sql).byID[id]
    }

    func forget() { kept.forget() }

    private func current(on sql: any SQLDatabase) async throws -> Branches {
        try await kept.value {
            let branches = try await BranchRef.all(on: sql)
            return Branches(byCode: Dictionary(branches.map { ($0.code.uppercased(), $0) }, uniquingKeysWith: { first, _ in first }),
                            byID: Dictionary(branches.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }))
        }
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
