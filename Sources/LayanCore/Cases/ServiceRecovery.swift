/// Sistem Pemulihan Perkhidmatan (domain.md §5): why the service failed the customer…
public enum FailureCause: String, CaseIterable, Sendable, Codable {
    case equipment, processDesign = "process_design", staffSkill = "staff_skill", newSystem = "new_system", demandSurge = "demand_surge", other
    public var catalogueKey: String { "recovery.cause.\(rawValue)" }
}

/// …and what was done for the customer.
public enum RecoveryGiven: String, CaseIterable, Sendable, Codable {
    case apology, serviceRedone = "service_redone", expedited, explanation
    public var catalogueKey: String { "recovery.given.\(rawValue)" }
}
