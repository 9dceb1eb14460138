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
        let sql = db.sql
        let since = now.addingTimeInterval(-window)
        let row = try await sql.raw("""
            SELECT COUNT(*) AS hits FROM rate_limit_hits WHERE bucket = \(bind: bucket) AND client = \(bind: client) AND at > \(bind: since)
            """).first()
        let hits = try row?.decode(column: "hits", as: Int.self) ?? 0
        guard hits < limit else { return false }
        try await sql.raw("INSERT INTO rate_limit_hits (bucket, client, at) VALUES (\(bind: bucket), \(bind: client), \(bind: now))").run()
        // Old hits are of no use; clear them now and then rather than keep a job for it.
        if Int.random(in: 0..<200) == 0 {
            try await sql.raw("DELETE FROM rate_limit_hits WHERE at < \(bind: now.addingTimeInterval(-86_400))").run()
        }
        return true
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
