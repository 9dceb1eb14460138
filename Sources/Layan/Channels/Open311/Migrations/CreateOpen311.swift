import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// Open311 GeoReport v2 (issue #17, item 1): the published services and what each request brought.
struct CreateOpen311: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Open311ServiceRecord.schema)
            .id()
            .field("code", .string, .required)
            .field("type", .string, .required)
            .field("category_id", .uuid, .references(CaseCategory.schema, .id))
            .field("branch_id", .uuid, .required, .references(Branch.schema, .id))
            .field("name_ms", .string, .required)
            .field("name_en", .string, .required)
            .field("description_ms", .string, .required)
            .field("description_en", .string, .required)
            .field("group_name", .string, .required)
            .field("keywords", .string, .required)
            .field("published", .bool, .required)
            .field("position", .int, .required)
            .field("attributes", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "code")
            .create()
        try await database.schema(Open311RequestRecord.schema)
            .field("case_id", .uuid, .identifier(auto: false), .references(CaseRecord.schema, .id, onDelete: .cascade))
            .field("service_code", .string, .required)
            .field("token", .string, .required)
            .field("lat", .double)
            .field("long", .double)
            .field("address", .string)
            .field("address_id", .string)
            .field("media_url", .string)
            .field("device_id", .string)
            .field("account_id", .string)
            .field("answers", .string, .required)
            .field("requested_at", .datetime, .required)
            .unique(on: "token")
            .create()
        // GET requests reads the newest first within a window, optionally by service.
        try await database.sql.create(index: "open311_requests_by_time").on(Open311RequestRecord.schema).column("requested_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Open311RequestRecord.schema).delete()
        try await database.schema(Open311ServiceRecord.schema).delete()
    }
}
