import Fluent

struct CreateDivisions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Division.schema)
            .id()
            .field("code", .string, .required)
            .field("name_ms", .string, .required)
            .field("name_en", .string, .required)
            .unique(on: "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Division.schema).delete()
    }
}
