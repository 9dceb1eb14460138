import Fluent
import Foundation
import LayanCore
import LayanStorage

/// Sign-in attempts, reserved before the password is checked: counting the failures and recording the attempt are one
/// step, so attempts sent at once cannot all pass a count read before any of them was written (issue 15: 100 attempts
/// sent together were all checked).
enum LoginAttemptStore {
    /// Records an attempt as failed unless it later succeeds, if the account and the address are under their limits;
    /// nil when either is over. Runs under a lock per account and per address (`lockUntilCommit`).
    static func reserve(email: String, ip: String, at now: Date, throttle: LoginThrottle, on db: any Database) async throws -> UUID? {
        let since = now.addingTimeInterval(-throttle.window)
        return try await db.writeTransaction { db in
            try await db.lockUntilCommit(["layan.sign-in.account:" + email, "layan.sign-in.address:" + ip])
            let accountFailures = try await LoginAttempt.query(on: db)
                .filter(\.$email == email).filter(\.$at >= since).filter(\.$succeeded == false).count()
            let addressFailures = try await LoginAttempt.query(on: db)
                .filter(\.$ip == ip).filter(\.$at >= since).filter(\.$succeeded == false).count()
            guard !throttle.isBlocked(accountFailures: accountFailures, addressFailures: addressFailures) else { return nil }
            let attempt = LoginAttempt(email: email, ip: ip, succeeded: false, at: now)
            try await attempt.create(on: db)
            return try attempt.requireID()
        }
    }

    /// The reserved attempt's password was right: it no longer counts as a failure.
    static func succeeded(_ attemptID: UUID, on db: any Database) async throws {
        try await LoginAttempt.query(on: db).filter(\.$id == attemptID).set(\.$succeeded, to: true).update()
    }
}
