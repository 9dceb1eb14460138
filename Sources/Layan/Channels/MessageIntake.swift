import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

extension Request {
    /// A provider's delivery refused (a wrong signature, a body we cannot read): the attempt on the intake log with the
    /// reason and the caller's address — never the text, which was not proven real — and a plain-text answer.
    func refuseDelivery(channel: CaseChannel, provider: String, _ reason: String, status: HTTPStatus = .forbidden) async throws -> Response {
        let now = application.clock.now()
        // A flood of forged deliveries is answered every time but logged only up to a cap, so it cannot fill the log.
        if try await RateLimit.refusalLog.allows(clientAddress, at: now, on: db) {
            try await IntakeEntry.record(.init(at: now, channel: channel, provider: provider, sender: clientAddress,
                                               summary: "", outcome: .refused, reason: reason), on: db)
        }
        return Response(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: .init(string: reason))
    }
}

/// A message a provider delivered (SMS, WhatsApp, Messenger, X), already proven to come from that provider.
struct InboundMessage: Sendable {
    let channel: CaseChannel
    /// `twilio`, `whatsapp-cloud`, …: with `providerMessageID`, what makes a second delivery a duplicate.
    let provider: String
    let providerMessageID: String
    /// The sender as the provider names them: a phone number, a page-scoped id.
    var sender: String
    var senderName: String?
    let text: String
    var mediaURLs: [String] = []
    /// Where replies go back: the customer and our address as this provider names them.
    var replyRoute: ReplyRoute?
}

/// Takes a provider's message: a second delivery of it adds nothing; a sender with an open case on the same
/// channel continues it (the clock starts again if we were waiting for them); anyone else starts a case. Every
/// arrival has its line on the intake log, written in the same unit as what it caused.
struct MessageIntake {
    let db: any Database
    let app: Application

    enum Outcome: Equatable, Sendable { case filed(String), continued(String), duplicate, limited }

    func take(_ delivered: InboundMessage) async throws -> Outcome {
        var message = delivered
        // A number is one sender however it is written (`+60 12-345 6789`, `+60123456789`): kept as + and digits.
        if message.channel == .sms || message.channel == .whatsapp { message.sender = Self.phoneSender(message.sender) }
        if try await alreadyTaken(message) { return try await duplicate(message) }
        let now = app.clock.now()
        // PKPA answers every person; a sender writing faster than a person can is a loop or a flood. Earlier messages
        // stay as they are; the flood is on the intake log with its text, for staff to see.
        let limitKey = "\(message.provider):\(message.sender)"
        guard try await RateLimit.channelSender.isWithin(limitKey, at: now, on: db) else {
            try await IntakeEntry.record(.init(at: now, channel: message.channel, provider: message.provider, sender: message.sender,
                                               summary: String(message.text.prefix(120)), outcome: .refused,
                                               reason: "rate limited: over \(RateLimit.channelSender.limit) messages in 10 minutes"), on: db)
            return .limited
        }
        var text = message.text.trimmingCharacters(in: .whitespacesAndNewlines)
        // Media arrive as links at the provider; the officer opens them from the case (fetching them is not built yet).
        if !message.mediaURLs.isEmpty { text += (text.isEmpty ? "" : "\n\n") + message.mediaURLs.joined(separator: "\n") }
        if text.isEmpty { text = "(—)" }
        text = String(text.prefix(5000))
        let summary = String(text.prefix(120))
        let entry = IntakeEntry.New(at: now, channel: message.channel, provider: message.provider, providerMessageID: message.providerMessageID,
                                    sender: message.sender, summary: summary, outcome: .filed)
        do {
            // Issue #20: "4" in answer to a resolution's survey question is the customer's rating, not a new case.
            if let rated = try await CaseSurveys(app: app).answerByReply(provider: message.provider, sender: message.sender, channel: message.channel,
                                                                          text: text, on: db) {
                try await IntakeEntry.record(.init(at: now, channel: message.channel, provider: message.provider, providerMessageID: message.providerMessageID,
                                                   sender: message.sender, summary: summary, outcome: .continued, reason: "survey answer for \(rated)"), on: db)
                try await RateLimit.channelSender.record(limitKey, at: now, on: db)
                return .continued(rated)
            }
            if let open = try await openCase(of: message) {
                var rows = InsertBatch()
                rows.add(IntakeEntry.New(at: now, channel: message.channel, provider: message.provider, providerMessageID: message.providerMessageID,
                                         sender: message.sender, summary: summary, outcome: .continued, caseID: open.id), as: IntakeEntry.shape)
                RateLimit.channelSender.hit(limitKey, at: now, into: &rows)
                _ = try await CaseEngine(db: db, app: app).addMessage(open.id, body: text, isPublic: true, by: .customer, channelRows: rows)
                return .continued(open.reference)
            }
            let branchID = try await ChannelBranch.id(app, on: db)
            let phone = message.channel == .sms || message.channel == .whatsapp ? message.sender : nil
            // Messenger and X name a sender by an id only: the case is anonymous until the officer learns more.
            var new = NewCase(type: .complaint, channel: message.channel, subject: String(text.prefix(80)), details: text,
                              anonymous: phone == nil, name: phone == nil ? nil : message.senderName ?? phone, phone: phone,
                              contactBy: .sms, branchID: branchID)
            new.channelRows = { caseID, rows in
                rows.add(entry.forCase(caseID), as: IntakeEntry.shape)
                RateLimit.channelSender.hit(limitKey, at: now, into: &rows)
            }
            new.conversation = message.replyRoute
            let filed = try await CaseEngine(db: db, app: app).file(new, by: .system)
            return .filed(filed.reference)
        } catch {
            // Two deliveries of one message at once: the log's unique key let one in; the other is a duplicate.
            if try await alreadyTaken(message) { return try await duplicate(message) }
            throw error
        }
    }

    static func phoneSender(_ text: String) -> String {
        let digits = text.filter { $0.isASCII && $0.isNumber }
        return text.trimmingCharacters(in: .whitespaces).hasPrefix("+") ? "+" + digits : digits
    }

    private func alreadyTaken(_ message: InboundMessage) async throws -> Bool {
        try await IntakeEntry.isTaken(provider: message.provider, messageID: message.providerMessageID, on: db)
    }

    private func duplicate(_ message: InboundMessage) async throws -> Outcome {
        try await IntakeEntry.record(.init(at: app.clock.now(), channel: message.channel, provider: message.provider, sender: message.sender,
                                           summary: String(message.text.prefix(120)), outcome: .duplicate,
                                           reason: "repeat of \(message.providerMessageID)"), on: db)
        return .duplicate
    }

    /// The sender's newest open case on this channel, found through the intake log: the provider names a sender the
    /// same way every time (a number in E.164, a page-scoped id), which the case itself may not keep.
    private func openCase(of message: InboundMessage) async throws -> (id: UUID, reference: String)? {
        struct Row: Decodable { let id: UUID; let reference: String }
        let open = CaseStatus.allCases.filter(\.isOpen).map(\.rawValue)
        return try await db.sql.raw("""
            SELECT c.id, c.reference FROM \(unsafeRaw: IntakeEntry.schema) i JOIN \(unsafeRaw: CaseRecord.schema) c ON c.id = i.case_id
            WHERE i.provider = \(bind: message.provider) AND i.sender = \(bind: message.sender) AND c.channel = \(bind: message.channel.rawValue)
              AND c.status IN (\(binds: open))
            ORDER BY i.at DESC LIMIT 1
            """).first(decoding: Row.self).map { ($0.id, $0.reference) }
    }
}
