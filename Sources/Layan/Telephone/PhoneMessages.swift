import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// Messages for absent officers and call-backs to unanswered callers (PKPA 1/2008, telephone rule 8): taken, told to
/// the officer in Layan and by e-mail through the outbox, open until called back, escalated to the supervisor when
/// the agency's standard passes. Each change is one transaction with its outbox message.
enum PhoneMessages {
    /// What an operator writes down.
    struct Taken: Sendable {
        let staffID: UUID
        let callerName: String?
        let callerNumber: String
        let body: String
        let urgency: PhoneMessage.Urgency
        let bestTime: String?
    }

    static func state(_ app: Application, on db: any Database) async throws -> MalaysianState {
        (try? await ChannelBranch.find(app, on: db).state) ?? .kualaLumpur
    }

    /// Takes a message for `officer` and tells them by e-mail.
    static func take(_ taken: Taken, by operatorID: UUID?, app: Application) async throws -> PhoneMessage {
        let now = app.clock.now()
        guard let officer = try await Staff.query(on: app.db).filter(\.$id == taken.staffID).with(\.$branch).first() else {
            throw Abort(.unprocessableEntity, reason: "No such officer")
        }
        let standard = try await TelephoneSettings.current(on: app.db).standard
        let calendar = try await app.calendarService.calendar(on: app.db, now: now)
        let fallback = try await Self.state(app, on: app.db)
        let state = officer.branch?.state ?? fallback
        let message = PhoneMessage()
        message.kind = .message
        message.$staff.id = taken.staffID
        message.callerName = taken.callerName
        message.callerNumber = taken.callerNumber
        message.body = taken.body
        message.urgency = taken.urgency
        message.bestTime = taken.bestTime
        message.$takenBy.id = operatorID
        message.takenAt = now
        message.dueAt = MessageClock.due(takenAt: now, workingDays: standard.messageReturnWorkingDays, calendar: calendar, state: state)
        try await app.db.writeTransaction { db in
            try await message.create(on: db)
            try await mail(app, to: officer, key: "phone.mail.message", message: message, on: db)
        }
        return message
    }

    /// Marks a message or call-back returned, and whether within the standard (the charter counts it).
    static func calledBack(_ message: PhoneMessage, outcome: PhoneMessage.Outcome, note: String?, by staffID: UUID?, app: Application) async throws {
        let now = app.clock.now()
        message.calledBackAt = now
        message.$calledBackBy.id = staffID
        message.outcome = outcome
        message.outcomeNote = note
        message.returnedInTime = MessageClock.inTime(calledBackAt: now, due: message.dueAt)
        try await app.db.writeTransaction { db in try await message.save(on: db) }
    }

    /// A call-back for each unanswered caller with a number who has none open; an open one is closed when the same
    /// caller got through later. Runs inside the import's transaction.
    static func openCallBacks(for calls: [PBXCall], now: Date, standard: TelephoneStandard, calendar: WorkingCalendar,
                              state: MalaysianState, on db: any Database) async throws -> Int {
        let numbers = Array(Set(calls.compactMap(\.caller)))
        guard !numbers.isEmpty else { return 0 }
        // Rows in batches, not a model per call-back: an import of a busy day opens thousands (measured, #18 item 8).
        enum Waiting { case stored(CallBackRows.Open), new(Int) }
        var waiting: [String: [Waiting]] = [:]
        for open in try await CallBackRows.open(numbers: numbers, on: db.sql) { waiting[open.number, default: []].append(.stored(open)) }
        var opened: [CallBackRows.New] = []
        for call in calls.sorted(by: { $0.enteredAt < $1.enteredAt }) {
            guard let number = call.caller else { continue }
            if call.outcome.wasAnswered {
                let gotThrough = Date(timeIntervalSince1970: Double(call.enteredAt))
                for item in waiting[number] ?? [] {
                    switch item {
                    case let .stored(open) where open.enteredAt < call.enteredAt:
                        try await CallBackRows.close(open.id, at: now, callerGotThroughAt: gotThrough, due: open.dueAt, on: db.sql)
                    case let .new(index) where opened[index].call.enteredAt < call.enteredAt:
                        opened[index].close(at: now, callerGotThroughAt: gotThrough)
                    default:
                        break
                    }
                }
                waiting[number] = []
                continue
            }
            guard call.needsCallBack, waiting[number]?.isEmpty ?? true else { continue }
            let at = Date(timeIntervalSince1970: Double(call.enteredAt + call.waitSeconds))
            opened.append(CallBackRows.New(call: call, takenAt: at,
                                           dueAt: MessageClock.due(takenAt: at, workingDays: standard.messageReturnWorkingDays, calendar: calendar, state: state)))
            waiting[number] = [.new(opened.count - 1)]
        }
        try await CallBackRows.insert(opened, on: db.sql)
        return opened.count
    }

    static func mail(_ app: Application, to officer: Staff, key: String, message: PhoneMessage, on db: any Database) async throws {
        let catalogue = app.catalogue
        let values = ["caller": message.callerName ?? message.callerNumber, "number": message.callerNumber, "message": message.body,
                      "bestTime": message.bestTime ?? "—", "due": MalaysianTime.dateTime(message.dueAt, in: .ms),
                      "officer": officer.name, "link": app.settings.messaging.publicBaseURL + SiteURL.telephone(.messages).path]
        let urgent = message.urgency == .urgent ? "[\(catalogue.text("phone.urgency.urgent", .ms, [:]))] " : ""
        let subject = urgent + catalogue.text(key + ".subject", .ms, values) + " / " + catalogue.text(key + ".subject", .en, values)
        let body = [Language.ms, .en].map { catalogue.text(key, $0, values) + "\n" + values["link"]! }.joined(separator: "\n\n")
        try await OutboxMessage(channel: .email, recipient: officer.email, subject: subject, body: body, caseID: nil, at: app.clock.now()).create(on: db)
    }
}

/// Escalates messages not returned within the standard to the officer's supervisors (heads of unit and supervisors of
/// their branch), once each (PKPA 1/2008, telephone rule 8).
struct PhoneMessageEscalationJob {
    let app: Application

    @discardableResult
    func runOnce() async throws -> Int {
        let now = app.clock.now()
        let late = try await PhoneMessage.query(on: app.db).filter(\.$calledBackAt == nil).filter(\.$escalatedAt == nil)
            .filter(\.$kind == .message).filter(\.$dueAt < now).with(\.$staff).limit(200).all()
        var escalated = 0
        for message in late {
            guard let officer = message.staff else { continue }
            let supervisors = try await Staff.query(on: app.db).filter(\.$active == true).all()
                .filter { ($0.roles.contains(.headOfUnit) || $0.roles.contains(.supervisor)) && $0.id != officer.id }
            let sameBranch = supervisors.filter { $0.$branch.id == officer.$branch.id && officer.$branch.id != nil }
            let recipients = sameBranch.isEmpty ? supervisors.filter { $0.roles.contains(.headOfUnit) } : sameBranch
            try await app.db.writeTransaction { db in
                message.escalatedAt = now
                try await message.save(on: db)
                for supervisor in recipients {
                    try await PhoneMessages.mail(app, to: supervisor, key: "phone.mail.escalated", message: message, on: db)
                }
            }
            escalated += 1
        }
        return escalated
    }
}
