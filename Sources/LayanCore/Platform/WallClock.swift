import Foundation

/// The source of "now". Injected everywhere so tests control time (design.md: a clock is injected).
public protocol WallClock: Sendable {
    func now() -> Date
}

public struct SystemClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that stands still until a test moves it.
public final class FixedClock: WallClock, @unchecked Sendable {
    // @unchecked: the only state is `current`, guarded by `lock`.
    private let lock = NSLock()
    private var current: Date

    public init(_ date: Date) { current = date }

    public func now() -> Date { lock.withLock { current } }

    public func advance(by seconds: TimeInterval) { lock.withLock { current += seconds } }

    public func set(_ date: Date) { lock.withLock { current = date } }
}
