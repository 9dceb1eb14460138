import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// The SQL that finds one person's records and takes the personal data out of records (issue #21, item 6). What is
/// kept is what the figures read: a case's type, channel, category, branch, dates and SLA outcome; a call's queue,
/// times and outcome; a message's channel and state.
struct PersonalDataStore {
    let db: any Database
    var sql: any SQLDatabase { db.sql }

    /// Who a request is about: an e-mail address, a phone number, an identity number — any of them.
    struct Subject: Sendable {
        var email: String?
        var phone: String?
        var identityNumber: String?

        var isEmpty: Bool { email == nil && phone == nil && identityNumber == nil }

        /// The ways a phone number is written in the records: as typed, its digits, international, with a plus.
        var phoneSpellings: [String] {
            guard let phone else { return [] }
            let international = PhoneNumber.international(phone)
            return Array(Set([phone, PhoneNumber.digits(phone), international, "+" + international]))
        }
        var addresses: [String] { [email?.lowercased()].compactMap { $0 } + phoneSpellings }
    }

    /// At most this many records a statement changes, so a first run over years of records holds no lock for long.
    static let batch = 1000

    // MARK: Past their period

    /// Anonymises `type`'s records from before `cutoff`; returns how many.
    func anonymiseExpired(_ type: PersonalRecordType, before cutoff: Date, at now: Date) async throws -> Int {
        switch type {
        case .closedCases:
            var total = 0
            while true {
                let ids = try await sql.select().column("id").from(CaseRecord.schema)
                    .where("anonymised_at", .is, SQLLiteral.null).where("closed_at", .lessThan, SQLBind(cutoff))
                    .limit(Self.batch).all(decodingColumn: "id", as: UUID.self)
                guard !ids.isEmpty else { return total }
                try await anonymiseCases(ids, at: now)
                total += ids.count
            }
        case .telephoneCalls:
            return try await clearExpired(.telephoneCalls, personal: "caller", when: "entered_at", before: cutoff)
        case .phoneMessages:
            return try await clearExpired(.phoneMessages, personal: "caller_number", when: "taken_at", before: cutoff)
        case .sentMessages:
            // Only what was delivered or given up on: a message still to send keeps its recipient.
            return try await clearExpired(.sentMessages, personal: "recipient", when: "created_at", before: cutoff, extra: "state IN ('sent', 'failed')")
        case .intakeLog:
            return try await clearExpired(.intakeLog, personal: "sender", when: "at", before: cutoff)
        }
    }

    /// Where each kind other than cases keeps its personal data, and what the columns become.
    static let emptied: [PersonalRecordType: (table: String, columns: [(String, any SQLExpression & Sendable)])] = [
        .telephoneCalls: (TelephoneCall.schema, [("caller", SQLLiteral.null)]),
        .phoneMessages: (PhoneMessage.schema, [("caller_name", SQLLiteral.null), ("caller_number", SQLLiteral.string("")), ("body", SQLLiteral.string("")),
                                               ("best_time", SQLLiteral.null)]),
        .sentMessages: (OutboxMessage.schema, [("recipient", SQLLiteral.string("")), ("subject", SQLLiteral.string("")), ("body", SQLLiteral.string(""))]),
        .intakeLog: (IntakeEntry.schema, [("sender", SQLLiteral.null), ("summary", SQLLiteral.string(""))]),
    ]

    /// Empties `type`'s personal columns in rows `ids`.
    private func empty(_ type: PersonalRecordType, _ ids: [UUID]) async throws {
        guard !ids.isEmpty, let target = Self.emptied[type] else { return }
        var update = sql.update(target.table)
        for (name, value) in target.columns { update = update.set(SQLColumn(name), to: value) }
        try await update.where(SQLColumn("id"), .in, SQLBind.group(ids)).run()
    }

    /// Empties `type`'s rows older than `cutoff` that still hold `personal`, a batch at a time.
    private func clearExpired(_ type: PersonalRecordType, personal: String, when column: String, before cutoff: Date, extra: String? = nil) async throws -> Int {
        guard let table = Self.emptied[type]?.table else { return 0 }
        var total = 0
        while true {
            var select = sql.select().column("id").from(table).where(column, .lessThan, SQLBind(cutoff))
                .where(SQLColumn(personal), .isNot, SQLLiteral.null).where(SQLColumn(personal), .notEqual, SQLBind(""))
            if let extra { select = select.where(SQLRaw(extra)) }
            let ids = try await select.limit(Self.batch).all(decodingColumn: "id", as: UUID.self)
            guard !ids.isEmpty else { return total }
            try await empty(type, ids)
            total += ids.count
        }
    }

    /// Takes the customer out of these cases: contact, identity number, on whose behalf, the description, their own
    /// messages, attachments and the conversation's return address. One transaction per batch.
    func anonymiseCases(_ ids: [UUID], at now: Date) async throws {
        guard !ids.isEmpty else { return }
        try await db.writeTransaction { db in
            let sql = db.sql
            try await sql.update(CaseRecord.schema)
                .set("customer_name", to: SQLLiteral.null).set("customer_email", to: SQLLiteral.null).set("customer_phone", to: SQLLiteral.null)
                .set("customer_phone_digits", to: SQLLiteral.null).set("customer_id_document", to: SQLLiteral.null)
                .set("on_behalf_of", to: SQLLiteral.null).set("description", to: SQLBind("")).set("anonymised_at", to: SQLBind(now))
                .where(SQLColumn("id"), .in, SQLBind.group(ids)).run()
            try await sql.update(CaseEvent.schema).set("body", to: SQLLiteral.null)
                .where(SQLColumn("case_id"), .in, SQLBind.group(ids)).where("kind", .in, SQLBind.group([CaseEvent.Kind.received.rawValue, CaseEvent.Kind.customerMessage.rawValue]))
                .run()
            try await sql.delete(from: CaseAttachment.schema).where(SQLColumn("case_id"), .in, SQLBind.group(ids)).run()
            try await sql.delete(from: CaseReplyRoute.schema).where(SQLColumn("case_id"), .in, SQLBind.group(ids)).run()
        }
    }

    // MARK: One person's records

    /// What Layan holds about the subject, for their copy (export) and for erasure.
    struct Found: Sendable {
        var cases: [CaseRecord] = []
        var calls: [TelephoneCall] = []
        var phoneMessages: [PhoneMessage] = []
        var sent: [OutboxMessage] = []
        var intake: [IntakeEntry] = []

        var count: Int { cases.count + calls.count + phoneMessages.count + sent.count + intake.count }
    }

    func find(_ subject: Subject, cipher: PersonalDataCipher) async throws -> Found {
        var found = Found()
        var caseIDs = Set<UUID>()
        if let email = subject.email?.lowercased() {
            caseIDs.formUnion(try await sql.select().column("id").from(CaseRecord.schema).where(SQLFunction("LOWER", args: SQLColumn("customer_email")), .equal, SQLBind(email))
                .all(decodingColumn: "id", as: UUID.self))
        }
        if let phone = subject.phone {
            caseIDs.formUnion(try await sql.select().column("id").from(CaseRecord.schema).where("customer_phone_digits", .equal, SQLBind(PhoneNumber.digits(phone)))
                .all(decodingColumn: "id", as: UUID.self))
        }
        if let number = subject.identityNumber.map(IdentityNumber.normalised) {
            // Sealed with a fresh nonce each: no index can find one, so each sealed number is opened and compared.
            struct Sealed: Decodable { let id: UUID; let customer_id_document: String }
            let sealed = try await sql.select().column("id").column("customer_id_document").from(CaseRecord.schema)
                .where(SQLColumn("customer_id_document"), .isNot, SQLLiteral.null).all(decoding: Sealed.self)
            caseIDs.formUnion(sealed.filter { cipher.open($0.customer_id_document).map(IdentityNumber.normalised) == number }.map(\.id))
        }
        if !caseIDs.isEmpty { found.cases = try await CaseRecord.query(on: db).filter(\.$id ~~ caseIDs).sort(\.$receivedAt).all() }
        let phones = subject.phoneSpellings, addresses = subject.addresses
        if !phones.isEmpty {
            found.calls = try await TelephoneCall.query(on: db).filter(\.$caller ~~ phones).sort(\.$enteredAt).all()
            found.phoneMessages = try await PhoneMessage.query(on: db).filter(\.$callerNumber ~~ phones).sort(\.$takenAt).all()
        }
        if !addresses.isEmpty {
            found.sent = try await OutboxMessage.query(on: db).group(.or) { any in
                any.filter(\.$recipient ~~ addresses)
                if !caseIDs.isEmpty { any.filter(\.$caseID ~~ caseIDs) }
            }.sort(\.$createdAt).all()
            found.intake = try await IntakeEntry.query(on: db).group(.or) { any in
                any.filter(\.$sender ~~ addresses)
                if !caseIDs.isEmpty { any.filter(\.$caseRecord.$id ~~ caseIDs) }
            }.sort(\.$at).all()
        }
        return found
    }

    /// Erases what `found` holds, except open cases (still being handled: the customer is told to wait for them).
    /// Returns how many records were changed.
    func erase(_ found: Found, at now: Date) async throws -> Int {
        let closed = found.cases.filter { !$0.status.isOpen }.compactMap(\.id)
        try await anonymiseCases(closed, at: now)
        // A message still to send keeps its recipient, as in the daily job.
        let sent = found.sent.filter { [.sent, .failed].contains($0.state) }.compactMap(\.id)
        let others: [(PersonalRecordType, [UUID])] = [(.telephoneCalls, found.calls.compactMap(\.id)), (.phoneMessages, found.phoneMessages.compactMap(\.id)),
                                                      (.sentMessages, sent), (.intakeLog, found.intake.compactMap(\.id))]
        for (type, ids) in others { try await empty(type, ids) }
        return closed.count + others.map(\.1.count).reduce(0, +)
    }
}
