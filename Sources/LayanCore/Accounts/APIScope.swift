/// What an API token may do. A token carries one or more scopes; each API route needs one.
public enum APIScope: String, CaseIterable, Sendable, Codable {
    case directoryRead = "directory:read"
    /// Kiosks and integrations that issue queue tickets.
    case queueIssue = "queue:issue"
    /// Reading tickets.
    case queueRead = "queue:read"
    /// Reading cases.
    case casesRead = "cases:read"
    /// Filing cases, replying and moving them along their lifecycle.
    case casesWrite = "cases:write"
    /// Giving cases to officers.
    case casesAssign = "cases:assign"
    /// Filing service requests through Open311 GeoReport v2 (the token is the client's `api_key`).
    case open311
    /// Handing inbound e-mail to Layan (`POST /api/v1/inbound/email`): a mail server's delivery agent.
    case mailInbound = "mail:inbound"
    /// Reading the telephone figures (`GET /api/v1/telephone/figures`).
    case telephoneRead = "telephone:read"
    /// Handing call records to Layan: `queue_log` lines and finished calls from another PBX.
    case telephoneWrite = "telephone:write"
    /// Reading the transactions that missed the charter's standards (`GET /api/v1/charter/misses`).
    case charterRead = "charter:read"
    /// Reading satisfaction reports and improvement proposals (`getSatisfactionReport`, `listImprovementProposals`).
    case satisfactionRead = "satisfaction:read"
    /// Scraping `/metrics` (Prometheus sends the token as `Authorization: Bearer`).
    case metricsRead = "metrics:read"

    /// The staff permission that gives the same access through a signed-in browser session.
    public var permission: Permission {
        switch self {
        case .directoryRead: .viewDirectory
        case .queueIssue: .issueTickets
        case .queueRead: .staffHome
        case .casesRead, .casesWrite: .handleCases
        case .casesAssign: .superviseCases
        case .open311, .mailInbound: .handleCases
        case .telephoneRead, .telephoneWrite: .superviseTelephone
        case .charterRead: .viewCharter
        case .satisfactionRead: .viewSatisfaction
        case .metricsRead: .viewOperations
        }
    }

    public var catalogueKey: String { "scope.\(rawValue.replacingOccurrences(of: ":", with: "_"))" }
}
