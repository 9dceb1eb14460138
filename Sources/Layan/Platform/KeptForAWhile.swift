import NIOConcurrencyHelpers

/// A value read from the database and kept for a short lifetime (`BranchDirectory`, `CaseSetupCache`): set-up read
/// on every request and changed a few times a year. Changes through this instance call `forget`; another
/// instance's show once the lifetime is over.
final class KeptForAWhile<Value: Sendable>: Sendable {
    let lifetime: Duration
    private let clock: @Sendable () -> ContinuousClock.Instant
    private let kept = NIOLockedValueBox<(at: ContinuousClock.Instant, value: Value)?>(nil)

    /// `clock` is for tests, which move time on by hand.
    init(lifetime: Duration, clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.lifetime = lifetime
        self.clock = clock
    }

    /// The kept value, or a fresh one from `load` once the lifetime is over.
    func value(_ load: () async throws -> Value) async throws -> Value {
        let now = clock()
        if let kept = kept.withLockedValue({ $0 }), now - kept.at < lifetime { return kept.value }
        let fresh = try await load()
        kept.withLockedValue { $0 = (now, fresh) }
        return fresh
    }

    func forget() { kept.withLockedValue { $0 = nil } }
}
