import Fluent

struct CreateAgencies: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Agency.schema)
            .id()
            .field("name_ms", .string, .required)
            .field("name_en", .string, .required)
            .field("about_ms", .string, .required)
            .field("about_en", .string, .required)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Agency.schema).delete()
    }
}

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

struct AddDutiesToStaff: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Staff.schema).field("duties", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Staff.schema).deleteField("duties").update()
    }
}

struct AddHoursToBranches: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Branch.schema).field("hours", .json).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Branch.schema).deleteField("hours").update()
    }
}
