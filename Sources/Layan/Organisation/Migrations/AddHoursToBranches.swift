import Fluent

struct AddHoursToBranches: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Branch.schema).field("hours", .json).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Branch.schema).deleteField("hours").update()
    }
}
