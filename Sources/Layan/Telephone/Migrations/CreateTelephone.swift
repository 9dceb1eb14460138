import Fluent
import Foundation
import LayanStorage
import SQLKit

/// The telephone desk (issue #18): calls from the PBX, lines of calls still in progress, agents' events, messages and
/// call-backs, the agency's standard, and officers' presence.
struct CreateTelephone: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(TelephoneCall.schema)
            .id()
            .field("call_key", .string, .required)
            .field("call_id", .string, .required)
            .field("queue", .string, .required)
            .field("caller", .string)
            .field("entered_at", .datetime, .required)
            .field("entered_epoch", .int64, .required)
            .field("local_day", .string, .required)
            .field("local_hour", .int64, .required)
            .field("outcome", .string, .required)
            .field("answered", .bool, .required)
            .field("abandoned", .bool, .required)
            .field("wait_seconds", .int64, .required)
            .field("talk_seconds", .int64, .required)
            .field("ring_no_answer", .int64, .required)
            .field("agent", .string)
            .field("staff_id", .uuid, .references(Staff.schema, .id, onDelete: .setNull))
            .field("transfer_kind", .string)
            .field("transfer_target", .string)
            .field("returned", .bool, .required)
            .field("source", .string, .required)
            .field("note", .string)
            .field("case_id", .uuid, .references(CaseRecord.schema, .id, onDelete: .setNull))
            // One call, however often its lines are imported.
            .unique(on: "call_key")
            .create()
        let sql = database.sql
        try await sql.create(index: "telephone_calls_by_call").on(TelephoneCall.schema).column("call_id").run()
        try await sql.create(index: "telephone_calls_by_day").on(TelephoneCall.schema).column("local_day").column("queue").run()
        try await sql.create(index: "telephone_calls_by_caller").on(TelephoneCall.schema).column("caller").run()

        try await database.schema("telephone_open_lines")
            .id()
            .field("call_id", .string, .required)
            // The line's place in the order it was read (file order, which a clock step cannot reorder).
            .field("position", .int64, .required)
            .field("line", .string, .required)
            .create()

        try await database.schema("telephone_agent_events")
            .id()
            .field("event_key", .string, .required)
            .field("at", .datetime, .required)
            .field("queue", .string, .required)
            .field("agent", .string, .required)
            .field("event", .string, .required)
            .field("data", .string)
            .unique(on: "event_key")
            .create()

        try await database.schema(PhoneMessage.schema)
            .id()
            .field("kind", .string, .required)
            .field("staff_id", .uuid, .references(Staff.schema, .id, onDelete: .setNull))
            .field("caller_name", .string)
            .field("caller_number", .string, .required)
            .field("body", .string, .required)
            .field("urgency", .string, .required)
            .field("best_time", .string)
            .field("taken_by", .uuid, .references(Staff.schema, .id, onDelete: .setNull))
            .field("taken_at", .datetime, .required)
            .field("due_at", .datetime, .required)
            .field("called_back_at", .datetime)
            .field("called_back_by", .uuid, .references(Staff.schema, .id, onDelete: .setNull))
            .field("outcome", .string)
            .field("outcome_note", .string)
            .field("returned_in_time", .bool)
            .field("escalated_at", .datetime)
            .field("call_key", .string)
            .field("queue", .string)
            .create()
        try await sql.create(index: "phone_messages_open").on(PhoneMessage.schema).column("called_back_at").column("due_at").run()
        try await sql.create(index: "phone_messages_by_number").on(PhoneMessage.schema).column("caller_number").run()

        try await database.schema(TelephoneSettings.schema)
            .id()
            .field("answer_within_seconds", .int64, .required)
            .field("formula", .string, .required)
            .field("short_abandon_seconds", .int64, .required)
            .field("target_percent", .int64, .required)
            .field("announce_every_seconds", .int64, .required)
            .field("message_return_working_days", .int64, .required)
            .field("queues", .array(of: .string), .required)
            .create()

        try await database.schema(StaffPresence.schema)
            .id()
            .field("staff_id", .uuid, .required, .references(Staff.schema, .id, onDelete: .cascade))
            .field("state", .string, .required)
            .field("until_day", .string)
            .field("note", .string)
            .field("updated_at", .datetime, .required)
            .unique(on: "staff_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        for table in [StaffPresence.schema, TelephoneSettings.schema, PhoneMessage.schema, "telephone_agent_events", "telephone_open_lines", TelephoneCall.schema] {
            try await database.schema(table).delete()
        }
    }
}
