/// What a signed-in officer may do. Every staff route names one; a role grants a set. Nothing is allowed
/// unless granted (deny by default).
public enum Permission: String, CaseIterable, Sendable, Codable {
    /// The staff start page, own profile and own password.
    case staffHome = "staff_home"
    /// The staff directory (PKPA telephone rule 5: tell the caller the division, officer and extension).
    case viewDirectory = "view_directory"
    /// Agency profile, branches and divisions.
    case manageOrganisation = "manage_organisation"
    /// Staff accounts, roles and password resets.
    case manageStaff = "manage_staff"
    /// Ad-hoc holidays (cuti peristiwa).
    case manageCalendar = "manage_calendar"
    /// The audit trail.
    case viewAuditTrail = "view_audit_trail"
    /// API tokens for integrations.
    case manageAPITokens = "manage_api_tokens"
    /// Work a counter: open it, call, recall, serve, transfer (PKPA 1/2008 counter service).
    case operateCounter = "operate_counter"
    /// Issue queue tickets on a customer's behalf.
    case issueTickets = "issue_tickets"
    /// The supervisor's queue screen: waiting times against targets, staffing advice, figures.
    case superviseQueue = "supervise_queue"

    public var catalogueKey: String { "permission.\(rawValue)" }
}

extension StaffRole {
    /// The permissions each role grants. docs/roles.md explains them; a test walks every route against this.
    public var permissions: Set<Permission> {
        let everyone: Set<Permission> = [.staffHome, .viewDirectory]
        switch self {
        case .administrator:
            return Set(Permission.allCases)
        case .headOfUnit:
            return everyone.union([.viewAuditTrail, .superviseQueue])
        case .managementViewer:
            return everyone.union([.viewAuditTrail, .superviseQueue])
        case .supervisor:
            return everyone.union([.operateCounter, .issueTickets, .superviseQueue])
        case .counterOfficer:
            return everyone.union([.operateCounter, .issueTickets])
        case .telephoneOperator, .caseOfficer, .mysteryShopper:
            return everyone
        }
    }
}

extension Collection where Element == StaffRole {
    public func allow(_ permission: Permission) -> Bool { contains { $0.permissions.contains(permission) } }
}
