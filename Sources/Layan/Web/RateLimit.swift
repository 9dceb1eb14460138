import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// A limit on how often one address may do something anonymous (take a number, file a case, look one up).
/// Counted in the database so every instance sees the same hits.
struct RateLimit: Sendable {
    let bucket: String
    let limit: Int
    let window: TimeInterval

    static let queueTicket = RateLimit(bucket: "queue_ticket", limit: 30, window: 600)
    static let caseSubmission = RateLimit(bucket: "case_submit", limit: 5, window: 3600)
    /// Status checks: generous for a customer, far too few to walk the reference numbers.
    static let caseLookup = RateLimit(bucket: "case_lookup", limit: 20, window: 600)
    static let caseReply = RateLimit(bucket: "case_reply", limit: 20, window: 3600)
    /// One sender on one messaging channel or e-mail address: a person writes a few messages, a loop or a flood writes
    /// hundreds (issue #17, item 7). Keyed by provider and sender, not by address: providers deliver from few addresses.
    static let channelSender = RateLimit(bucket: "channel_sender", limit: 20, window: 600)
    /// Refused deliveries logged per calling address: enough to see an attack, not enough to fill the intake log.
    static let refusalLog = RateLimit(bucket: "refusal_log", limit: 30, window: 600)

    /// Records a hit and refuses it (429) when the address is over its limit.
    func check(_ req: Request) async throws {
        guard try await allows(req.clientAddress, at: req.application.clock.now(), on: req.db) else { throw TooManyRequests(retryAfter: Int(window)) }
    }

    /// Records a hit for `client` and answers whether it was within the limit (a hit over the limit is not recorded).
    func allows(_ client: String, at now: Date, on db: any Database) async throws -> Bool {
        guard try await isWithin(client, at: now, on: db) else { return false }
        try await record(client, at: now, on: db)
        return true
    }

    /// Records a hit on its own.
    func record(_ client: String, at now: Date, on db: any Database) async throws {
        try await db.sql.insert(Hit(bucket: bucket, client: client, at: now), as: Hit.shape)
    }

    /// Whether `client` is under the limit, recording nothing: a caller that writes anyway puts `hit` into its own
    /// transaction (one commit, not two, for each message a channel delivers).
    func isWithin(_ client: String, at now: Date, on db: any Database) async throws -> Bool {
        let sql = db.sql
        let row = try await sql.hotRows("SELECT COUNT(*) AS hits FROM rate_limit_hits WHERE bucket = ? AND client = ? AND at > ?",
                                        [bucket, client, now.addingTimeInterval(-window)]).first
        guard try (row?.decode(column: "hits", as: Int.self) ?? 0) < limit else { return false }
        // Old hits are of no use; clear them now and then rather than keep a job for it.
        if Int.random(in: 0..<200) == 0 {
            try await sql.raw("DELETE FROM rate_limit_hits WHERE at < \(bind: now.addingTimeInterval(-86_400))").run()
        }
        return true
    }

    /// The hit, as a row written with the caller's other rows.
    func hit(_ client: String, at now: Date, into rows: inout InsertBatch) {
        rows.add(Hit(bucket: bucket, client: client, at: now), as: Hit.shape)
    }

    private struct Hit: Sendable {
        let bucket: String, client: String, at: Date
        static let shape = TableShape<Hit>("rate_limit_hits", [.init("bucket") { $0.bucket }, .init("client") { $0.client }, .init("at") { $0.at }])
    }
}

struct TooManyRequests: CatalogueError {
    let retryAfter: Int
    var status: HTTPResponseStatus { .tooManyRequests }
    var headers: HTTPHeaders { ["Retry-After": "\(retryAfter)"] }
    var catalogueKey: String { "error.tooManyRequests" }
}

extension Request {
    /// The visitor's address for limits and records: the peer (the client behind the front door's bridge), or the
    /// client a trusted reverse proxy names.
    var clientAddress: String {
        let peer = application.frontDoorClient(of: remoteAddress) ?? remoteAddress?.ipAddress ?? "unknown"
        return ClientAddress.resolve(peer: peer, forwardedFor: headers[.xForwardedFor],
                              trustedProxies: application.settings.trustedProxies)
    }
}
