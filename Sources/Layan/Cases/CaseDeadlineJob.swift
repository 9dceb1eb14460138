import Fluent
import Metrics
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// The SLA watch: reminds the officer two working days before a case is due, and escalates to the head of
/// unit once a standard is breached (issue #5, item 4). Each case is reminded and escalated once.
struct CaseDeadlineJob {
    let app: Application
    static let remindWorkingDaysBefore = 2
    /// Cases handled per run; the next run (a minute later) takes the rest.
    static let batch = 200

    @discardableResult
    func runOnce() async throws -> (reminded: Int, escalated: Int) {
        let now = app.clock.now()
        let today = LocalDate(now)
        let calendar = try await app.calendarService.calendar(on: app.db, now: now)
        // Only cases that still need a reminder or an escalation, in batches: a million finished cases, or a
        // backlog escalated on the first run, never make one run long (the open-cases partial index serves this).
        let horizon = today.adding(days: 14).iso
        let sql = app.db.sql
        let ids = try await sql.select().column("id").from(CaseRecord.schema)
            .where(SQLColumn("status"), .in, CaseList.openStatuses).where("status", .notEqual, CaseStatus.pendingCustomer.rawValue)
            .where { group in
                group.where { $0.where("escalated_at", .is, SQLLiteral.null).where { due in
                    due.where("resolve_due", .lessThan, today.iso)
                        .orWhere { $0.where("status", .equal, CaseStatus.new.rawValue).where("acknowledge_due", .lessThan, today.iso) }
                } }
                .orWhere { $0.where("reminded_at", .is, SQLLiteral.null).where("escalated_at", .is, SQLLiteral.null)
                    .where("resolve_due", .lessThanOrEqual, horizon).where("assigned_to", .isNot, SQLLiteral.null) }
            }
            .orderBy("resolve_due").limit(Self.batch).all().map { try $0.decode(column: "id", as: UUID.self) }
        let candidates = try await CaseRecord.query(on: app.db).filter(\.$id ~~ ids).with(\.$branch).with(\.$assignee).all()
        var reminded = 0, escalated = 0
        var heads = HeadsOfUnit(app: app)
        for record in candidates {
            // A breath between cases, so a large backlog never holds a database connection away from officers' pages.
            if reminded + escalated > 0 { try await Task.sleep(for: .milliseconds(5)) }
            let state = record.branch.state
            let ackBreached = record.status == .new && LocalDate(record.acknowledgeDue)! < today
            let resolveBreached = LocalDate(record.resolveDue)! < today
            if (ackBreached || resolveBreached) && record.escalatedAt == nil {
                try await escalate(record, to: try await heads.of(record.$branch.id), acknowledgement: ackBreached && !resolveBreached, now: now)
                escalated += 1
            } else if !resolveBreached && record.remindedAt == nil, let assignee = record.assignee,
                      CaseClock.workingDaysLeft(calendar, today: today, due: LocalDate(record.resolveDue)!, in: state) <= Self.remindWorkingDaysBefore {
                try await remind(record, officer: assignee, now: now)
                reminded += 1
            }
        }
        return (reminded, escalated)
    }

    private func remind(_ record: CaseRecord, officer: Staff, now: Date) async throws {
        try await app.db.writeTransaction { db in
            record.remindedAt = now
            try await record.save(on: db)
            try await CaseEvent(caseID: record.id!, at: now, kind: .reminder, isPublic: false, actorID: nil, actorName: "",
                                body: officer.name).create(on: db)
            try await staffMail(to: officer, key: "notify.staff.reminder", record: record, now: now, on: db)
        }
    }

    /// PKPA: a breached standard goes to the head of unit — the branch's heads, or the agency's when it has none.
    struct HeadsOfUnit {
        let app: Application
        var byBranch: [UUID: [Staff]] = [:]
        var agency: [Staff]?

        /// Read once per branch and run, not once per case.
        mutating func of(_ branchID: UUID) async throws -> [Staff] {
            if let known = byBranch[branchID] { return known }
            var heads = try await Staff.query(on: app.db).filter(\.$branch.$id == branchID).filter(\.$active == true).all()
                .filter { $0.roles.contains(.headOfUnit) }
            if heads.isEmpty {
                if agency == nil { agency = try await Staff.query(on: app.db).filter(\.$active == true).all().filter { $0.roles.contains(.headOfUnit) } }
                heads = agency ?? []
            }
            byBranch[branchID] = heads
            return heads
        }
    }

    private func escalate(_ record: CaseRecord, to recipients: [Staff], acknowledgement: Bool, now: Date) async throws {
        try await app.db.writeTransaction { db in
            record.escalatedAt = now
            try await record.save(on: db)
            try await CaseEvent(caseID: record.id!, at: now, kind: .escalated, isPublic: false, actorID: nil, actorName: "",
                                body: acknowledgement ? "acknowledge" : "resolve").create(on: db)
            for head in recipients {
                try await staffMail(to: head, key: acknowledgement ? "notify.staff.escalatedAcknowledge" : "notify.staff.escalatedResolve",
                                    record: record, now: now, on: db)
            }
        }
    }

    private func staffMail(to officer: Staff, key: String, record: CaseRecord, now: Date, on db: any Database) async throws {
        let catalogue = app.catalogue
        let values = ["reference": record.reference, "subject": record.subject, "due": record.resolveDue,
                      "acknowledgeDue": record.acknowledgeDue, "link": app.settings.messaging.publicBaseURL + CaseURL.staff(record)]
        let body = [Language.ms, .en].map { catalogue.text(key, $0, values) + "\n" + values["link"]! }.joined(separator: "\n\n")
        let subject = "[\(record.reference)] " + catalogue.text(key + ".subject", .ms, values) + " / " + catalogue.text(key + ".subject", .en, values)
        try await OutboxMessage(channel: .email, recipient: officer.email, subject: subject, body: body, caseID: record.id, at: now).create(on: db)
    }
}

/// Runs the background jobs inside the server (design.md): the outbox every few seconds and the SLA watch.
/// On PostgreSQL the SLA watch takes a transaction-scoped advisory lock, so one instance runs it at a time;
/// outbox claiming is already safe across instances.
struct BackgroundJobs: LifecycleHandler {
    final class Runner: @unchecked Sendable {
        // @unchecked: set once at boot and cancelled at shutdown, both on the lifecycle's thread.
        var task: Task<Void, Never>?
    }
    let runner = Runner()

    func didBootAsync(_ app: Application) async throws {
        // Only a serving process works the outbox and the SLA watch; `demo`, `migrate` and the rest do not.
        // Tests drive the jobs themselves (`runOnce`), so a test application never starts the loop.
        let command = app.environment.arguments.dropFirst().first ?? "serve"
        guard app.settings.runJobs, app.environment != .testing, command == "serve" || command.hasPrefix("-") else { return }
        let interval = app.settings.jobInterval
        runner.task = Task {
            var lastDeadlineRun = Date.distantPast
            while !Task.isCancelled {
                await Self.run("outbox", app) { try await OutboxWorker(app: app).runOnce() }
                if Date().timeIntervalSince(lastDeadlineRun) >= max(interval, 60) || interval < 1 {
                    lastDeadlineRun = Date()
                    await Self.run("case_deadlines", app) { try await Self.withLease(app, key: 7_402_001) { try await CaseDeadlineJob(app: app).runOnce() } }
                    await Self.run("phone_messages", app) { try await Self.withLease(app, key: 7_402_002) { try await PhoneMessageEscalationJob(app: app).runOnce() } }
                    await Self.run("charter_review", app) { try await Self.withLease(app, key: 7_402_003) { try await CharterReviewJob(app: app).runOnce() } }
                    await Self.run("proposals_overdue", app) { try await Self.withLease(app, key: 7_402_004) { try await ProposalDesk(app: app).escalateOverdue() } }
                    await Self.run("retention", app) { try await Self.withLease(app, key: 7_402_005) { try await RetentionJob(app: app).runOnce() } }
                }
                try? await Task.sleep(for: .milliseconds(Int(interval * 1000)))
            }
        }
    }

    /// One job's run, counted and timed for `/metrics`; a failure is logged and does not keep the others from running.
    static func run(_ job: String, _ app: Application, _ body: () async throws -> Void) async {
        // Stopping: no job starts, so shutdown waits for at most the one running — not for every job of the round
        // each waiting out the pool's timeout while the database is down.
        guard !Task.isCancelled else { return }
        let started = DispatchTime.now()
        do {
            try await body()
            Metrics.Counter(label: "layan_job_runs_total", dimensions: [("job", job), ("outcome", "ok")]).increment()
        } catch {
            Metrics.Counter(label: "layan_job_runs_total", dimensions: [("job", job), ("outcome", "failed")]).increment()
            app.logger.warning("background job \(job) failed: \(error)")
        }
        Metrics.Timer(label: "layan_job_duration_seconds", dimensions: [("job", job)]).recordInterval(since: started)
    }

    func shutdownAsync(_ app: Application) async {
        runner.task?.cancel()
        _ = await runner.task?.value
    }

    /// Runs `body` only if this instance holds the job's lease (PostgreSQL advisory lock); always on SQLite.
    static func withLease(_ app: Application, key: Int, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await app.db.withLease(key: key, body)
    }
}
