/// What the audit trail records.
public enum AuditAction: String, CaseIterable, Sendable, Codable {
    case create
    case update
    case delete
    case signIn = "sign_in"
    case signInFailed = "sign_in_failed"
    case signOut = "sign_out"
    case passwordChanged = "password_changed"
    case passwordReset = "password_reset"
    case viewPersonalData = "view_personal_data"
    /// An identity document number shown in full, on an explicit request.
    case revealIdentityNumber = "reveal_identity_number"
    case tokenCreated = "token_created"
    case tokenRevoked = "token_revoked"
    /// A copy of everything Layan holds about one person, given to them (issue #21, item 6).
    case exportPersonalData = "export_personal_data"
    /// One person's personal data erased on their request.
    case erasePersonalData = "erase_personal_data"
    /// Records past the retention period anonymised by the daily job.
    case anonymiseExpired = "anonymise_expired"

    public var catalogueKey: String { "audit.action.\(rawValue)" }
}

/// The fields that changed between two versions of a record, for the audit trail: `[field: (before, after)]`.
public enum AuditDiff {
    public struct Change: Equatable, Sendable, Codable {
        public let before: String?
        public let after: String?
        public init(before: String?, after: String?) { self.before = before; self.after = after }
    }

    public static func changes(before: [String: String?], after: [String: String?]) -> [String: Change] {
        var result: [String: Change] = [:]
        for key in Set(before.keys).union(after.keys) {
            let old = before[key] ?? nil, new = after[key] ?? nil
            if old != new { result[key] = Change(before: old, after: new) }
        }
        return result
    }
}
