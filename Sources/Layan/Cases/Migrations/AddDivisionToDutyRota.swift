import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// PKPA 1/2008 §4d(5) asks for duty officers "per unit or branch": a shift may name the unit it serves.
struct AddDivisionToDutyRota: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DutyShift.schema).field("division_id", .uuid, .references(Division.schema, .id, onDelete: .cascade)).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DutyShift.schema).deleteField("division_id").update()
    }
}
