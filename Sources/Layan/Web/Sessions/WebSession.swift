import Fluent
import Foundation
import LayanStorage
import SQLKit

/// A browser session, stored server-side so it can expire, be rotated at sign-in and be ended from
/// anywhere (sign-out, password reset). The cookie holds a random token; the table holds its SHA-256.
final class WebSession: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "web_sessions"

    @ID(key: .id) var id: UUID?
    @Field(key: "token_hash") var tokenHash: String
    @OptionalParent(key: "staff_id") var staff: Staff?
    @Field(key: "csrf_secret") var csrfSecret: String
    @Field(key: "flash") var flash: String?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date
    @Field(key: "ip") var ip: String?
    @Field(key: "user_agent") var userAgent: String?

    init() {}
}
