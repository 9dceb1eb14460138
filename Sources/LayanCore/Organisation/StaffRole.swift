/// What a member of staff does in Layan. Access is denied unless a role grants it.
public enum StaffRole: String, CaseIterable, Sendable, Codable {
    case administrator
    case headOfUnit = "head_of_unit"
    case supervisor
    case counterOfficer = "counter_officer"
    case telephoneOperator = "telephone_operator"
    case caseOfficer = "case_officer"
    case mysteryShopper = "mystery_shopper"
    case managementViewer = "management_viewer"

    /// The catalogue key of the role's name.
    public var catalogueKey: String { "role.\(rawValue)" }
}

/// The civil-service scheme group an officer belongs to (domain.md §3).
public enum ServiceGroup: String, CaseIterable, Sendable, Codable {
    /// Pengurusan & Profesional
    case managementProfessional = "management_professional"
    /// Sokongan
    case support

    public var catalogueKey: String { "serviceGroup.\(rawValue)" }
}
