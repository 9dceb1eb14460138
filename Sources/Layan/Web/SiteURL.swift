import Vapor

/// Every path Layan serves, in one place, so views build links from it and a renamed path cannot leave
/// dead links behind (conventions.md, habit 2).
public enum SiteURL: Sendable {
    case home
    case healthz
    case openAPI
    case stylesheet
    case benchHello
    case signIn
    case signOut
    case staffHome
    case changePassword
    case directory
    case apiDirectory
    case adminAgency
    case adminBranches
    case adminBranch(String)
    case adminNewBranch
    case adminDivisions
    case adminDivision(String)
    case adminNewDivision
    case adminStaffList
    case adminStaff(String)
    case adminNewStaff
    case adminResetPassword(String)
    case adminAudit
    case adminCalendar
    case adminHoliday(String)
    case adminAPITokens
    case adminRevokeToken(String)
    case queueBranches
    case cases
    case publicCases
    case help
    case console
    case superviseQueue
    case queueSetup

    public var path: String {
        switch self {
        case .home: "/"
        case .healthz: "/healthz"
        case .openAPI: "/api/v1/openapi.json"
        case .stylesheet: "/css/layan.css"
        case .benchHello: "/_bench/hello"
        case .signIn: "/login"
        case .signOut: "/logout"
        case .staffHome: "/staff"
        case .changePassword: "/account/password"
        case .directory: "/directory"
        case .apiDirectory: "/api/v1/directory"
        case .adminAgency: "/admin/agency"
        case .adminBranches: "/admin/branches"
        case let .adminBranch(id): "/admin/branches/\(id)"
        case .adminNewBranch: "/admin/branches/new"
        case .adminDivisions: "/admin/divisions"
        case let .adminDivision(id): "/admin/divisions/\(id)"
        case .adminNewDivision: "/admin/divisions/new"
        case .adminStaffList: "/admin/staff"
        case let .adminStaff(id): "/admin/staff/\(id)"
        case .adminNewStaff: "/admin/staff/new"
        case let .adminResetPassword(id): "/admin/staff/\(id)/reset-password"
        case .adminAudit: "/admin/audit"
        case .adminCalendar: "/admin/calendar"
        case let .adminHoliday(id): "/admin/calendar/\(id)/delete"
        case .adminAPITokens: "/admin/api-tokens"
        case let .adminRevokeToken(id): "/admin/api-tokens/\(id)/revoke"
        case .queueBranches: "/q"
        case .cases: "/cases"
        case .publicCases: "/kes"
        case .help: "/bantuan"
        case .console: "/console"
        case .superviseQueue: "/queue/supervise"
        case .queueSetup: "/admin/queue"
        }
    }

    /// Path components for route registration; a segment written ":name" is a parameter.
    public var components: [String] {
        path.split(separator: "/").map(String.init)
    }

    /// The route pattern: parameters as `:id`.
    var pattern: [PathComponent] {
        components.map { $0.hasPrefix(":") ? .parameter(String($0.dropFirst())) : .constant($0) }
    }
}

extension RoutesBuilder {
    @discardableResult
    func get<Response: AsyncResponseEncodable>(_ url: SiteURL, use handler: @Sendable @escaping (Request) async throws -> Response) -> Route {
        get(url.pattern, use: handler)
    }

    @discardableResult
    func post<Response: AsyncResponseEncodable>(_ url: SiteURL, use handler: @Sendable @escaping (Request) async throws -> Response) -> Route {
        post(url.pattern, use: handler)
    }
}
