import Fluent
import Foundation
import LayanCore
import LayanStorage
import NIOConcurrencyHelpers
import SQLKit
import Vapor

/// A token for an integration. The secret is shown once, when created; only its SHA-256 is stored.
final class APIToken: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "api_tokens"
    /// Every token starts with this, so a leaked one is recognisable (and secret scanners can find it).
    static let prefix = "layan_"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "token_hash") var tokenHash: String
    /// The first characters of the token, to tell tokens apart in lists without revealing them.
    @Field(key: "hint") var hint: String
    @Field(key: "scopes") var scopes: [APIScope]
    @OptionalParent(key: "created_by") var createdBy: Staff?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_used_at") var lastUsedAt: Date?
    @Field(key: "revoked_at") var revokedAt: Date?

    init() {}

    /// A new token with a fresh secret; returns the token (not yet saved) and the secret to show once.
    static func make(name: String, scopes: [APIScope], createdBy: UUID?, at now: Date) -> (APIToken, String) {
        let secret = APITokenAuthenticator.makeSecret()
        let token = APIToken()
        token.name = name
        token.tokenHash = SessionToken.hash(secret)
        token.hint = String(secret.prefix(prefix.count + 4))
        token.scopes = scopes
        token.$createdBy.id = createdBy
        token.createdAt = now
        return (token, secret)
    }
}

/// The integration behind a request authenticated by a token.
struct APIClient: Sendable {
    let tokenID: UUID
    let name: String
    let scopes: Set<APIScope>
}

enum APITokenAuthenticator {
    /// Checks `Authorization: Bearer layan_…` against the stored hashes; revoked tokens fail.
    static func authenticate(_ request: Request) async throws -> APIClient {
        if let client = request.apiClient { return client }
        guard let bearer = request.headers.bearerAuthorization?.token else { throw invalidToken }
        return try await authenticate(secret: bearer, on: request)
    }

    /// Checks a token's secret however it was sent (Open311 sends it as the `api_key` form field).
    static func authenticate(secret: String, on request: Request) async throws -> APIClient {
        guard secret.hasPrefix(APIToken.prefix), secret.count < 200 else { throw invalidToken }
        let hash = SessionToken.hash(secret)
        let verified = request.application.verifiedTokens
        let client: APIClient
        if let known = verified.client(hash: hash) {
            client = known
        } else {
            client = try await lookUp(hash: hash, on: request)
            verified.remember(client, hash: hash)
        }
        request.storage[APIClientKey.self] = client
        return client
    }

    private static var invalidToken: Abort {
        Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""], reason: "Invalid or revoked API token")
    }

    /// The stored token, read with one SQLKit row (not a Fluent model); its last use is written at most once a minute.
    private static func lookUp(hash: String, on request: Request) async throws -> APIClient {
        struct Row: Decodable { let id: UUID; let name: String; let scopes: [APIScope]; let last_used_at: Date? }
        let sql = request.db.sql
        guard let token = try await sql.select().columns("id", "name", "scopes", "last_used_at").from(APIToken.schema)
            .where("token_hash", .equal, hash).where("revoked_at", .is, SQLLiteral.null)
            .first(decoding: Row.self)
        else { throw invalidToken }
        let now = request.application.clock.now()
        if token.last_used_at.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try await sql.update(APIToken.schema).set("last_used_at", to: now).where("id", .equal, token.id).run()
        }
        return APIClient(tokenID: token.id, name: token.name, scopes: Set(token.scopes))
    }

    /// A new secret: the prefix and 32 random bytes.
    static func makeSecret() -> String { APIToken.prefix + SessionToken.make() }
}

struct APIClientKey: StorageKey { typealias Value = APIClient }

extension Request {
    var apiClient: APIClient? { storage[APIClientKey.self] }
}

/// Tokens verified in the last two seconds, by hash. A kiosk or an integration sends the same token with every
/// request; checking it once per lifetime instead of once per request takes a database read off every API call.
/// The price is bounded: a token revoked here stops at once (`forgetAll`), one revoked through another instance
/// works at most `lifetime` longer. Only valid tokens are kept, so wrong guesses cannot fill it.
final class VerifiedTokens: Sendable {
    let lifetime: Duration
    /// A bound on memory; real deployments use a handful of tokens.
    static let capacity = 1_000
    private let entries = NIOLockedValueBox<[String: (at: ContinuousClock.Instant, client: APIClient)]>([:])

    private let clock: @Sendable () -> ContinuousClock.Instant

    /// `clock` is for tests, which move time on by hand.
    init(lifetime: Duration = .seconds(2), clock: @escaping @Sendable () -> ContinuousClock.Instant = { .now }) {
        self.lifetime = lifetime
        self.clock = clock
    }

    func client(hash: String) -> APIClient? {
        guard let entry = entries.withLockedValue({ $0[hash] }), clock() - entry.at < lifetime else { return nil }
        return entry.client
    }

    func remember(_ client: APIClient, hash: String) {
        entries.withLockedValue {
            if $0.count >= Self.capacity { $0.removeAll(keepingCapacity: true) }
            $0[hash] = (clock(), client)
        }
    }

    func forgetAll() { entries.withLockedValue { $0.removeAll() } }
}

extension Application {
    private struct VerifiedTokensKey: StorageKey { typealias Value = VerifiedTokens }

    /// Set in `configure`, before requests arrive (storage is not for concurrent first writes).
    var verifiedTokens: VerifiedTokens {
        get { storage[VerifiedTokensKey.self]! }
        set { storage[VerifiedTokensKey.self] = newValue }
    }
}
