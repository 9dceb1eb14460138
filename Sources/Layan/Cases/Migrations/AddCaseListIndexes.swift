import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// Indexes for the team queue at a million cases (issue #5, item 12): the officer's own list in date order, a
/// branch's list, and partial indexes over the open cases only (a small share of all), for "open", "my open"
/// and the due-date lists.
struct AddCaseListIndexes: AsyncMigration {
    /// The open statuses when this migration was written (a migration keeps its own copy of the rule).
    static let openStatusList = "('new', 'acknowledged', 'in_progress', 'pending_customer', 'pending_agency')"
    static let open = "status IN \(openStatusList)"

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        for statement in [
            "CREATE INDEX cases_assignee_received_idx ON cases (assigned_to, received_at, id)",
            "CREATE INDEX cases_branch_received_idx ON cases (branch_id, received_at, id)",
            "CREATE INDEX cases_open_received_idx ON cases (received_at, id) WHERE \(Self.open)",
            "CREATE INDEX cases_open_assignee_idx ON cases (assigned_to, received_at, id) WHERE \(Self.open)",
            "CREATE INDEX cases_open_due_idx ON cases (resolve_due, received_at, id) WHERE \(Self.open)",
        ] {
            try await sql.raw(SQLQueryString(statement)).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for name in ["cases_open_due_idx", "cases_open_assignee_idx", "cases_open_received_idx", "cases_branch_received_idx", "cases_assignee_received_idx"] {
            try await sql.drop(index: name).run()
        }
    }
}
