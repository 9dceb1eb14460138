import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// A counter service of a branch (perkhidmatan kaunter), with its letter on the ticket and the Client
/// Charter's waiting-time target.
final class QueueService: Model, Audited, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "queue_services"
    static let auditEntity = "queue_service"

    @ID(key: .id) var id: UUID?
    @Parent(key: "branch_id") var branch: Branch
    @Field(key: "letter") var letter: String
    @Field(key: "name_ms") var nameMs: String
    @Field(key: "name_en") var nameEn: String
    /// Client Charter: the longest a customer should wait for this service.
    @Field(key: "target_wait_minutes") var targetWaitMinutes: Int
    /// Handling time learned from served tickets (exponential moving average).
    @Field(key: "average_handling_seconds") var averageHandlingSeconds: Double
    @Field(key: "handling_samples") var handlingSamples: Int
    @Field(key: "active") var active: Bool

    init() {}

    init(branchID: UUID, letter: String, nameMs: String, nameEn: String, targetWaitMinutes: Int, averageHandlingSeconds: Double = 300) {
        self.$branch.id = branchID
        self.letter = letter
        self.nameMs = nameMs
        self.nameEn = nameEn
        self.targetWaitMinutes = targetWaitMinutes
        self.averageHandlingSeconds = averageHandlingSeconds
        self.handlingSamples = 0
        self.active = true
    }

    func name(in language: Language) -> String { language == .ms ? nameMs : nameEn }

    var auditSnapshot: [String: String?] {
        ["letter": letter, "name_ms": nameMs, "name_en": nameEn, "target_wait_minutes": "\(targetWaitMinutes)", "active": "\(active)"]
    }
}

/// A counter (kaunter) of a branch: its number, kind, the services it takes, and who is at it.
final class Counter: Model, Audited, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "counters"
    static let auditEntity = "counter"

    @ID(key: .id) var id: UUID?
    @Parent(key: "branch_id") var branch: Branch
    @Field(key: "number") var number: Int
    @Field(key: "type") var type: CounterType
    @Field(key: "service_ids") var serviceIDs: [UUID]
    @Field(key: "status") var status: CounterStatus
    @OptionalParent(key: "officer_id") var officer: Staff?
    @Field(key: "priority_in_a_row") var priorityInARow: Int
    @Field(key: "regular_in_a_row") var regularInARow: Int

    init() {}

    init(branchID: UUID, number: Int, type: CounterType, serviceIDs: [UUID]) {
        self.$branch.id = branchID
        self.number = number
        self.type = type
        self.serviceIDs = serviceIDs
        self.status = .closed
        self.priorityInARow = 0
        self.regularInARow = 0
    }

    var streak: CallStreak { CallStreak(priorityInARow: priorityInARow, regularInARow: regularInARow) }

    var auditSnapshot: [String: String?] {
        ["number": "\(number)", "type": type.rawValue, "service_ids": serviceIDs.map(\.uuidString).sorted().joined(separator: ",")]
    }
}

/// A queue ticket. `arrivedAt` is the customer's first arrival and survives transfers.
final class Ticket: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "tickets"

    @ID(key: .id) var id: UUID?
    @Parent(key: "branch_id") var branch: Branch
    @Parent(key: "service_id") var service: QueueService
    @Field(key: "service_date") var serviceDate: String
    @Field(key: "number") var number: Int
    @Field(key: "label") var label: String
    @Field(key: "category") var category: CustomerCategory
    @Field(key: "is_priority") var isPriority: Bool
    @Field(key: "status") var status: TicketStatus
    @Field(key: "channel") var channel: String
    @Field(key: "issued_at") var issuedAt: Date
    @Field(key: "arrived_at") var arrivedAt: Date
    @OptionalParent(key: "counter_id") var counter: Counter?
    @OptionalParent(key: "officer_id") var officer: Staff?
    @OptionalField(key: "called_at") var calledAt: Date?
    @Field(key: "recalls") var recalls: Int
    @OptionalField(key: "serving_started_at") var servingStartedAt: Date?
    @OptionalField(key: "completed_at") var completedAt: Date?
    @Field(key: "transfers") var transfers: Int
    /// The service the customer first came for, for the figures.
    @Field(key: "first_service_id") var firstServiceID: UUID
    @OptionalField(key: "difficult") var difficult: DifficultCustomer?
    /// The secret in the ticket's status link, so ticket ids cannot be enumerated.
    @Field(key: "status_key") var statusKey: String
    /// What the customer was told at issue, for measuring the estimate.
    @OptionalField(key: "estimated_wait_seconds") var estimatedWaitSeconds: Double?
    /// Kept for the Client Charter when the ticket is first called: how long the customer waited, the
    /// target in force then, and whether it was met.
    @OptionalField(key: "wait_seconds") var waitSeconds: Double?
    @OptionalField(key: "target_wait_minutes") var targetWaitMinutes: Int?
    @OptionalField(key: "met_target") var metTarget: Bool?

    init() {}

    var waiting: WaitingTicket {
        WaitingTicket(id: id!, serviceID: $service.id, isPriority: isPriority, arrivedAt: arrivedAt)
    }
}

/// One change to a ticket, for the figures (issued, served, no-shows, transfers per counter and officer).
final class TicketEvent: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "ticket_events"

    @ID(key: .id) var id: UUID?
    @Parent(key: "ticket_id") var ticket: Ticket
    @Field(key: "branch_id") var branchID: UUID
    @Field(key: "kind") var kind: TicketEventKind
    @Field(key: "at") var at: Date
    @OptionalField(key: "counter_id") var counterID: UUID?
    @OptionalField(key: "officer_id") var officerID: UUID?
    @OptionalField(key: "service_id") var serviceID: UUID?
    @OptionalField(key: "to_service_id") var toServiceID: UUID?

    init() {}

    init(ticketID: UUID, branchID: UUID, kind: TicketEventKind, at: Date, counterID: UUID? = nil, officerID: UUID? = nil,
         serviceID: UUID? = nil, toServiceID: UUID? = nil) {
        self.id = .timeOrdered(at: at)
        self.$ticket.id = ticketID
        self.branchID = branchID
        self.kind = kind
        self.at = at
        self.counterID = counterID
        self.officerID = officerID
        self.serviceID = serviceID
        self.toServiceID = toServiceID
    }
}

/// The calling rules of a branch: which categories are priority, the interleaving ratio, the ageing cap,
/// and how many recalls before a no-show.
final class QueueSettings: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "queue_settings"

    @ID(key: .id) var id: UUID?
    @Parent(key: "branch_id") var branch: Branch
    @Field(key: "priority_categories") var priorityCategories: [CustomerCategory]
    @Field(key: "priority_share") var priorityShare: Int
    @Field(key: "regular_share") var regularShare: Int
    @Field(key: "ageing_cap_minutes") var ageingCapMinutes: Int
    @Field(key: "recalls_before_no_show") var recallsBeforeNoShow: Int

    init() {}

    static func defaults(branchID: UUID) -> QueueSettings {
        let settings = QueueSettings()
        settings.$branch.id = branchID
        settings.priorityCategories = CustomerCategory.allCases.filter(\.isPriorityByDefault)
        settings.priorityShare = 1
        settings.regularShare = 2
        settings.ageingCapMinutes = 30
        settings.recallsBeforeNoShow = 2
        return settings
    }

    var policy: CallingPolicy {
        CallingPolicy(priorityShare: priorityShare, regularShare: regularShare, ageingCap: Double(ageingCapMinutes * 60))
    }
}

struct AddCharterFieldsToTickets: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Ticket.schema).field("wait_seconds", .double).update()
        try await database.schema(Ticket.schema).field("target_wait_minutes", .int).update()
        try await database.schema(Ticket.schema).field("met_target", .bool).update()
    }

    func revert(on database: any Database) async throws {
        for field in ["met_target", "target_wait_minutes", "wait_seconds"] {
            try await database.schema(Ticket.schema).deleteField(FieldKey(stringLiteral: field)).update()
        }
    }
}

/// A ticket's position counts the waiting tickets of its service that arrived before it; with the service in
/// the index (and the id, so the index covers the count) that is a range of index entries, not a row lookup
/// per waiting ticket of the branch.
struct AddServiceQueueIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.create(index: "tickets_service_queue_idx").on(Ticket.schema)
            .column("branch_id").column("service_id").column("status").column("arrived_at").column("id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "tickets_service_queue_idx").run()
    }
}

struct CreateQueue: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(QueueService.schema)
            .id()
            .field("branch_id", .uuid, .required, .references(Branch.schema, .id, onDelete: .cascade))
            .field("letter", .string, .required)
            .field("name_ms", .string, .required)
            .field("name_en", .string, .required)
            .field("target_wait_minutes", .int, .required)
            .field("average_handling_seconds", .double, .required)
            .field("handling_samples", .int, .required)
            .field("active", .bool, .required)
            .unique(on: "branch_id", "letter")
            .create()
        try await database.schema(Counter.schema)
            .id()
            .field("branch_id", .uuid, .required, .references(Branch.schema, .id, onDelete: .cascade))
            .field("number", .int, .required)
            .field("type", .string, .required)
            .field("service_ids", .array(of: .uuid), .required)
            .field("status", .string, .required)
            .field("officer_id", .uuid, .references(Staff.schema, .id, onDelete: .setNull))
            .field("priority_in_a_row", .int, .required)
            .field("regular_in_a_row", .int, .required)
            .unique(on: "branch_id", "number")
            .create()
        try await database.schema(Ticket.schema)
            .id()
            .field("branch_id", .uuid, .required, .references(Branch.schema, .id, onDelete: .cascade))
            .field("service_id", .uuid, .required, .references(QueueService.schema, .id))
            .field("service_date", .string, .required)
            .field("number", .int, .required)
            .field("label", .string, .required)
            .field("category", .string, .required)
            .field("is_priority", .bool, .required)
            .field("status", .string, .required)
            .field("channel", .string, .required)
            .field("issued_at", .datetime, .required)
            .field("arrived_at", .datetime, .required)
            .field("counter_id", .uuid, .references(Counter.schema, .id, onDelete: .setNull))
            .field("officer_id", .uuid, .references(Staff.schema, .id, onDelete: .setNull))
            .field("called_at", .datetime)
            .field("recalls", .int, .required)
            .field("serving_started_at", .datetime)
            .field("completed_at", .datetime)
            .field("transfers", .int, .required)
            .field("first_service_id", .uuid, .required)
            .field("difficult", .string)
            .field("status_key", .string, .required)
            .field("estimated_wait_seconds", .double)
            .unique(on: "branch_id", "service_date", "label")
            .create()
        try await database.schema(TicketEvent.schema)
            .id()
            .field("ticket_id", .uuid, .required, .references(Ticket.schema, .id, onDelete: .cascade))
            .field("branch_id", .uuid, .required)
            .field("kind", .string, .required)
            .field("at", .datetime, .required)
            .field("counter_id", .uuid)
            .field("officer_id", .uuid)
            .field("service_id", .uuid)
            .field("to_service_id", .uuid)
            .create()
        try await database.schema(QueueSettings.schema)
            .id()
            .field("branch_id", .uuid, .required, .references(Branch.schema, .id, onDelete: .cascade))
            .field("priority_categories", .array(of: .string), .required)
            .field("priority_share", .int, .required)
            .field("regular_share", .int, .required)
            .field("ageing_cap_minutes", .int, .required)
            .field("recalls_before_no_show", .int, .required)
            .unique(on: "branch_id")
            .create()
        try await database.schema("ticket_sequences")
            .field("branch_id", .uuid, .required)
            .field("service_id", .uuid, .required)
            .field("service_date", .string, .required)
            .field("last_number", .int, .required)
            .compositeIdentifier(over: "branch_id", "service_id", "service_date")
            .create()
        let sql = database.sql
        // call-next reads a branch's waiting tickets in arrival order
        try await sql.create(index: "tickets_queue_idx").on(Ticket.schema).column("branch_id").column("status").column("arrived_at").run()
        try await sql.create(index: "tickets_day_idx").on(Ticket.schema).column("branch_id").column("service_date").run()
        try await sql.create(index: "ticket_events_branch_idx").on(TicketEvent.schema).column("branch_id").column("at").run()
        try await sql.create(index: "ticket_events_ticket_idx").on(TicketEvent.schema).column("ticket_id").run()
    }

    func revert(on database: any Database) async throws {
        for schema in ["ticket_sequences", QueueSettings.schema, TicketEvent.schema, Ticket.schema, Counter.schema, QueueService.schema] {
            try await database.schema(schema).delete()
        }
    }
}

/// A ticket as issued, before anything happens to it. A value, not a Fluent model: issuing is done for every
/// customer who takes a number, and making and reading a model's two dozen property wrappers cost more than
/// writing the ticket (docs/benchmarks.md).
struct NewTicket: Sendable {
    let id: UUID
    let branchID: UUID
    let serviceID: UUID
    let serviceDate: String
    let number: Int
    let label: String
    let category: CustomerCategory
    let isPriority: Bool
    let channel: String
    let issuedAt: Date
    /// The secret in the ticket's status link.
    let statusKey: String
    /// What the customer is told, kept for measuring the estimate.
    let estimatedWaitSeconds: Double?

    /// Writes the ticket in one statement, every column as Fluent would store it: waiting, arrived when issued.
    func insert(on sql: any SQLDatabase) async throws {
        try await sql.insertRow(into: Ticket.schema, [
            "id": id, "branch_id": branchID, "service_id": serviceID, "service_date": serviceDate, "number": number, "label": label,
            "category": category.rawValue, "is_priority": isPriority, "status": TicketStatus.waiting.rawValue, "channel": channel,
            "issued_at": issuedAt, "arrived_at": issuedAt, "counter_id": nil, "officer_id": nil, "called_at": nil, "recalls": 0,
            "serving_started_at": nil, "completed_at": nil, "transfers": 0, "first_service_id": serviceID,
            "difficult": nil, "status_key": statusKey, "estimated_wait_seconds": estimatedWaitSeconds,
        ])
    }

    /// The stored ticket as a model, for the pages that show one.
    var model: Ticket {
        let ticket = Ticket()
        ticket.id = id
        ticket.$branch.id = branchID
        ticket.$service.id = serviceID
        ticket.firstServiceID = serviceID
        ticket.serviceDate = serviceDate
        ticket.number = number
        ticket.label = label
        ticket.category = category
        ticket.isPriority = isPriority
        ticket.status = .waiting
        ticket.channel = channel
        ticket.issuedAt = issuedAt
        ticket.arrivedAt = issuedAt
        ticket.recalls = 0
        ticket.transfers = 0
        ticket.statusKey = statusKey
        ticket.estimatedWaitSeconds = estimatedWaitSeconds
        ticket.$id.exists = true
        return ticket
    }
}

/// How many tickets wait per service, kept by the database itself (triggers on `tickets`), so a new ticket's
/// place in the queue is one row to read, not a count of everyone waiting; no code path can forget to keep it.
/// Also the index call-next reads: per service and kind, the longest-waiting ticket first (ties by number).
struct AddQueueWaitingCounts: AsyncMigration {
    static let table = "queue_waiting"

    static let kept = KeptCount(
        source: Ticket.schema, watched: "status, service_id", sqliteTriggerPrefix: "tickets_waiting",
        postgresFunction: "layan_queue_waiting", postgresTrigger: "tickets_queue_waiting",
        counts: { "\($0).status = 'waiting'" },
        counter: .init(table: table, columns: "branch_id, service_id, waiting") { "\($0).branch_id, \($0).service_id, 0" },
        adjust: { row, delta in
            "UPDATE \(table) SET waiting = waiting \(delta) 1 WHERE branch_id = \(row).branch_id AND service_id = \(row).service_id;"
        })

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.create(index: "tickets_call_next_idx").on(Ticket.schema)
            .column("branch_id").column("service_id").column("status").column("is_priority").column("arrived_at").column("number").run()
        try await sql.raw("CREATE TABLE \(unsafeRaw: Self.table) (branch_id UUID NOT NULL, service_id UUID NOT NULL, waiting INTEGER NOT NULL, PRIMARY KEY (branch_id, service_id))").run()
        try await Self.kept.install(on: sql)
        try await sql.raw("""
            INSERT INTO \(unsafeRaw: Self.table) (branch_id, service_id, waiting)
            SELECT branch_id, service_id, COUNT(*) FROM tickets WHERE status = 'waiting' GROUP BY branch_id, service_id
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await Self.kept.remove(on: sql)
        try await sql.drop(table: Self.table).run()
        try await sql.drop(index: "tickets_call_next_idx").run()
    }
}

/// `tickets_day_idx` (branch, date) is the start of the unique (branch, date, label) index, which answers the
/// same look-ups; keeping both cost every ticket issued one more index entry to write.
struct DropRedundantTicketDayIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.sql.drop(index: "tickets_day_idx").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.create(index: "tickets_day_idx").on(Ticket.schema).column("branch_id").column("service_date").run()
    }
}

/// Every ticket's "issued" event is written by the database, in the same statement as the ticket: one statement
/// less inside the write lock for every customer who takes a number, and no path that adds a ticket can forget it.
/// The event takes its ticket's id (one "issued" event per ticket; time-ordered like the ticket's).
struct AddTicketIssuedEventTrigger: AsyncMigration {
    static let values = "NEW.id, NEW.id, NEW.branch_id, 'issued', NEW.issued_at, NEW.service_id"
    static let insert = "INSERT INTO \(TicketEvent.schema) (id, ticket_id, branch_id, kind, at, service_id) VALUES (\(values));"

    static let trigger = RowTrigger(name: "tickets_issued_event", table: Ticket.schema, on: "INSERT", statements: insert)

    func prepare(on database: any Database) async throws {
        try await Self.trigger.install(on: database.sql, postgresFunction: "layan_ticket_issued")
    }

    func revert(on database: any Database) async throws {
        try await Self.trigger.remove(on: database.sql, postgresFunction: "layan_ticket_issued")
    }
}
