import Fluent
import Foundation
import LayanCore
import SQLKit
import Vapor

/// Delivers the outbox: claims due messages, sends each, and records the result. A message claimed by an
/// instance that then died is claimed again once its claim lapses (design.md: a crash loses nothing).
struct OutboxWorker: Sendable {
    let app: Application
    static let claimLength: TimeInterval = 120

    /// Delivers what is due now; returns how many were sent.
    @discardableResult
    func runOnce(limit: Int = 20) async throws -> Int {
        let claimed = try await claim(limit: limit)
        var sent = 0
        for message in claimed {
            if try await deliver(message) { sent += 1 }
        }
        return sent
    }

    /// Marks due messages as being sent by this instance: `FOR UPDATE SKIP LOCKED` on PostgreSQL, the write
    /// lock on SQLite, so two instances never send one message twice.
    private func claim(limit: Int) async throws -> [OutboxMessage] {
        let now = app.clock.now()
        let until = now.addingTimeInterval(Self.claimLength)
        return try await app.db.writeTransaction { db in
            let sql = db as! any SQLDatabase
            let lock = sql.dialect.name == "postgresql" ? SQLRaw(" FOR UPDATE SKIP LOCKED") : SQLRaw("")
            let rows = try await sql.raw("""
                SELECT id FROM outbox WHERE state IN ('pending', 'sending') AND next_attempt_at <= \(bind: now)
                ORDER BY next_attempt_at LIMIT \(unsafeRaw: String(limit))\(lock)
                """).all()
            let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
            guard !ids.isEmpty else { return [] }
            try await OutboxMessage.query(on: db).filter(\.$id ~~ ids)
                .set(\.$state, to: .sending).set(\.$nextAttemptAt, to: until).update()
            return try await OutboxMessage.query(on: db).filter(\.$id ~~ ids).all()
        }
    }

    private func deliver(_ message: OutboxMessage) async throws -> Bool {
        let now = app.clock.now()
        do {
            try await send(message)
            message.state = .sent
            message.sentAt = now
            message.lastError = nil
            message.attempts += 1
            try await message.save(on: app.db)
            return true
        } catch {
            message.attempts += 1
            message.lastError = String(describing: error).prefix(500).description
            let permanent = (error as? SMTPClient.Failure)?.permanent ?? false
            if !permanent, let delay = app.settings.messaging.retry.delay(afterAttempts: message.attempts) {
                message.state = .pending
                message.nextAttemptAt = now.addingTimeInterval(delay)
            } else {
                message.state = .failed
            }
            try await message.save(on: app.db)
            app.logger.warning("outbox: \(message.channel.rawValue) to \(message.recipient) failed (attempt \(message.attempts)): \(message.lastError ?? "")")
            return false
        }
    }

    private func send(_ message: OutboxMessage) async throws {
        let settings = app.settings.messaging
        switch message.channel {
        case .email:
            guard let host = settings.smtpHost else { throw NotConfigured(what: "LAYAN_SMTP_HOST") }
            let mail = MailMessage(from: settings.mailFrom, to: message.recipient, subject: message.subject, body: message.body,
                                   messageID: "\(message.id!.uuidString.lowercased())@layan")
            try await SMTPClient.configured(settings, host: host).send(mail, at: app.clock.now())
        case .sms:
            guard let url = settings.smsGatewayURL else { throw NotConfigured(what: "LAYAN_SMS_URL") }
            var headers: HTTPHeaders = ["Content-Type": "application/json"]
            if let token = settings.smsGatewayToken, !token.isEmpty { headers.bearerAuthorization = .init(token: token) }
            struct SMS: Content { let to: String; let message: String; let id: String }
            let response = try await app.client.post(URI(string: url), headers: headers) { request in
                try request.content.encode(SMS(to: PhoneNumber.international(message.recipient), message: message.body, id: message.id!.uuidString))
            }
            guard (200..<300).contains(response.status.code) else {
                throw SMSFailure(status: Int(response.status.code))
            }
        }
    }

    struct NotConfigured: Error, CustomStringConvertible {
        let what: String
        var description: String { "not configured: set \(what)" }
    }

    struct SMSFailure: Error, CustomStringConvertible {
        let status: Int
        var description: String { "SMS gateway answered \(status)" }
    }
}

extension SMTPClient {
    /// The client for the relay in the settings.
    static func configured(_ settings: MessagingSettings, host: String) -> SMTPClient {
        var client = SMTPClient(host: host, port: settings.smtpPort, heloName: "layan")
        client.security = Security(rawValue: settings.smtpSecurity) ?? .none
        if let user = settings.smtpUser { client.credentials = Credentials(user: user, password: settings.smtpPassword ?? "") }
        client.trustRootsFile = settings.smtpCAFile
        return client
    }
}
