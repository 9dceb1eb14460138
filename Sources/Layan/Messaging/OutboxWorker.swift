import Fluent
import Foundation
import LayanCore
import Vapor

/// Delivers the outbox: claims due messages, sends each, and records the result. A message claimed by an
/// instance that then died is claimed again once its claim lapses (design.md: a crash loses nothing).
struct OutboxWorker: Sendable {
    let app: Application

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

    private func claim(limit: Int) async throws -> [OutboxMessage] {
        let now = app.clock.now()
        return try await OutboxStore.claim(due: now, until: now.addingTimeInterval(app.settings.outboxClaimSeconds), limit: limit, on: app.db)
    }

    private func deliver(_ message: OutboxMessage) async throws -> Bool {
        let now = app.clock.now()
        do {
            message.providerMessageID = try await send(message)
            message.state = .sent
            message.sentAt = now
            message.lastError = nil
            message.attempts += 1
            try await message.save(on: app.db)
            return true
        } catch {
            message.attempts += 1
            message.lastError = String(describing: error).prefix(500).description
            let permanent = (error as? any DeliveryFailure)?.permanent ?? false
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

    /// Sends it; answers the provider's id for it where the provider gives one.
    private func send(_ message: OutboxMessage) async throws -> String? {
        switch message.channel {
        case .email:
            let mail = MailMessage(from: app.settings.messaging.mailFrom, to: message.recipient, subject: message.subject, body: message.body,
                                   messageID: OutboxMessage.mailMessageID(message.id!))
            try await app.mailer.send(mail, at: app.clock.now())
            return nil
        case .sms:
            try await app.smsGateway.send(to: message.recipient, text: message.body, id: message.id!)
            return nil
        case .twilio, .whatsappCloud, .messenger, .x:
            return try await app.conversationSender.send(message)
        }
    }
}
