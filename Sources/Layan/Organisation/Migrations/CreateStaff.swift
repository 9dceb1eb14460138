import Fluent

struct CreateStaff: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Staff.schema)
            .id()
            .field("name", .string, .required)
            .field("email", .string, .required)
            .field("phone", .string)
            .field("extension", .string)
            .field("service_group", .string, .required)
            .field("division_id", .uuid, .references(Division.schema, .id, onDelete: .setNull))
            .field("branch_id", .uuid, .references(Branch.schema, .id, onDelete: .setNull))
            .field("roles", .array(of: .string), .required)
            .field("password_hash", .string, .required)
            .field("active", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Staff.schema).delete()
    }
}
