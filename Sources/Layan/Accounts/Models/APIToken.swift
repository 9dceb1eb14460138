import Fluent
import SQLKit
import Foundation
import LayanCore
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

struct CreateAPITokens: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(APIToken.schema)
            .id()
            .field("name", .string, .required)
            .field("token_hash", .string, .required)
            .field("hint", .string, .required)
            .field("scopes", .array(of: .string), .required)
            .field("created_by", .uuid, .references(Staff.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime, .required)
            .field("last_used_at", .datetime)
            .field("revoked_at", .datetime)
            .unique(on: "token_hash")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(APIToken.schema).delete()
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
        // One SQLKit row, not a Fluent model: every API request passes here.
        struct Row: Decodable { let id: UUID; let name: String; let scopes: [APIScope]; let last_used_at: Date? }
        let sql = request.db as! any SQLDatabase
        guard let bearer = request.headers.bearerAuthorization?.token, bearer.hasPrefix(APIToken.prefix),
              let token = try await sql.select().columns("id", "name", "scopes", "last_used_at").from(APIToken.schema)
                .where("token_hash", .equal, SessionToken.hash(bearer)).where("revoked_at", .is, SQLLiteral.null)
                .first(decoding: Row.self)
        else {
            throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer error=\"invalid_token\""], reason: "Invalid or revoked API token")
        }
        let now = request.application.clock.now()
        if token.last_used_at.map({ now.timeIntervalSince($0) > 60 }) ?? true {
            try await sql.update(APIToken.schema).set("last_used_at", to: now).where("id", .equal, token.id).run()
        }
        let client = APIClient(tokenID: token.id, name: token.name, scopes: Set(token.scopes))
        request.storage[APIClientKey.self] = client
        return client
    }

    /// A new secret: the prefix and 32 random bytes.
    static func makeSecret() -> String { APIToken.prefix + SessionToken.make() }
}

struct APIClientKey: StorageKey { typealias Value = APIClient }

extension Request {
    var apiClient: APIClient? { storage[APIClientKey.self] }
}
