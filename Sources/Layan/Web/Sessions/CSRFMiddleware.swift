import Crypto
import Foundation
import Vapor

/// Cross-site request forgery protection on every state-changing request (design.md):
/// 1. the browser's own word — `Sec-Fetch-Site: cross-site`, or an `Origin` of another host — is refused;
/// 2. the per-session secret must come back in the form field `csrf` or the `X-CSRF-Token` header,
///    compared in constant time.
/// Requests authenticated by an API token carry no cookies and so cannot be forged; they are exempt.
struct CSRFMiddleware: AsyncMiddleware {
    static let formField = "csrf"
    static let header = "X-CSRF-Token"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard ![.GET, .HEAD, .OPTIONS].contains(request.method), !request.usesBearerToken else {
            return try await next.respond(to: request)
        }
        if let site = request.headers.first(name: "Sec-Fetch-Site"), site == "cross-site" {
            throw CSRFFailure()
        }
        if let origin = request.headers.first(name: .origin), origin != "null" {
            guard let originHost = URL(string: origin)?.host, let host = request.headers.first(name: .host),
                  originHost == host.split(separator: ":").first.map(String.init) else { throw CSRFFailure() }
        } else if request.headers.first(name: .origin) == "null" {
            throw CSRFFailure()
        }
        guard let secret = request.sessionState.csrfToken else { throw CSRFFailure() }
        var sent = request.headers.first(name: Self.header)
        if sent == nil {
            // A large form (multipart with files) arrives as a stream: read it, within the route's limit and the upload
            // budget, to find the field — only now, after the checks above that need no body.
            try await request.collectUpload()
            sent = try? request.content.get(String.self, at: Self.formField)
        }
        guard let sent, Self.constantTimeEqual(sent, secret) else { throw CSRFFailure() }
        return try await next.respond(to: request)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for i in 0..<x.count { difference |= x[i] ^ y[i] }
        return difference == 0
    }
}

/// A forged or stale form. The message says what a person can do about it: reload and try again.
struct CSRFFailure: CatalogueError {
    var status: HTTPResponseStatus { .forbidden }
    var catalogueKey: String { "error.csrf" }
}

extension Request {
    /// True when the request authenticates with `Authorization: Bearer …` (an API token).
    var usesBearerToken: Bool { headers.bearerAuthorization != nil }

    /// The CSRF token to put in a form, creating an anonymous session when needed.
    func csrfToken() async throws -> String {
        try await ensureSession().csrfSecret
    }
}
