import Fluent
import Foundation
import LayanCore
import Vapor

/// The administrator's personal-data desk (issue #21, item 6): the retention period of each kind of record, with the
/// disposal-schedule item behind it; one person's records, a copy for them (JSON) and their erasure. Looking someone
/// up, exporting and erasing are each on the audit trail.
struct PersonalDataController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let desk = routes.access(.staff(.handlePersonalData))
        desk.get(.personalData(.overview), use: overview)
        desk.post(.personalData(.retention), use: saveRetention)
        desk.get(.personalData(.subject), use: subject)
        desk.get(.personalData(.export), use: export)
        desk.post(.personalData(.erase), use: erase)
    }

    struct RuleRow: Encodable, Sendable { let type: String; let label: String; let months: Int; let reference: String; let updated: String? }
    struct RunRow: Encodable, Sendable { let day: String; let counts: String }
    struct OverviewPage: Encodable, Sendable {
        let layout: LayoutContext
        let rules: [RuleRow]
        let runs: [RunRow]
        let retentionAction: String
        let subjectAction: String
    }

    func overview(req: Request) async throws -> View {
        let stored = Dictionary(try await RetentionRule.query(on: req.db).all().map { ($0.recordType, $0) }, uniquingKeysWith: { a, _ in a })
        let runs = try await RetentionRun.query(on: req.db).sort(\.$day, .descending).limit(14).all()
        return try await req.view.render("PersonalData/overview", OverviewPage(
            layout: await LayoutContext.make(for: req, title: req.t("personalData.title")),
            rules: PersonalRecordType.allCases.map { type in
                let rule = stored[type]
                return RuleRow(type: type.rawValue, label: req.t(type.catalogueKey), months: rule?.months ?? type.defaultMonths,
                               reference: rule?.scheduleReference ?? "", updated: rule.map { "\($0.updatedBy), \(MalaysianTime.dateTime($0.updatedAt, in: req.language))" })
            },
            runs: runs.map { run in
                RunRow(day: run.day, counts: PersonalRecordType.allCases.map { "\(req.t($0.catalogueKey)): \(run.counts[$0.rawValue] ?? 0)" }.joined(separator: " · "))
            },
            retentionAction: SiteURL.personalData(.retention).path, subjectAction: SiteURL.personalData(.subject).path))
    }

    func saveRetention(req: Request) async throws -> Response {
        let fields = req.formFields()
        var asked: [(PersonalRecordType, RetentionPeriod, String)] = []
        for type in PersonalRecordType.allCases {
            let reference = (fields["reference_\(type.rawValue)"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            guard let months = fields["months_\(type.rawValue)"].flatMap({ Int($0.trimmingCharacters(in: .whitespaces)) }),
                  let period = RetentionPeriod(months: months), reference.count <= 200 else {
                try await req.flash("error", req.t("personalData.retention.invalid", ["type": req.t(type.catalogueKey)]))
                return req.seeOther(.personalData(.overview))
            }
            asked.append((type, period, reference))
        }
        let periods = asked
        let now = req.application.clock.now(), who = req.staff?.email ?? ""
        try await req.db.writeTransaction { db in
            for (type, period, reference) in periods {
                let rule = try await RetentionRule.query(on: db).filter(\.$recordType == type).first() ?? RetentionRule()
                // Only a change is stored and audited: an untouched default stays a default.
                let months = rule.id == nil ? type.defaultMonths : rule.months, oldReference = rule.id == nil ? "" : rule.scheduleReference
                guard months != period.months || oldReference != reference else { continue }
                let before = "\(months)"
                rule.recordType = type; rule.months = period.months; rule.scheduleReference = reference; rule.updatedBy = who; rule.updatedAt = now
                try await rule.save(on: db)
                try await Audit.record(.update, entity: "retention_rule", id: type.rawValue,
                                       changes: ["months": .init(before: before, after: "\(period.months)"), "reference": .init(before: oldReference, after: reference)],
                                       by: req, on: db)
            }
        }
        try await req.flash("success", req.t("personalData.retention.saved"))
        return req.seeOther(.personalData(.overview))
    }

    /// The subject from the query or form: at least one of e-mail, phone, identity number.
    static func subject(_ values: [String: String]) -> PersonalDataStore.Subject? {
        func value(_ name: String) -> String? {
            values[name].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty || $0.count > 200 ? nil : $0 }
        }
        let subject = PersonalDataStore.Subject(email: value("email"), phone: value("phone").flatMap { PhoneNumber.digits($0).count >= 6 ? $0 : nil },
                                                identityNumber: value("identity").flatMap { IdentityNumber.normalised($0).count >= 6 ? $0 : nil })
        return subject.isEmpty ? nil : subject
    }

    static let keys = ["email", "phone", "identity"]

    static func query(_ req: Request) -> [String: String] {
        keys.reduce(into: [:]) { values, name in values[name] = req.query[String.self, at: name] }
    }

    struct FoundRow: Encodable, Sendable { let kind: String; let reference: String; let when: String; let detail: String }
    struct SubjectPage: Encodable, Sendable {
        let layout: LayoutContext
        let email: String; let phone: String; let identity: String
        let rows: [FoundRow]
        let openCases: [String]
        let exportHref: String
        let eraseAction: String
        let backHref: String
    }

    func subject(req: Request) async throws -> Response {
        let values = Self.query(req)
        guard let subject = Self.subject(values) else {
            try await req.flash("error", req.t("personalData.subject.needOne"))
            return req.seeOther(.personalData(.overview))
        }
        let found = try await PersonalDataStore(db: req.db).find(subject, cipher: req.application.personalDataCipher)
        // Looking someone up shows their personal data: on the trail, with what was asked (never the identity number).
        try await Audit.record(.viewPersonalData, entity: "personal_data", id: nil, changes: Self.trail(subject, found: found), by: req)
        let catalogue = req.application.catalogue, language = req.language
        func when(_ date: Date) -> String { MalaysianTime.dateTime(date, in: language) }
        var rows = found.cases.map { FoundRow(kind: req.t("personalData.kind.case"), reference: $0.reference, when: when($0.receivedAt),
                                              detail: "\($0.subject) · \(catalogue.text($0.status.catalogueKey, language))") }
        rows += found.calls.map { FoundRow(kind: req.t("personalData.kind.call"), reference: $0.queue, when: when($0.enteredAt), detail: req.t($0.outcome.catalogueKey)) }
        rows += found.phoneMessages.map { FoundRow(kind: req.t("personalData.kind.phoneMessage"), reference: $0.callerName ?? "", when: when($0.takenAt), detail: $0.body) }
        rows += found.sent.map { FoundRow(kind: req.t("personalData.kind.sent"), reference: $0.recipient, when: when($0.createdAt), detail: $0.subject) }
        rows += found.intake.map { FoundRow(kind: req.t("personalData.kind.intake"), reference: $0.sender ?? "", when: when($0.at), detail: $0.summary) }
        let page = SubjectPage(
            layout: await LayoutContext.make(for: req, title: req.t("personalData.subject.title")),
            email: values["email"] ?? "", phone: values["phone"] ?? "", identity: values["identity"] ?? "", rows: rows,
            openCases: found.cases.filter(\.status.isOpen).map(\.reference),
            exportHref: SiteURL.personalData(.export).path(query: Self.keys.map { ($0, values[$0] ?? "") }),
            eraseAction: SiteURL.personalData(.erase).path, backHref: SiteURL.personalData(.overview).path)
        return try await req.view.render("PersonalData/subject", page).encodeResponse(for: req)
    }

    /// What the trail keeps of a lookup: which kinds of key were given and how many records were found.
    static func trail(_ subject: PersonalDataStore.Subject, found: PersonalDataStore.Found) -> [String: AuditDiff.Change] {
        ["asked": .init(before: nil, after: [subject.email.map { _ in "email" }, subject.phone.map { _ in "phone" },
                                             subject.identityNumber.map { _ in "identity number" }].compactMap { $0 }.joined(separator: ", ")),
         "records": .init(before: nil, after: "\(found.count)")]
    }

    /// The person's copy: everything found, as JSON (identity numbers opened: it is their own).
    func export(req: Request) async throws -> Response {
        guard let subject = Self.subject(Self.query(req)) else { throw Abort(.badRequest, reason: req.t("personalData.subject.needOne")) }
        let cipher = req.application.personalDataCipher
        let found = try await PersonalDataStore(db: req.db).find(subject, cipher: cipher)
        try await Audit.record(.exportPersonalData, entity: "personal_data", id: nil, changes: Self.trail(subject, found: found), by: req)
        let copy = PersonalDataCopy(found, cipher: cipher, at: req.application.clock.now())
        let response = try await copy.encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"layan-personal-data.json\"")
        response.headers.doNotStore()
        return response
    }

    func erase(req: Request) async throws -> Response {
        let fields = req.formFields()
        guard let subject = Self.subject(fields) else {
            try await req.flash("error", req.t("personalData.subject.needOne"))
            return req.seeOther(.personalData(.overview))
        }
        let reason = (fields["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard (3...500).contains(reason.count) else {
            try await req.flash("error", req.t("personalData.erase.needReason"))
            return req.seeOther(SiteURL.personalData(.subject).path(query: Self.keys.map { ($0, fields[$0] ?? "") }))
        }
        let store = PersonalDataStore(db: req.db)
        let found = try await store.find(subject, cipher: req.application.personalDataCipher)
        let erased = try await store.erase(found, at: req.application.clock.now())
        var trail = Self.trail(subject, found: found)
        trail["erased"] = .init(before: nil, after: "\(erased)"); trail["reason"] = .init(before: nil, after: reason)
        try await Audit.record(.erasePersonalData, entity: "personal_data", id: nil, changes: trail, by: req)
        let open = found.cases.filter(\.status.isOpen).map(\.reference)
        try await req.flash("success", req.t("personalData.erase.done", ["count": "\(erased)"]) +
                            (open.isEmpty ? "" : " " + req.t("personalData.erase.keptOpen", ["cases": open.joined(separator: ", ")])))
        return req.seeOther(.personalData(.overview))
    }
}

/// A person's copy of their data (issue #21, item 6: "everything Layan holds for one e-mail/phone/ID, as JSON").
struct PersonalDataCopy: Content {
    struct Case: Codable { let reference: String; let type: String; let status: String; let channel: String; let receivedAt: Date
        let subject: String; let description: String; let name: String?; let email: String?; let phone: String?; let identityNumber: String?
        let onBehalfOf: String? }
    struct Call: Codable { let queue: String; let caller: String?; let enteredAt: Date; let outcome: String; let waitSeconds: Int; let talkSeconds: Int }
    struct PhoneMessageCopy: Codable { let callerName: String?; let callerNumber: String; let message: String; let takenAt: Date }
    struct Sent: Codable { let channel: String; let to: String; let subject: String; let body: String; let createdAt: Date; let state: String }
    struct Intake: Codable { let channel: String; let from: String?; let summary: String; let at: Date }

    let generatedAt: Date
    let cases: [Case]
    let calls: [Call]
    let phoneMessages: [PhoneMessageCopy]
    let messagesSent: [Sent]
    let messagesReceived: [Intake]

    init(_ found: PersonalDataStore.Found, cipher: PersonalDataCipher, at now: Date) {
        generatedAt = now
        cases = found.cases.map { record in
            Case(reference: record.reference, type: record.type.rawValue, status: record.status.rawValue, channel: record.channel.rawValue,
                 receivedAt: record.receivedAt, subject: record.subject, description: record.details, name: record.customerName,
                 email: record.customerEmail, phone: record.customerPhone, identityNumber: record.customerIDDocument.flatMap(cipher.open),
                 onBehalfOf: record.onBehalfOf)
        }
        calls = found.calls.map { Call(queue: $0.queue, caller: $0.caller, enteredAt: $0.enteredAt, outcome: $0.outcome.rawValue,
                                       waitSeconds: $0.waitSeconds, talkSeconds: $0.talkSeconds) }
        phoneMessages = found.phoneMessages.map { PhoneMessageCopy(callerName: $0.callerName, callerNumber: $0.callerNumber, message: $0.body, takenAt: $0.takenAt) }
        messagesSent = found.sent.map { Sent(channel: $0.channel.rawValue, to: $0.recipient, subject: $0.subject, body: $0.body, createdAt: $0.createdAt,
                                             state: $0.state.rawValue) }
        messagesReceived = found.intake.map { Intake(channel: $0.channel.rawValue, from: $0.sender, summary: $0.summary, at: $0.at) }
    }
}
