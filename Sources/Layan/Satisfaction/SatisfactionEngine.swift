import Crypto
import Fluent
import Foundation
import LayanCore
import LayanStorage
import Vapor

/// Every answer a customer gives about our service (issue #20), with its guards: one rating per ticket, the tablet
/// locked to its counter, no officer rating their own service, a survey link that is signed, expires and is used once,
/// nobody changing a customer's answer — and a follow-up for the unit head when a score is low.
struct SatisfactionEngine {
    let app: Application
    var db: any Database { app.db }

    enum Failure: CatalogueError, Equatable {
        case badScore
        case badReason
        case notServed
        case alreadyRated
        case tooLate
        case ownService
        case wrongCounter
        case unknownSurvey
        case expired
        case alreadyAnswered

        var status: HTTPResponseStatus {
            switch self {
            // Customers' pages are open to anyone: what they cannot do is a request that cannot be taken (422), not a
            // refusal of who they are.
            case .badScore, .badReason, .notServed, .tooLate, .expired, .ownService, .wrongCounter: .unprocessableEntity
            case .alreadyRated, .alreadyAnswered: .conflict
            case .unknownSurvey: .notFound
            }
        }

        var catalogueKey: String { "rating.error.\(String(describing: self))" }
    }

    /// How long a customer's own ticket page offers the faces after service.
    static let phoneWindow: TimeInterval = 24 * 3600
    /// How long after rating a customer may still add why (the tablet's second screen).
    static let reasonWindow: TimeInterval = 120

    /// A customer's rating of a served ticket. `device` is the counter's tablet, `staff` whoever is signed in.
    func rate(_ ticket: Ticket, score: Int, reason: RatingReason?, comment: String?, via: CounterRating.Via, device: RatingDevice?,
              staff: StaffIdentity?) async throws -> CounterRating {
        guard (1...5).contains(score) else { throw Failure.badScore }
        if let reason, !RatingReason.offered(for: score).contains(reason) { throw Failure.badReason }
        guard ticket.status == .done, let counterID = ticket.$counter.id, let officerID = ticket.$officer.id, let completedAt = ticket.completedAt else {
            throw Failure.notServed
        }
        // Issue #20: no officer can rate their own service.
        if staff?.id == officerID { throw Failure.ownService }
        let now = app.clock.now()
        let settings = try await SatisfactionSettings.values(app)
        if let device {
            // Issue #20: a tablet is locked to its counter and offers the faces only just after service.
            guard device.$counter.id == counterID else { throw Failure.wrongCounter }
            guard now.timeIntervalSince(completedAt) <= Double(settings.ratingWindowMinutes * 60) else { throw Failure.tooLate }
        } else if now.timeIntervalSince(completedAt) > Self.phoneWindow {
            throw Failure.tooLate
        }
        // One rating per ticket: the ticket's unique rating row refuses a second (checked after, not before, the write).
        let rating = CounterRating()
        rating.ticketID = ticket.id!; rating.branchID = ticket.$branch.id; rating.counterID = counterID; rating.officerID = officerID
        rating.serviceID = ticket.$service.id; rating.day = ticket.serviceDate; rating.score = score; rating.reason = reason
        rating.comment = Self.cleanComment(comment); rating.via = via; rating.deviceID = device?.id; rating.ratedAt = now
        do {
            try await db.writeTransaction { db in
                try await rating.create(on: db)
                if score <= settings.followUpAtOrBelow { try await followUp(for: rating, on: db) }
            }
        } catch {
            // Two taps at once: the ticket's unique rating answers for the second.
            if try await CounterRating.query(on: db).filter(\.$ticketID == ticket.id!).count() > 0 { throw Failure.alreadyRated }
            throw error
        }
        return rating
    }

    /// The customer says why, just after rating: once, within two minutes, from where they rated.
    func addReason(to ratingID: UUID, reason: RatingReason?, comment: String?, device: RatingDevice?, ticketID: UUID?) async throws {
        guard let rating = try await CounterRating.find(ratingID, on: db) else { throw Failure.notServed }
        guard rating.deviceID == device?.id, ticketID.map({ $0 == rating.ticketID }) ?? true else { throw Failure.wrongCounter }
        guard rating.reason == nil, rating.comment == nil else { throw Failure.alreadyRated }
        guard app.clock.now().timeIntervalSince(rating.ratedAt) <= Self.reasonWindow else { throw Failure.tooLate }
        if let reason, !RatingReason.offered(for: rating.score).contains(reason) { throw Failure.badReason }
        rating.reason = reason
        rating.comment = Self.cleanComment(comment)
        try await db.writeTransaction { db in
            try await rating.save(on: db)
            if let followUp = try await SatisfactionFollowUp.query(on: db).filter(\.$recordID == ratingID).first() {
                followUp.summary = FollowUpSummary.rating(rating, app.catalogue, .default)
                try await followUp.save(on: db)
            }
        }
    }

    static func cleanComment(_ text: String?) -> String? {
        text.map { String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(CounterRating.maximumComment)) }.flatMap { $0.isEmpty ? nil : $0 }
    }

    private func followUp(for rating: CounterRating, on db: any Database) async throws {
        let row = SatisfactionFollowUp()
        row.source = .counter; row.recordID = rating.id!; row.branchID = rating.branchID; row.lowest = rating.score
        row.summary = FollowUpSummary.rating(rating, app.catalogue, .default); row.status = .open; row.createdAt = rating.ratedAt
        try await row.create(on: db)
    }

    // MARK: Tablets

    /// Pairs a browser as counter `counterID`'s rating tablet; returns the cookie value (id and secret).
    func pair(counterID: UUID, by staff: StaffIdentity) async throws -> String {
        let secret = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64URLEncodedString()
        let device = RatingDevice()
        device.$counter.id = counterID; device.secretHash = Self.hash(secret); device.pairedBy = staff.name; device.pairedAt = app.clock.now()
        try await device.create(on: db)
        return "\(device.id!.uuidString).\(secret)"
    }

    /// The tablet a cookie names, if it is paired and not revoked.
    func device(cookie: String?) async throws -> RatingDevice? {
        guard let parts = cookie?.split(separator: "."), parts.count == 2, let id = UUID(uuidString: String(parts[0])),
              let device = try await RatingDevice.find(id, on: db), device.revokedAt == nil,
              CSRFMiddleware.constantTimeEqual(device.secretHash, Self.hash(String(parts[1]))) else { return nil }
        return device
    }

    static func hash(_ secret: String) -> String { SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined() }

    /// The ticket a tablet offers now: the last served at its counter within the window and not yet rated.
    func ticketToRate(at device: RatingDevice) async throws -> Ticket? {
        let settings = try await SatisfactionSettings.values(app)
        let since = app.clock.now().addingTimeInterval(-Double(settings.ratingWindowMinutes * 60))
        guard let id = try await RatingStore.lastServed(at: device.$counter.id, since: since, on: db.sql).first(decodingColumn: "id", as: UUID.self),
              let ticket = try await Ticket.find(id, on: db) else { return nil }
        return try await CounterRating.query(on: db).filter(\.$ticketID == ticket.id!).count() == 0 ? ticket : nil
    }
}
