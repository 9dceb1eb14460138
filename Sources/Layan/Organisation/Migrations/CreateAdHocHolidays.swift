import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

struct CreateAdHocHolidays: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AdHocHoliday.schema)
            .id()
            .field("date", .string, .required)
            .field("name_ms", .string, .required)
            .field("name_en", .string, .required)
            .field("states", .array(of: .string), .required)
            .field("created_by", .uuid, .references(Staff.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .create()
        try await database.sql.create(index: "adhoc_holidays_date_idx").on(AdHocHoliday.schema).column("date").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AdHocHoliday.schema).delete()
    }
}
