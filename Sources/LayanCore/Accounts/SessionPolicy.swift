import Foundation

/// Server-side session expiry: a staff session ends after 30 idle minutes or 12 hours in all, whichever
/// comes first (a counter officer's long day, but never an overnight session on a shared terminal).
public struct SessionPolicy: Sendable, Equatable {
    public var idleTimeout: TimeInterval
    public var absoluteTimeout: TimeInterval
    /// Last-seen is written at most this often, so most requests cost no write.
    public var touchInterval: TimeInterval

    public init(idleTimeout: TimeInterval = 30 * 60, absoluteTimeout: TimeInterval = 12 * 3600, touchInterval: TimeInterval = 60) {
        self.idleTimeout = idleTimeout
        self.absoluteTimeout = absoluteTimeout
        self.touchInterval = touchInterval
    }

    public func isExpired(createdAt: Date, lastSeenAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(lastSeenAt) > idleTimeout || now.timeIntervalSince(createdAt) > absoluteTimeout
    }

    public func needsTouch(lastSeenAt: Date, now: Date) -> Bool {
        now.timeIntervalSince(lastSeenAt) >= touchInterval
    }
}

/// Sign-in throttling: too many failures for one account, or from one address, within the window → wait.
public struct LoginThrottle: Sendable, Equatable {
    public var window: TimeInterval
    public var maxFailuresPerAccount: Int
    /// Higher than per account: a government office signs in from behind one NAT address.
    public var maxFailuresPerAddress: Int

    public init(window: TimeInterval = 15 * 60, maxFailuresPerAccount: Int = 5, maxFailuresPerAddress: Int = 20) {
        self.window = window
        self.maxFailuresPerAccount = maxFailuresPerAccount
        self.maxFailuresPerAddress = maxFailuresPerAddress
    }

    public func isBlocked(accountFailures: Int, addressFailures: Int) -> Bool {
        accountFailures >= maxFailuresPerAccount || addressFailures >= maxFailuresPerAddress
    }
}

/// Where to go after signing in: only a path on this site, never another host (no open redirect).
public enum SafeRedirect {
    public static func path(_ candidate: String?, fallback: String) -> String {
        guard let candidate, candidate.hasPrefix("/"), !candidate.hasPrefix("//"), !candidate.hasPrefix("/\\"),
              !candidate.contains("\r"), !candidate.contains("\n"), !candidate.contains("://") else { return fallback }
        return candidate
    }
}
