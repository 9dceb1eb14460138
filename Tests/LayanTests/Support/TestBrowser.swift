import Fluent
import Foundation
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// A browser for server tests: keeps cookies between requests, and fills in the CSRF token from the last
/// page that had a form, as a real browser submitting that form would.
final class TestBrowser: @unchecked Sendable {
    // @unchecked: each test uses its own browser from one task.
    let app: Application
    var cookies: [String: String] = [:]
    var lastCSRF: String?
    var extraHeaders: HTTPHeaders = [:]

    init(_ app: Application) { self.app = app }

    @discardableResult
    func get(_ path: String, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        try await send(.GET, path, headers: headers, body: nil)
    }

    /// Posts a form; adds the CSRF token unless the test passes its own (or `csrf: nil` to leave it out).
    @discardableResult
    func post(_ path: String, form: [String: String] = [:], csrf: String?? = .some(nil), headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        var fields = form
        switch csrf {
        case .none: break
        case .some(.none): if let token = lastCSRF { fields["csrf"] = token }
        case let .some(.some(token)): fields["csrf"] = token
        }
        var h = headers
        h.contentType = .urlEncodedForm
        let body = fields.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await send(.POST, path, headers: h, body: ByteBuffer(string: body))
    }

    /// Sends JSON, with the session's CSRF token in the header.
    @discardableResult
    func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: ByteBuffer?) async throws -> TestingHTTPResponse {
        var h = headers
        for (name, value) in extraHeaders { h.add(name: name, value: value) }
        if !cookies.isEmpty { h.replaceOrAdd(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")) }
        let response = try await app.testing().sendRequest(method, path, headers: h, body: body)
        for value in response.headers[.setCookie] {
            let pair = value.split(separator: ";").first.map(String.init) ?? ""
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if value.lowercased().contains("expires=thu, 01 jan 1970") || value.lowercased().contains("max-age=0") || parts[1].isEmpty {
                cookies[parts[0]] = nil
            } else {
                cookies[parts[0]] = parts[1]
            }
        }
        if let token = Self.csrf(in: response.body.string) { lastCSRF = token }
        return response
    }

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="csrf" value=""#) else { return nil }
        let rest = html[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "-._~"))) ?? text
    }

    /// Signs in through the real form.
    @discardableResult
    func signIn(_ email: String, _ password: String = TestStaff.password) async throws -> TestingHTTPResponse {
        try await get("/login")
        return try await post("/login", form: ["email": email, "password": password])
    }
}

/// Staff accounts for tests, one per role.
enum TestStaff {
    static let password = "correct horse battery"

    static func email(_ role: StaffRole) -> String { "\(role.rawValue)@test.layan.my" }

    @discardableResult
    static func create(_ role: StaffRole, in app: Application, name: String? = nil, active: Bool = true) async throws -> Staff {
        let hash = try await app.passwordHasher.hash(password, app: app)
        let staff = Staff(name: name ?? "Pegawai \(role.rawValue)", email: email(role), serviceGroup: .support,
                          roles: [role], passwordHash: hash, active: active)
        try await staff.create(on: app.db)
        return staff
    }

    static func createAll(in app: Application) async throws {
        for role in StaffRole.allCases { try await create(role, in: app) }
    }
}

extension Route {
    var summary: String { "\(method.rawValue) /\(path.map(\.description).joined(separator: "/"))" }
}
