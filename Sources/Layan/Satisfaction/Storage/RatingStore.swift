import Foundation
import LayanCore
import SQLKit

/// Finds what a counter's tablet offers to rate.
enum RatingStore {
    /// The ticket served to the end last at `counterID` since `since`: read through `tickets_rated_idx`, so a tablet's
    /// poll reads one index entry, not a year of tickets.
    static func lastServed(at counterID: UUID, since: Date, on sql: any SQLDatabase) -> SQLSelectBuilder {
        sql.select().column("id").from(Ticket.schema)
            .where("counter_id", .equal, SQLBind(counterID)).where("completed_at", .greaterThanOrEqual, SQLBind(since))
            .where("status", .equal, SQLBind(TicketStatus.done.rawValue))
            .orderBy("completed_at", .descending).limit(1)
    }
}
