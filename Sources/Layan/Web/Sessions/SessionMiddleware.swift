import Crypto
import Fluent
import Foundation
import LayanCore
import Vapor

/// Who is signed in, as the request sees it.
struct StaffIdentity: Sendable, Equatable {
    let id: UUID
    let name: String
    let email: String
    let roles: [StaffRole]
    let branchID: UUID?
    var divisionID: UUID? = nil

    func allows(_ permission: Permission) -> Bool { roles.allow(permission) }

    /// Whose records they may act on (`RecordScope`, docs/roles.md).
    var scope: RecordScope { RecordScope(roles: roles, branch: branchID, unit: divisionID) }
}

/// The request's session, loaded by `SessionMiddleware` and written back after the response.
/// A class because handlers change it (flash, sign-in) and the middleware reads the changes afterwards.
final class SessionState: @unchecked Sendable {
    // @unchecked: belongs to one request; Vapor runs a request's handler and middleware one after another.
    var record: WebSession?
    var staff: StaffIdentity?
    /// The raw cookie token of a session created or rotated during this request.
    var newToken: String?
    var dirty = false
    var ended = false

    var csrfToken: String? { record?.csrfSecret }
}

enum SessionToken {
    /// 32 random bytes, URL-safe base64: the cookie value.
    static func make() -> String {
        Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64URLEncodedString()
    }

    static func hash(_ token: String) -> String {
        // Hex by table: `String(format:)` per byte was a visible share of every API request (the token check).
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(token.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

extension Data {
    private static let base64URLAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Base64 with the URL-safe alphabet and no padding (RFC 4648 §5), encoded directly: three string
    /// replacements over the standard form were a visible share of issuing a ticket (its status key).
    func base64URLEncodedString() -> String {
        let alphabet = Self.base64URLAlphabet
        var out: [UInt8] = []
        out.reserveCapacity((count * 4 + 2) / 3)
        var index = startIndex
        while index < endIndex {
            let remaining = distance(from: index, to: endIndex)
            let b0 = UInt32(self[index])
            let b1 = remaining > 1 ? UInt32(self[self.index(index, offsetBy: 1)]) : 0
            let b2 = remaining > 2 ? UInt32(self[self.index(index, offsetBy: 2)]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(group >> 18 & 63)])
            out.append(alphabet[Int(group >> 12 & 63)])
            if remaining > 1 { out.append(alphabet[Int(group >> 6 & 63)]) }
            if remaining > 2 { out.append(alphabet[Int(group & 63)]) }
            index = self.index(index, offsetBy: Swift.min(3, remaining))
        }
        return String(decoding: out, as: UTF8.self)
    }
}

struct SessionMiddleware: AsyncMiddleware {
    static let cookieName = "layan_session"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let state = SessionState()
        request.storage[SessionStateKey.self] = state
        let now = request.application.clock.now()
        let policy = request.application.settings.sessionPolicy
        var cookieWasStale = false
        if let token = request.cookies[Self.cookieName]?.string, !token.isEmpty {
            if let record = try await WebSession.query(on: request.db)
                .filter(\.$tokenHash == SessionToken.hash(token)).with(\.$staff).first() {
                if policy.isExpired(createdAt: record.createdAt, lastSeenAt: record.lastSeenAt, now: now)
                    || (record.$staff.id != nil && record.staff?.active != true) {
                    try await record.delete(on: request.db)
                    cookieWasStale = true
                } else {
                    state.record = record
                    state.staff = record.staff.map(StaffIdentity.init(staff:))
                    if policy.needsTouch(lastSeenAt: record.lastSeenAt, now: now) {
                        record.lastSeenAt = now
                        state.dirty = true
                    }
                }
            } else {
                cookieWasStale = true
            }
        }

        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            try? await persist(state, request: request)
            throw error
        }
        try await persist(state, request: request)
        if let token = state.newToken, !state.ended {
            response.cookies[Self.cookieName] = cookie(token, request: request)
        } else if state.ended || (cookieWasStale && state.record == nil) {
            response.cookies[Self.cookieName] = .expired
        }
        return response
    }

    private func persist(_ state: SessionState, request: Request) async throws {
        guard let record = state.record, state.dirty, !state.ended else { return }
        try await record.save(on: request.db)
        state.dirty = false
    }

    private func cookie(_ token: String, request: Request) -> HTTPCookies.Value {
        HTTPCookies.Value(string: token, expires: nil, maxAge: nil, path: "/",
                          isSecure: request.application.settings.behindHTTPS, isHTTPOnly: true, sameSite: .lax)
    }
}

struct SessionStateKey: StorageKey { typealias Value = SessionState }

extension StaffIdentity {
    init(staff: Staff) {
        self.init(id: staff.id!, name: staff.name, email: staff.email, roles: staff.roles, branchID: staff.$branch.id, divisionID: staff.$division.id)
    }
}

extension Request {
    var sessionState: SessionState {
        if let state = storage[SessionStateKey.self] { return state }
        let state = SessionState()
        storage[SessionStateKey.self] = state
        return state
    }

    /// The signed-in officer, if any.
    var staff: StaffIdentity? { sessionState.staff }

    /// The session, created (anonymous) when there is none yet: forms need its CSRF secret.
    @discardableResult
    func ensureSession() async throws -> WebSession {
        if let record = sessionState.record { return record }
        return try await startSession(for: nil)
    }

    /// Starts a fresh session — a new id and a new CSRF secret — ending the current one. At sign-in this is
    /// the session rotation that defeats session fixation; flash messages carry over.
    @discardableResult
    func startSession(for staff: Staff?) async throws -> WebSession {
        let state = sessionState
        let carriedFlash = state.record?.flash
        if let old = state.record { try await old.delete(on: db) }
        let now = application.clock.now()
        let token = SessionToken.make()
        let record = WebSession()
        record.tokenHash = SessionToken.hash(token)
        record.$staff.id = staff?.id
        record.csrfSecret = SessionToken.make()
        record.flash = carriedFlash
        record.createdAt = now
        record.lastSeenAt = now
        record.ip = clientAddress
        record.userAgent = headers.first(name: .userAgent).map { String($0.prefix(300)) }
        try await record.create(on: db)
        state.record = record
        state.staff = staff.map(StaffIdentity.init(staff:))
        state.newToken = token
        state.ended = false
        return record
    }

    /// Signs out: the session row goes, the cookie expires.
    func endSession() async throws {
        let state = sessionState
        if let record = state.record { try await record.delete(on: db) }
        state.record = nil
        state.staff = nil
        state.ended = true
    }
}
