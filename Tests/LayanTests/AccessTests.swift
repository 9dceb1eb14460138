import Fluent
import Foundation
import Testing
import VaporTesting
@testable import Layan
@testable import LayanCore

@Suite struct AccessTests {
    /// Who should get in where: the policy, written out independently of the code that enforces it.
    static let policy: [(String, Set<StaffRole>)] = [
        ("GET /staff", Set(StaffRole.allCases)),
        ("GET /directory", Set(StaffRole.allCases)),
        ("GET /admin/staff", [.administrator]),
        ("GET /admin/branches", [.administrator]),
        ("GET /admin/calendar", [.administrator]),
        ("GET /admin/api-tokens", [.administrator]),
        ("GET /admin/audit", [.administrator, .headOfUnit, .managementViewer]),
        ("GET /console", [.administrator, .supervisor, .counterOfficer]),
        ("GET /queue/supervise", [.administrator, .headOfUnit, .supervisor, .managementViewer]),
    ]

    enum Visitor: CustomStringConvertible {
        case anonymous
        case staff(StaffRole)
        var description: String {
            switch self {
            case .anonymous: "anonymous"
            case let .staff(role): role.rawValue
            }
        }
    }

    /// Walks every registered route as every role and as an anonymous visitor, and checks that access is
    /// granted exactly when the route's declared access allows it.
    @Test func everyRouteAgainstEveryRole() async throws {
        try await withLayan { app in
            try await TestStaff.createAll(in: app)
            let visitors: [Visitor] = [.anonymous] + StaffRole.allCases.map { .staff($0) }
            // sign-out last, since it ends the session
            let routes = app.routes.all.sorted { a, _ in a.path.map(\.description) != ["logout"] }
            var checked = 0
            for visitor in visitors {
                let browser = TestBrowser(app)
                if case let .staff(role) = visitor {
                    #expect(try await browser.signIn(TestStaff.email(role)).status == .seeOther)
                    try await browser.get("/staff")
                } else {
                    try await browser.get("/login")
                }
                for route in routes {
                    let access = try #require(route.access, "route without access: \(route.description)")
                    let path = "/" + route.path.map { component -> String in
                        if case .parameter = component { return UUID().uuidString }
                        return component.description
                    }.joined(separator: "/")
                    let headers: HTTPHeaders = ["X-CSRF-Token": browser.lastCSRF ?? "", "Accept": "text/html"]
                    let response = try await browser.send(route.method, path, headers: headers, body: nil)
                    let allowed: Bool
                    switch (access, visitor) {
                    case (.anyone, _): allowed = true
                    // The request itself must prove the caller (an api_key, a signature); this walk sends none.
                    case (.integration, _): allowed = false
                    case (.staff, .anonymous), (.api, .anonymous): allowed = false
                    case let (.staff(permission), .staff(role)): allowed = [role].allow(permission)
                    case let (.api(scope), .staff(role)): allowed = [role].allow(scope.permission)
                    }
                    let refused = response.status == .unauthorized || response.status == .forbidden
                        || (response.status == .seeOther && response.headers.first(name: .location)?.hasPrefix("/login?next=") == true)
                    #expect(refused != allowed, "\(visitor) \(route.method.rawValue) \(path) → \(response.status.code), expected \(allowed ? "allowed" : "refused")")
                    if !allowed, case .anonymous = visitor, route.method == .GET, case .staff = access {
                        // people are sent to sign in; API clients are told 401
                        let expected: HTTPStatus = path.hasPrefix("/api/") ? .unauthorized : .seeOther
                        #expect(response.status == expected, "anonymous GET of a staff route: \(path)")
                    }
                    checked += 1
                }
            }
            #expect(checked > visitors.count * 20)
        }
    }

    @Test func policyMatchesThePKPARoles() async throws {
        try await withLayan { app in
            let declared = Dictionary(uniqueKeysWithValues: app.routes.all.map {
                ("\($0.method.rawValue) /\($0.path.map(\.description).joined(separator: "/"))", $0.access!)
            })
            for (route, roles) in Self.policy {
                let access = try #require(declared[route], "no route \(route)")
                guard case let .staff(permission) = access else { Issue.record("\(route) is not a staff route"); continue }
                #expect(Set(StaffRole.allCases.filter { [$0].allow(permission) }) == roles, "\(route)")
            }
        }
    }

    @Test func aRouteWithoutDeclaredAccessStopsTheApplication() async throws {
        try await withLayan { app in
            app.get("forgotten") { _ in "no permission stated" }
            #expect(throws: (any Error).self) { try Access.verifyEveryRouteDeclared(app.routes) }
        }
    }

    @Test func noRouteChangesTheAuditTrail() async throws {
        try await withLayan { app in
            let auditRoutes = app.routes.all.filter { $0.path.map(\.description).contains("audit") }
            #expect(!auditRoutes.isEmpty)
            #expect(auditRoutes.allSatisfy { $0.method == .GET })
        }
    }
}
