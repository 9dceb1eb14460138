import Fluent
import Foundation
import LayanStorage
import SQLKit

struct CreateLoginAttempts: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(LoginAttempt.schema)
            .id()
            .field("email", .string, .required)
            .field("ip", .string, .required)
            .field("succeeded", .bool, .required)
            .field("at", .datetime, .required)
            .create()
        let sql = database.sql
        try await sql.create(index: "login_attempts_email_idx").on(LoginAttempt.schema).column("email").column("at").run()
        try await sql.create(index: "login_attempts_ip_idx").on(LoginAttempt.schema).column("ip").column("at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(LoginAttempt.schema).delete()
    }
}
