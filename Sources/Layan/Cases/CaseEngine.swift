import Fluent
import Foundation
import LayanCore
import SQLKit
import Vapor

/// A case as it is filed, from the public portal, an officer typing in a counter form or phone call, or the API.
struct NewCase: Sendable {
    var type: CaseType
    var channel: CaseChannel
    var categoryID: UUID?
    var subject: String
    var details: String
    var anonymous = false
    var name: String?
    var email: String?
    var phone: String?
    var idDocument: String?
    var language: Language = .ms
    var contactBy: ContactChannel = .email
    var onBehalfOf: String?
    var consentGiven = false
    var branchID: UUID
    var divisionID: UUID?
    var service: String?
    var attachments: [NewAttachment] = []
}

struct NewAttachment: Sendable {
    let fileName: String
    let bytes: [UInt8]

    /// The files of a form; a file input left empty sends a part with no name and no bytes, which is no file.
    static func from(_ files: [File]?) -> [NewAttachment] {
        (files ?? []).filter { $0.data.readableBytes > 0 || !$0.filename.isEmpty }
            .map { NewAttachment(fileName: $0.filename, bytes: Array($0.data.readableBytesView)) }
    }
}

/// Who acts on a case: an officer, the customer, or Layan itself (jobs).
enum CaseActor: Sendable {
    case staff(StaffIdentity)
    case customer
    case system

    var staffID: UUID? { if case let .staff(s) = self { s.id } else { nil } }
    var name: String { if case let .staff(s) = self { s.name } else { "" } }
}

/// Every change to a case goes through here, each in one write transaction together with its timeline entry
/// and the messages it sends the customer (outbox), so nothing is ever half done.
struct CaseEngine {
    let db: any Database
    let app: Application

    init(request: Request) { db = request.db; app = request.application }
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

    /// Files a new case: its reference, due dates on the branch's working days, the day's duty officer, the
    /// timeline's first entry and the acknowledgement to the customer — all or nothing.
    /// `branch` saves a look-up when the caller has already read it.
    func create(_ new: NewCase, by actor: CaseActor, branch known: BranchRef? = nil) async throws -> CaseRecord {
        let problems = Self.problems(new)
        guard problems.isEmpty else { throw CaseInvalid(problems: problems) }
        // Look-ups as hand-written SQL read into rows, not Fluent models nor SQLKit's builder (which escapes every
        // identifier by string replacement): this runs for every new case.
        let sql = db as! any SQLDatabase
        let found = known?.id == new.branchID ? known : try await BranchRef.find(id: new.branchID, on: sql)
        guard let branch = found else { throw CaseInvalid(problems: ["branch": "form.error.choose"]) }
        var categoryStandard: ServiceStandard?
        if let id = new.categoryID {
            struct Row: Decodable { let type: CaseType; let active: Bool; let acknowledge_days: Int?; let resolve_days: Int? }
            guard let row = try await sql.raw("SELECT type, active, acknowledge_days, resolve_days FROM \(unsafeRaw: CaseCategory.schema) WHERE id = \(bind: id)")
                .first(decoding: Row.self), row.type == new.type, row.active else {
                throw CaseInvalid(problems: ["category": "form.error.choose"])
            }
            if row.acknowledge_days != nil || row.resolve_days != nil {
                categoryStandard = ServiceStandard(acknowledgeWorkingDays: row.acknowledge_days ?? ServiceStandard.pkpaDefault.acknowledgeWorkingDays,
                                                   resolveWorkingDays: row.resolve_days ?? ServiceStandard.pkpaDefault.resolveWorkingDays)
            }
        }
        if let division = new.divisionID, try await sql.raw("SELECT id FROM \(unsafeRaw: Division.schema) WHERE id = \(bind: division)").first() == nil {
            throw CaseInvalid(problems: ["division": "form.error.choose"])
        }
        struct StandardRow: Decodable { let acknowledge_days: Int; let resolve_days: Int }
        let typeStandard = try await sql.raw("SELECT acknowledge_days, resolve_days FROM \(unsafeRaw: CaseTypeStandard.schema) WHERE type = \(bind: new.type.rawValue)")
            .first(decoding: StandardRow.self)
            .map { ServiceStandard(acknowledgeWorkingDays: $0.acknowledge_days, resolveWorkingDays: $0.resolve_days) }
        let standard = ServiceStandard.resolve(typeOverride: typeStandard, categoryOverride: categoryStandard)
        let calendar = try await app.calendarService.calendar(on: db, now: now)
        let now = self.now
        let today = LocalDate(now)
        let clock = CaseClock(receivedOn: today, standard: standard, state: branch.state)
        let branchID = branch.id
        let year = today.year
        let categoryID = new.categoryID
        let onDuty = try await dutyOfficer(branchID: branchID, divisionID: new.divisionID, today: today, calendar: calendar, state: branch.state)

        let record = try await db.writeTransaction { db in
            let number = try await (db as! any SQLDatabase).raw("""
                INSERT INTO case_sequences (type, year, last_number) VALUES (\(bind: new.type.rawValue), \(bind: year), 1)
                ON CONFLICT (type, year) DO UPDATE SET last_number = case_sequences.last_number + 1
                RETURNING last_number
                """).first()!.decode(column: "last_number", as: Int.self)
            let record = CaseRecord()
            record.reference = CaseReference(type: new.type, year: year, number: number).description
            record.type = new.type
            record.status = .new
            record.channel = new.channel
            record.$category.id = categoryID
            record.subject = new.subject
            record.details = new.details
            record.anonymous = new.anonymous
            record.customerName = new.anonymous ? nil : new.name
            record.customerEmail = new.email.flatMap { $0.isEmpty ? nil : EmailAddress.normalised($0) }
            record.customerPhone = new.phone.flatMap { $0.isEmpty ? nil : $0 }
            record.customerPhoneDigits = record.customerPhone.map(PhoneNumber.digits)
            record.customerIDDocument = new.idDocument.flatMap { $0.isEmpty ? nil : $0 }
            record.language = new.language
            record.contactBy = new.contactBy
            record.onBehalfOf = new.onBehalfOf.flatMap { $0.isEmpty ? nil : $0 }
            record.consentGiven = new.consentGiven
            record.$branch.id = branchID
            record.$division.id = new.divisionID
            record.serviceConcerned = new.service.flatMap { $0.isEmpty ? nil : $0 }
            record.$assignee.id = onDuty
            record.assignedAt = onDuty == nil ? nil : now
            record.receivedAt = now
            record.receivedOn = today.iso
            record.acknowledgeDays = standard.acknowledgeWorkingDays
            record.resolveDays = standard.resolveWorkingDays
            record.acknowledgeDue = clock.acknowledgeBy(calendar).iso
            record.resolveDue = clock.resolveBy(calendar, today: today).iso
            record.pausedDays = 0
            record.publicKey = SessionToken.make()
            record.$createdBy.id = actor.staffID
            record.updatedAt = now
            let sql = db as! any SQLDatabase
            try await record.insert(on: sql)
            let caseID = try record.requireID()
            var events = [CaseEvent(caseID: caseID, at: now, kind: .received, isPublic: true, actorID: actor.staffID, actorName: actor.name, to: .new)]
            if let onDuty {
                events.append(CaseEvent(caseID: caseID, at: now, kind: .assigned, isPublic: false, actorID: nil, actorName: "", body: onDuty.uuidString))
            }
            try await CaseEvent.insert(events, on: sql)
            for attachment in new.attachments {
                try await Self.attach(attachment, to: caseID, isPublic: true, at: now, on: db)
            }
            try await CaseNotifier(app: app).tell(record, about: .received, note: nil, on: db)
            return record
        }
        return record
    }

    static func attach(_ attachment: NewAttachment, to caseID: UUID, isPublic: Bool, at: Date, on db: any Database) async throws {
        guard case let .success(kind) = attachmentPolicy.check(attachment.bytes) else { return }
        let row = CaseAttachment()
        row.$caseRecord.id = caseID
        row.fileName = AttachmentPolicy.safeName(attachment.fileName)
        row.contentType = kind.rawValue
        row.size = attachment.bytes.count
        row.data = Data(attachment.bytes)
        row.isPublic = isPublic
        row.at = at
        try await row.create(on: db)
    }

    /// The day's duty officer with the least open work (PKPA 1/2008 §4d(5): an officer per unit or branch every
    /// day). The unit's duty officers take its cases; the branch's (no unit) take the rest, or anyone on duty
    /// there when the branch has none. On a day off the next working day's rota takes the case.
    func dutyOfficer(branchID: UUID, divisionID: UUID?, today: LocalDate, calendar: WorkingCalendar, state: MalaysianState) async throws -> UUID? {
        let sql = db as! any SQLDatabase
        struct Shift: Decodable { let staff_id: UUID; let division_id: UUID? }
        func onDuty(_ date: LocalDate) async throws -> [UUID] {
            let shifts = try await sql.raw("""
                SELECT d.staff_id, d.division_id FROM \(unsafeRaw: DutyShift.schema) d JOIN \(unsafeRaw: Staff.schema) s ON s.id = d.staff_id
                WHERE d.branch_id = \(bind: branchID) AND d.date = \(bind: date.iso) AND s.active = \(bind: true)
                """).all(decoding: Shift.self)
            let unit = shifts.filter { $0.division_id != nil && $0.division_id == divisionID }
            let branchWide = shifts.filter { $0.division_id == nil }
            return (unit.isEmpty ? (branchWide.isEmpty ? shifts : branchWide) : unit).map(\.staff_id)
        }
        var active = try await onDuty(today)
        let day = calendar.nextWorkingDay(onOrAfter: today, in: state)
        if active.isEmpty && day != today { active = try await onDuty(day) }
        guard !active.isEmpty else { return nil }
        // Load from the table the database keeps (AddCaseOfficerLoad), one row per officer on duty: counting their
        // open cases here grew with the backlog. Among equals, the one given a case longest ago goes first.
        struct Load: Decodable { let staff_id: UUID; let open_cases: Int; let last_assigned_at: Date? }
        let rows = try await sql.raw("SELECT staff_id, open_cases, last_assigned_at FROM \(unsafeRaw: AddCaseOfficerLoad.table) WHERE staff_id IN (\(binds: active))")
            .all(decoding: Load.self)
        let load = Dictionary(rows.map { ($0.staff_id, ($0.open_cases, $0.last_assigned_at?.timeIntervalSince1970)) }, uniquingKeysWith: { first, _ in first })
        let candidates = active.map { DutyAssignment.Candidate(id: $0.uuidString, openCases: load[$0]?.0 ?? 0, lastAssignedAt: load[$0]?.1) }
        return DutyAssignment.choose(from: candidates).flatMap { UUID(uuidString: $0.id) }
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
    func addMessage(_ caseID: UUID, body: String, isPublic: Bool, attachments: [NewAttachment] = [], by actor: CaseActor) async throws -> CaseEvent {
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
            guard let record = try await CaseRecord.find(caseID, on: db) else { throw CaseError.unknownCase }
            let kind: CaseEvent.Kind
            switch actor {
            case .customer:
                guard record.status != .rejected && record.status != .duplicate && record.status != .closed else {
                    throw CaseError.notAllowed(from: record.status, action: .resume)
                }
                kind = .customerMessage
            default: kind = isPublic ? .publicReply : .internalNote
            }
            let event = CaseEvent(caseID: caseID, at: now, kind: kind, isPublic: kind != .internalNote, actorID: actor.staffID,
                                  actorName: actor.name, body: text)
            try await event.create(on: db)
            for attachment in attachments { try await Self.attach(attachment, to: caseID, isPublic: kind != .internalNote, at: now, on: db) }
            // The customer answered what we were waiting for: the clock runs again.
            if kind == .customerMessage && record.status == .pendingCustomer {
                let branch = try await record.$branch.get(on: db)
                let today = LocalDate(now)
                record.endPause(on: today, calendar: calendar, state: branch.state)
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

/// A new case or message that failed its checks: one catalogue key per field.
struct CaseInvalid: Error, Sendable {
    let problems: [String: String]
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
