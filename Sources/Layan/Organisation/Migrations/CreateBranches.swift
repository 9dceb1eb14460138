import Fluent

struct CreateBranches: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Branch.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("state", .string, .required)
            .field("address", .string, .required)
            .field("phone", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Branch.schema).delete()
    }
}
