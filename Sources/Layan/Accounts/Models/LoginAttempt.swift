import Fluent
import Foundation
import LayanStorage
import SQLKit

/// One sign-in attempt, for throttling. Kept in the database so every instance sees the same count.
final class LoginAttempt: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "login_attempts"

    @ID(key: .id) var id: UUID?
    @Field(key: "email") var email: String
    @Field(key: "ip") var ip: String
    @Field(key: "succeeded") var succeeded: Bool
    @Field(key: "at") var at: Date

    init() {}

    init(email: String, ip: String, succeeded: Bool, at: Date) {
        self.email = email
        self.ip = ip
        self.succeeded = succeeded
        self.at = at
    }
}
