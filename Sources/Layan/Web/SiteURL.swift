import Foundation
import Vapor

/// Every path Layan serves, in one place, so views build links from it and a renamed path cannot leave
/// dead links behind (conventions.md, habit 2). Routes are registered from the same cases: a segment written
/// `:name` is a parameter (`.queue(.kiosk(":code"))` registers `/q/:code/kiosk`). Each capability has its own
/// nested enum.
public enum SiteURL: Sendable {
    case home
    case healthz
    /// Ready for traffic: migrations done and the database answering (issue #21, item 4).
    case readyz
    /// The Prometheus exposition (issue #21, item 4).
    case metrics
    case openAPI
    case stylesheet
    case benchHello
    case signIn
    case signOut
    case staffHome
    case changePassword
    case directory
    /// The public Client Charter: commitments and their monthly achievement.
    case charter
    /// The public charter's achievement table as CSV.
    case charterCSV
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
    case queue(Queue)
    case cases(Cases)
    case api(API)
    case open311(Open311)
    case channels(Channels)
    case telephone(Telephone)
    case charterDesk(CharterDesk)
    case personalData(PersonalData)
    case satisfaction(Satisfaction)

    /// The counter queue: the public side (take a number, kiosk, display board), the console, supervision, set-up.
    public enum Queue: Sendable {
        case branches
        case branch(String)
        case kiosk(String)
        case issue(String)
        case display(String)
        case events(String)
        case ticket(String)
        case ticketQR(String)
        case console
        case counterAction(String, String)
        case ticketAction(String, String)
        case supervise
        case figures
        case setup
        case setupSettings
        case services
        case newService
        case service(String)
        case counters
        case newCounter
        case counter(String)

        var path: String {
            switch self {
            case .branches: "/q"
            case let .branch(code): "/q/\(code)"
            case let .kiosk(code): "/q/\(code)/kiosk"
            case let .issue(code): "/q/\(code)/tickets"
            case let .display(code): "/q/\(code)/display"
            case let .events(code): "/q/\(code)/events"
            case let .ticket(id): "/q/t/\(id)"
            case let .ticketQR(id): "/q/t/\(id)/qr.svg"
            case .console: "/console"
            case let .counterAction(id, action): "/console/counters/\(id)/\(action)"
            case let .ticketAction(id, action): "/console/tickets/\(id)/\(action)"
            case .supervise: "/queue/supervise"
            case .figures: "/queue/figures"
            case .setup: "/admin/queue"
            case .setupSettings: "/admin/queue/settings"
            case .services: "/admin/queue/services"
            case .newService: "/admin/queue/services/new"
            case let .service(id): "/admin/queue/services/\(id)"
            case .counters: "/admin/queue/counters"
            case .newCounter: "/admin/queue/counters/new"
            case let .counter(id): "/admin/queue/counters/\(id)"
            }
        }
    }

    /// Cases: the public portal and help, the staff pages, the duty rota, service recovery, the knowledge base.
    public enum Cases: Sendable {
        case portal
        case newPublic
        case lookUp
        case status(String)
        case addInformation(String)
        case confirm(String)
        case reopen(String)
        case help
        case helpArticle(String)
        case list
        case new
        case show(String)
        case transition(String)
        case message(String)
        case attachment(String, String)
        case assign(String)
        case revealIdentity(String)
        /// "Assign to me": an officer takes a case given to someone else.
        case take(String)
        case recoveryForCase(String)
        case duty
        case removeShift(String)
        case recoveries
        case newRecovery
        case recoveryDone(String)
        case recoveryFollowUp(String)
        case articles
        case newArticle
        case article(String)

        var path: String {
            switch self {
            case .portal: "/kes"
            case .newPublic: "/kes/baru"
            case .lookUp: "/kes/semak"
            case let .status(id): "/kes/s/\(id)"
            case let .addInformation(id): "/kes/s/\(id)/maklumat"
            case let .confirm(id): "/kes/s/\(id)/puas-hati"
            case let .reopen(id): "/kes/s/\(id)/buka-semula"
            case .help: "/bantuan"
            case let .helpArticle(id): "/bantuan/\(id)"
            case .list: "/cases"
            case .new: "/cases/new"
            case let .show(id): "/cases/\(id)"
            case let .transition(id): "/cases/\(id)/transition"
            case let .message(id): "/cases/\(id)/message"
            case let .attachment(id, file): "/cases/\(id)/attachments/\(file)"
            case let .assign(id): "/cases/\(id)/assign"
            case let .revealIdentity(id): "/cases/\(id)/identity"
            case let .take(id): "/cases/\(id)/take"
            case let .recoveryForCase(id): "/cases/\(id)/recovery"
            case .duty: "/cases/duty"
            case let .removeShift(id): "/cases/duty/\(id)/delete"
            case .recoveries: "/recovery"
            case .newRecovery: "/recovery/new"
            case let .recoveryDone(id): "/recovery/\(id)/done"
            case let .recoveryFollowUp(id): "/recovery/\(id)/follow-up"
            case .articles: "/kb"
            case .newArticle: "/kb/new"
            case let .article(id): "/kb/\(id)"
            }
        }
    }

    /// The JSON API (`/api/v1`, documented in `Resources/OpenAPI/openapi.json`).
    public enum API: Sendable {
        case issueTicket
        case ticket(String)
        case queueState(String)
        case queueFigures(String)
        case callNext(String)
        case recall(String)
        case noShow(String)
        case complete(String)
        case startServing(String)
        case transfer(String)
        case cases
        case oneCase(String)
        case caseMessages(String)
        case caseTransitions(String)
        case caseAssignment(String)
        case publicCase(String)
        case inboundEmail
        case telephoneQueueLog
        case telephoneCalls
        case telephoneFigures
        case charter
        case charterAchievement
        case charterMisses
        case ticketRating(String)
        case surveyResponse
        case satisfactionReport
        case improvementProposals

        var path: String {
            switch self {
            case .issueTicket: "/api/v1/queue/tickets"
            case let .ticket(id): "/api/v1/queue/tickets/\(id)"
            case let .queueState(code): "/api/v1/queue/branches/\(code)/state"
            case let .queueFigures(code): "/api/v1/queue/branches/\(code)/figures"
            case let .callNext(id): "/api/v1/queue/counters/\(id)/call-next"
            case let .recall(id): "/api/v1/queue/tickets/\(id)/recall"
            case let .noShow(id): "/api/v1/queue/tickets/\(id)/no-show"
            case let .complete(id): "/api/v1/queue/tickets/\(id)/complete"
            case let .startServing(id): "/api/v1/queue/tickets/\(id)/start"
            case let .transfer(id): "/api/v1/queue/tickets/\(id)/transfer"
            case .cases: "/api/v1/cases"
            case let .oneCase(id): "/api/v1/cases/\(id)"
            case let .caseMessages(id): "/api/v1/cases/\(id)/messages"
            case let .caseTransitions(id): "/api/v1/cases/\(id)/transitions"
            case let .caseAssignment(id): "/api/v1/cases/\(id)/assignment"
            case let .publicCase(reference): "/api/v1/public/cases/\(reference)"
            case .inboundEmail: "/api/v1/inbound/email"
            case .telephoneQueueLog: "/api/v1/telephone/queue-log"
            case .telephoneCalls: "/api/v1/telephone/calls"
            case .telephoneFigures: "/api/v1/telephone/figures"
            case .charter: "/api/v1/charter"
            case .charterAchievement: "/api/v1/charter/achievement"
            case .charterMisses: "/api/v1/charter/misses"
            case let .ticketRating(id): "/api/v1/queue/tickets/\(id)/rating"
            case .surveyResponse: "/api/v1/satisfaction/survey-responses"
            case .satisfactionReport: "/api/v1/satisfaction/report"
            case .improvementProposals: "/api/v1/satisfaction/proposals"
            }
        }
    }

    public var path: String {
        switch self {
        case .home: "/"
        case .healthz: "/healthz"
        case .readyz: "/readyz"
        case .metrics: "/metrics"
        case .openAPI: "/api/v1/openapi.json"
        case .stylesheet: "/css/layan.css"
        case .benchHello: "/_bench/hello"
        case .signIn: "/login"
        case .signOut: "/logout"
        case .staffHome: "/staff"
        case .changePassword: "/account/password"
        case .directory: "/directory"
        case .charter: "/piagam"
        case .charterCSV: "/piagam.csv"
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
        case let .queue(url): url.path
        case let .cases(url): url.path
        case let .api(url): url.path
        case let .open311(url): url.path
        case let .channels(url): url.path
        case let .telephone(url): url.path
        case let .charterDesk(url): url.path
        case let .personalData(url): url.path
        case let .satisfaction(url): url.path
        }
    }

    /// The path with a query string; values are percent-encoded, pairs kept in order, empty values left out.
    public func path(_ query: KeyValuePairs<String, String>) -> String {
        path(query: query.map { ($0.key, $0.value) })
    }

    /// The path with a query built at run time (names in the given order).
    public func path(query: [(String, String)]) -> String {
        let items = query.filter { !$0.1.isEmpty }.map { name, value in
            name + "=" + (value.addingPercentEncoding(withAllowedCharacters: Self.queryValueCharacters) ?? value)
        }
        return items.isEmpty ? path : path + "?" + items.joined(separator: "&")
    }

    private static let queryValueCharacters = CharacterSet.urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+?#"))

    /// Path components for route registration; a segment written ":name" is a parameter.
    public var components: [String] {
        path.split(separator: "/").map(String.init)
    }

    /// The route pattern: parameters as `:id`.
    var pattern: [PathComponent] {
        components.map { $0 == "**" ? .catchall : $0.hasPrefix(":") ? .parameter(String($0.dropFirst())) : .constant($0) }
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

    /// A POST route whose body may be up to `megabytes` (forms with attachments). The body arrives as a stream and is
    /// read after the route's access and CSRF checks, within the upload budget (`Request.collectUpload`).
    @discardableResult
    func upload<Response: AsyncResponseEncodable>(_ url: SiteURL, megabytes: Int,
                                                  use closure: @Sendable @escaping (Request) async throws -> Response) -> Route {
        let route = on(.POST, url.pattern, body: .stream) { request -> Response in
            try await request.collectUpload()
            return try await closure(request)
        }
        route.userInfo["layan.maxBody"] = megabytes * 1024 * 1024
        return route
    }
}

extension Request {
    /// A redirect after a form (303), to a typed path.
    func seeOther(_ url: SiteURL, _ query: KeyValuePairs<String, String> = [:]) -> Response {
        redirect(to: url.path(query), redirectType: .normal)
    }
}
