/// What a customer brings to the Customer Service Office (domain.md §3): one case record, five types.
public enum CaseType: String, CaseIterable, Sendable, Codable {
    case complaint
    case inquiry
    case advice
    case suggestion
    case compliment

    /// The reference prefix, from the Malay names: ADU(an), P(er)T(anyaan), K(hidmat) N(asihat), C(a)D(an)G(an), P(en)GH(argaan).
    public var prefix: String {
        switch self {
        case .complaint: "ADU"
        case .inquiry: "PTY"
        case .advice: "KNS"
        case .suggestion: "CDG"
        case .compliment: "PGH"
        }
    }

    public var catalogueKey: String { "case.type.\(rawValue)" }
}

/// Where a case came in (PKPA 1/2008 §4d: every channel, including staff-entered ones).
public enum CaseChannel: String, CaseIterable, Sendable, Codable {
    case web, counterForm = "counter_form", feedbackBox = "feedback_box", phone, email, sms, whatsapp, facebook, x, api, walkIn = "walk_in", open311

    /// Channels an officer types in on the customer's behalf.
    public static let staffEntered: [CaseChannel] = [.counterForm, .feedbackBox, .phone, .email, .sms, .whatsapp, .facebook, .x, .walkIn]

    public var catalogueKey: String { "case.channel.\(rawValue)" }
}

/// How the customer wants to hear from us.
public enum ContactChannel: String, CaseIterable, Sendable, Codable {
    case email, sms
    public var catalogueKey: String { "case.contact.\(rawValue)" }
}

/// The Public Complaints Bureau's complaint categories (Biro Pengaduan Awam), which seed the agency's own list.
public enum PublicComplaintsBureauCategory: String, CaseIterable, Sendable {
    case delay = "delay"
    case unfairAction = "unfair_action"
    case lackOfAmenities = "lack_of_amenities"
    case inadequatePolicy = "inadequate_policy"
    case abuseOfPower = "abuse_of_power"
    case procedureNotFollowed = "procedure_not_followed"
    case enforcementFailure = "enforcement_failure"
    case poorServiceQuality = "poor_service_quality"
    case miscellaneous = "miscellaneous"

    public var names: (ms: String, en: String) {
        switch self {
        case .delay: ("Kelewatan atau tiada tindakan", "Delay or no action")
        case .unfairAction: ("Tindakan tidak adil", "Unfair action")
        case .lackOfAmenities: ("Kekurangan kemudahan awam", "Lack of public amenities")
        case .inadequatePolicy: ("Pelaksanaan dasar atau undang-undang yang tidak memuaskan", "Inadequate implementation of policy or law")
        case .abuseOfPower: ("Salah guna kuasa atau salah laku", "Abuse of power or misconduct")
        case .procedureNotFollowed: ("Kegagalan mematuhi prosedur", "Failure to follow procedures")
        case .enforcementFailure: ("Kegagalan penguatkuasaan", "Failure of enforcement")
        case .poorServiceQuality: ("Kualiti perkhidmatan yang tidak memuaskan", "Unsatisfactory service quality")
        case .miscellaneous: ("Pelbagai", "Miscellaneous")
        }
    }
}

/// A case's reference: type prefix, year and a per-type, per-year number, e.g. `ADU-2026-000123`.
public struct CaseReference: Hashable, Sendable, CustomStringConvertible {
    public let type: CaseType
    public let year: Int
    public let number: Int

    public init(type: CaseType, year: Int, number: Int) {
        self.type = type
        self.year = year
        self.number = number
    }

    public var description: String {
        let digits = String(number)
        return "\(type.prefix)-\(year)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
    }

    /// Reads a reference as people type it: any case, spaces around, "adu 2026 123" or "ADU-2026-000123".
    public init?(_ text: String) {
        let parts = text.uppercased().split(whereSeparator: { $0 == "-" || $0 == " " || $0 == "/" }).map(String.init)
        guard parts.count == 3, let type = CaseType.allCases.first(where: { $0.prefix == parts[0] }),
              parts[1].count == 4, let year = Int(parts[1]), parts[2].count <= 9, parts[2].allSatisfy(\.isASCII),
              let number = Int(parts[2]), number > 0 else { return nil }
        self.init(type: type, year: year, number: number)
    }
}

/// Phone numbers compared by their digits, with Malaysia's +60 folded to the trunk 0 ("+60 12-345 6789" == "012 345 6789").
public enum PhoneNumber {
    public static func digits(_ text: String) -> String {
        var digits = text.filter(\.isASCII).filter(\.isNumber)
        if digits.hasPrefix("60") && text.trimmingCharacters(in: .whitespaces).hasPrefix("+") { digits = "0" + digits.dropFirst(2) }
        return digits
    }

    /// The number in international form for an SMS gateway: 012… → 6012….
    public static func international(_ text: String) -> String {
        let local = digits(text)
        return local.hasPrefix("0") ? "6" + local : local
    }
}
