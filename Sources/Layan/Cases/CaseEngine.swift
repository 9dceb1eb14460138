import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// Every change to a case goes through here, each in one write transaction together with its timeline entry
/// and the messages it sends the customer (outbox), so nothing is ever half done.
struct CaseEngine {
    let db: any Database
    let app: Application

    init(request: Request) { db = request.db; app = request.application }
    init(db: any Database, app: Application) { self.db = db; self.app = app }
    init(app: Application) { db = app.db; self.app = app }

    var now: Date { app.clock.now() }
    static let attachmentPolicy = AttachmentPolicy()

    // MARK: validation

    /// The problems with a new case, one catalogue key per field; empty when it may be filed.
    static func problems(_ new: NewCase) -> [String: String] {
        var problems: [String: String] = [:]
        func text(_ field: String, _ value: String?, max: Int, required: Bool) {
            // The limit is named in the form beside the field, so the message needs no number.
            if let problem = FormValidator.textProblem(value ?? "", max: max, required: required) {
                problems[field] = problem == "form.error.tooLong" ? "case.error.tooLong" : problem
            }
        }
        text("subject", new.subject, max: 200, required: true)
        text("details", new.details, max: 5000, required: true)
        text("name", new.name, max: 200, required: !new.anonymous)
        text("idDocument", new.idDocument, max: 40, required: false)
        text("onBehalfOf", new.onBehalfOf, max: 200, required: false)
        text("service", new.service, max: 200, required: false)
        if let email = new.email, !email.isEmpty, EmailAddress.normalised(email) == nil { problems["email"] = "form.error.email" }
        // Seven digits at least: the customer must be reachable by SMS or a call back.
        if let phone = new.phone, !phone.isEmpty, !FormValidator.isPhone(phone, minimumDigits: 7) { problems["phone"] = "form.error.phone" }
        // A named customer must be reachable, or we cannot keep them informed (PKPA: responsive).
        if !new.anonymous && (new.email ?? "").isEmpty && (new.phone ?? "").isEmpty { problems["email"] = "case.error.contactRequired" }
        if new.contactBy == .sms && !new.anonymous && (new.phone ?? "").isEmpty { problems["phone"] = "case.error.phoneForSMS" }
        if !(new.onBehalfOf ?? "").isEmpty && !new.consentGiven { problems["consentGiven"] = "case.error.consentRequired" }
        if new.attachments.count > attachmentPolicy.maximumFiles { problems["attachments"] = AttachmentPolicy.Problem.tooMany.catalogueKey }
        for attachment in new.attachments {
            if case let .failure(problem) = attachmentPolicy.check(attachment.bytes) { problems["attachments"] = problem.catalogueKey }
        }
        return problems
    }

    // MARK: filing

    /// A new case whose fields passed `problems`, with its branch when the caller already read it: filing takes one,
    /// so a case is checked once whichever way it came in (form, API, demo).
    struct Checked: Sendable {
        let new: NewCase
        let branch: BranchRef?
        fileprivate init(_ new: NewCase, branch: BranchRef?) { (self.new, self.branch) = (new, branch) }
    }

    /// The case, checked; or its problems, one catalogue key per field.
    static func check(_ new: NewCase, branch: BranchRef? = nil) -> Result<Checked, CaseInvalid> {
        let problems = problems(new)
        return problems.isEmpty ? .success(Checked(new, branch: branch)) : .failure(CaseInvalid(problems: problems))
    }

    /// Files a new case: its reference, due dates on the branch's working days, the day's duty officer, the
    /// timeline's first entry and the acknowledgement to the customer — all or nothing.
    func create(_ new: NewCase, by actor: CaseActor) async throws -> CaseRecord {
        try await create(Self.check(new).get(), by: actor)
    }

    func create(_ checked: Checked, by actor: CaseActor) async throws -> CaseRecord {
        let filed = try await file(checked, by: actor)
        // Read back as stored: the forms and pages that go on to show it take the model.
        guard let record = try await CaseRecord.find(filed.id, on: db) else { throw CaseError.unknownCase }
        return record
    }

    /// `create`, answering with the case as values (the API, which does not need the model).
    func file(_ new: NewCase, by actor: CaseActor) async throws -> FiledCase {
        try await file(Self.check(new).get(), by: actor)
    }

    /// Places a checked case on the branch's working days, then has the engine's store write it (duty officer,
    /// number, rows).
    func file(_ checked: Checked, by actor: CaseActor) async throws -> FiledCase {
        let new = checked.new
        let sql = db.sql
        let found = checked.branch?.id == new.branchID ? checked.branch : try await app.branchDirectory.branch(id: new.branchID, on: sql)
        guard let branch = found else { throw CaseInvalid(problems: ["branch": "form.error.choose"]) }
        var categoryStandard: ServiceStandard?
        if let category = new.categoryID { categoryStandard = try await CaseFilingSQL.categoryStandard(category, type: new.type, on: sql) }
        if let division = new.divisionID, !(try await CaseFilingSQL.divisionExists(division, on: sql)) {
            throw CaseInvalid(problems: ["division": "form.error.choose"])
        }
        let typeStandard = try await app.caseSetupCache.standard(for: new.type, branch: branch.id, on: sql)
        let standard = ServiceStandard.resolve(typeOverride: typeStandard, categoryOverride: categoryStandard)
        let calendar = try await app.calendarService.calendar(on: db, now: now)
        let now = self.now
        let today = LocalDate(now)
        let clock = CaseClock(receivedOn: today, standard: standard, state: branch.state)
        let filing = CaseFiling(new: new, actor: actor, branchID: branch.id, branchState: branch.state, assignee: nil, standard: standard,
                                acknowledgeDue: clock.acknowledgeBy(calendar), resolveDue: clock.resolveBy(calendar, today: today),
                                now: now, today: today, notifier: CaseNotifier(app: app))
        return try await app.caseStore.file(filing, calendar: calendar, on: db)
    }

    // MARK: changes

    struct TransitionDetails: Sendable {
        var note: String?
        var referTo: String?
        var duplicateOf: String?
    }

    /// Moves a case along its lifecycle, keeping the SLA clock (pauses, met or not) and telling the customer.
    func transition(_ caseID: UUID, _ action: CaseAction, details: TransitionDetails, by actor: CaseActor) async throws -> CaseRecord {
        let note = details.note?.trimmingCharacters(in: .whitespacesAndNewlines).nilIfEmpty
        if action.needsPublicNote && note == nil { throw CaseError.noteRequired }
        if let note, note.count > 5000 { throw CaseInvalid(problems: ["note": "case.error.tooLong"]) }
        let calendar = try await app.calendarService.calendar(on: db, now: now)
        let now = self.now
        return try await db.writeTransaction { db in
            guard let record = try await CaseRecord.find(caseID, on: db) else { throw CaseError.unknownCase }
            let from = record.status
            guard let to = CaseLifecycle.next(from: from, on: action) else { throw CaseError.notAllowed(from: from, action: action) }
            let branch = try await record.$branch.get(on: db)
            let today = LocalDate(now)
            if action == .reopen {
                let finished = record.resolvedAt ?? record.closedAt ?? now
                guard app.settings.reopenPolicy.mayReopen(resolvedOn: LocalDate(finished), today: today) else { throw CaseError.reopenPeriodOver }
            }
            if action == .markDuplicate {
                guard let target = details.duplicateOf.flatMap(CaseReference.init),
                      let original = try await CaseRecord.query(on: db).filter(\.$reference == target.description).first(),
                      original.id != record.id else { throw CaseError.duplicateTargetUnknown }
                record.$duplicateOf.id = original.id
            }
            // The clock: the first answer meets or misses the acknowledgement standard…
            if from == .new && record.acknowledgedAt == nil {
                record.acknowledgedAt = now
                record.acknowledgeMet = CaseClock.met(doneOn: today, due: LocalDate(record.acknowledgeDue)!)
            }
            // …waiting for the customer stops it, and the days waited push the due date back.
            if from == .pendingCustomer { record.endPause(on: today, calendar: calendar, state: branch.state) }
            if to == .pendingCustomer { record.pausedSince = today.iso }
            switch to {
            case .resolved:
                record.resolvedAt = now
                record.resolveMet = CaseClock.met(doneOn: today, due: LocalDate(record.resolveDue)!)
            case .rejected, .duplicate:
                record.closedAt = now
                record.resolveMet = CaseClock.met(doneOn: today, due: LocalDate(record.resolveDue)!)
                if to == .rejected { record.rejectionReason = note; record.referTo = details.referTo?.nilIfEmpty }
            case .closed:
                record.closedAt = now
                if case .customer = actor { record.satisfied = true }
            case .inProgress where action == .reopen:
                record.resolvedAt = nil
                record.closedAt = nil
                record.resolveMet = nil
                record.satisfied = false
            default:
                break
            }
            record.status = to
            record.updatedAt = now
            try await record.save(on: db)
            let caseID = try record.requireID()
            try await CaseEvent(caseID: caseID, at: now, kind: .transition, isPublic: true, actorID: actor.staffID, actorName: actor.name,
                                body: note, from: from, to: to).create(on: db)
            try await CaseNotifier(app: app).tell(record, about: .statusChanged, note: note, on: db)
            return record
        }
    }

    /// A reply the customer receives, or an internal note that stays with staff.
    /// `channelRows` are written in the same transaction (the intake log's line for a message that came by a channel).
    @discardableResult
    func addMessage(_ caseID: UUID, body: String, isPublic: Bool, attachments: [NewAttachment] = [], by actor: CaseActor,
                    channelRows: InsertBatch = InsertBatch()) async throws -> CaseEvent.New {
        let text = body.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw CaseInvalid(problems: ["body": "form.error.required"]) }
        guard text.count <= 5000 else { throw CaseInvalid(problems: ["body": "case.error.tooLong"]) }
        if attachments.count > Self.attachmentPolicy.maximumFiles { throw CaseInvalid(problems: ["attachments": AttachmentPolicy.Problem.tooMany.catalogueKey]) }
        for attachment in attachments {
            if case let .failure(problem) = Self.attachmentPolicy.check(attachment.bytes) { throw CaseInvalid(problems: ["attachments": problem.catalogueKey]) }
        }
        let now = self.now
        let calendar = try await app.calendarService.calendar(on: db, now: now)
        return try await db.writeTransaction { db in
            // The status alone, by hand: every message a channel delivers comes here, and the case's model costs more
            // than the rest of the message; it is loaded only where the case itself changes.
            guard let status = try await CaseFilingSQL.status(of: caseID, on: db.sql) else { throw CaseError.unknownCase }
            let kind: CaseEvent.Kind
            switch actor {
            case .customer:
                guard status != .rejected && status != .duplicate && status != .closed else { throw CaseError.notAllowed(from: status, action: .resume) }
                kind = .customerMessage
            default: kind = isPublic ? .publicReply : .internalNote
            }
            let event = CaseEvent.New(caseID: caseID, at: now, kind: kind, isPublic: kind != .internalNote, actorID: actor.staffID,
                                      actorName: actor.name, body: text)
            try await db.sql.insert(event, as: CaseEvent.shape)
            try await channelRows.write(on: db.sql)
            for attachment in attachments {
                try await CaseFilingSQL.attach(attachment, to: caseID, isPublic: kind != .internalNote, at: now, on: db.sql)
            }
            let resumes = kind == .customerMessage && status == .pendingCustomer
            guard resumes || kind == .publicReply else {
                try await CaseFilingSQL.touch(caseID, at: now, on: db.sql)
                return event
            }
            guard let record = try await CaseRecord.find(caseID, on: db) else { throw CaseError.unknownCase }
            // The customer answered what we were waiting for: the clock runs again.
            if resumes {
                let branch = try await record.$branch.get(on: db)
                record.endPause(on: LocalDate(now), calendar: calendar, state: branch.state)
                record.status = .inProgress
                try await CaseEvent(caseID: caseID, at: now, kind: .transition, isPublic: true, actorID: nil, actorName: "",
                                    from: .pendingCustomer, to: .inProgress).create(on: db)
            }
            record.updatedAt = now
            try await record.save(on: db)
            if kind == .publicReply { try await CaseNotifier(app: app).tell(record, about: .reply, note: text, on: db) }
            return event
        }
    }

    /// Gives the case to another officer (supervisors; duty assignment does it for new cases).
    func assign(_ caseID: UUID, to staffID: UUID, by actor: CaseActor) async throws -> CaseRecord {
        let now = self.now
        return try await db.writeTransaction { db in
            guard let record = try await CaseRecord.find(caseID, on: db) else { throw CaseError.unknownCase }
            guard let officer = try await Staff.find(staffID, on: db), officer.active else { throw CaseError.unknownStaff }
            record.$assignee.id = staffID
            record.assignedAt = now
            record.updatedAt = now
            try await record.save(on: db)
            try await CaseEvent(caseID: try record.requireID(), at: now, kind: .assigned, isPublic: false, actorID: actor.staffID,
                                actorName: actor.name, body: officer.name).create(on: db)
            return record
        }
    }
}
