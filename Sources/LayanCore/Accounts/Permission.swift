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
    /// Read cases and their lists without acting on them: oversight (PKPA 1/2008: management reviews complaints).
    case viewCases = "view_cases"
    /// File cases for customers (counter form, phone, e-mail…) and work the cases given to them.
    case handleCases = "handle_cases"
    /// Reassign cases, keep the duty rota, set categories and standards, follow corrective actions.
    case superviseCases = "supervise_cases"
    /// The operator console: the directory with presence, messages for absent officers, call-backs, logging calls.
    case answerTelephone = "answer_telephone"
    /// The telephone figures, the wallboard, call imports, the PBX configuration and the agency's telephone standard.
    case superviseTelephone = "supervise_telephone"
    /// The charter's achievement and the misses behind each figure.
    case viewCharter = "view_charter"
    /// Write why a transaction missed the charter's standard.
    case explainCharterMisses = "explain_charter_misses"
    /// Edit the charter, publish a version (the 12-month review) and publish a month's achievement.
    case manageCharter = "manage_charter"
    /// Customer satisfaction: the indices and reports, and the follow-ups of low scores (never who answered).
    case viewSatisfaction = "view_satisfaction"
    /// Pair counter rating tablets, close follow-ups, set the satisfaction settings, run surveys and proposals.
    case manageSatisfaction = "manage_satisfaction"
    /// The server's own metrics (`/metrics`): request rates and latencies, queues, jobs — what operations watch.
    case viewOperations = "view_operations"
    /// Retention periods of personal data; one person's records: their copy and their erasure (every step audited).
    case handlePersonalData = "handle_personal_data"

    public var catalogueKey: String { "permission.\(rawValue)" }
}

extension StaffRole {
    /// The permissions each role grants. docs/roles.md explains them; a test walks every route against this.
    public var permissions: Set<Permission> {
        let everyone: Set<Permission> = [.staffHome, .viewDirectory]
        // Whoever handles cases reads them too.
        return base(everyone).union(base(everyone).contains(.handleCases) ? [.viewCases] : [])
    }

    private func base(_ everyone: Set<Permission>) -> Set<Permission> {
        switch self {
        case .administrator:
            return Set(Permission.allCases)
        case .headOfUnit:
            return everyone.union([.viewAuditTrail, .superviseQueue, .handleCases, .superviseCases, .superviseTelephone,
                                   .viewCharter, .explainCharterMisses, .manageCharter, .viewSatisfaction, .manageSatisfaction])
        case .managementViewer:
            return everyone.union([.viewAuditTrail, .superviseQueue, .viewCases, .superviseTelephone, .viewCharter, .viewSatisfaction])
        case .supervisor:
            return everyone.union([.operateCounter, .issueTickets, .superviseQueue, .handleCases, .superviseCases, .answerTelephone, .superviseTelephone,
                                   .viewCharter, .explainCharterMisses, .viewSatisfaction, .manageSatisfaction])
        case .counterOfficer:
            // Counter forms: the officer files the customer's complaint at the counter (PKPA §4d(3)).
            return everyone.union([.operateCounter, .issueTickets, .handleCases])
        case .telephoneOperator:
            // PKPA 1/2008 §4b: the operator answers, transfers with the script, takes messages and opens cases.
            return everyone.union([.handleCases, .answerTelephone])
        case .caseOfficer:
            return everyone.union([.handleCases])
        case .mysteryShopper:
            return everyone
        }
    }
}

extension Collection where Element == StaffRole {
    public func allow(_ permission: Permission) -> Bool { contains { $0.permissions.contains(permission) } }
}
