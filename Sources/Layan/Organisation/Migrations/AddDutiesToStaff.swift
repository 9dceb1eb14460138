import Fluent

struct AddDutiesToStaff: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Staff.schema).field("duties", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Staff.schema).deleteField("duties").update()
    }
}
