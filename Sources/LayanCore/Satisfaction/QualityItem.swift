import Foundation

/// PKPA 1/2008's evaluation frame (domain.md §1): every survey, checklist and report groups its items under these
/// 3 groups and 14 quality characteristics.
public enum QualityGroup: String, CaseIterable, Codable, Sendable {
    case physical, delivery, emotion
    public var catalogueKey: String { "quality.group.\(rawValue)" }
}

/// The 14 quality characteristics of service (Ciri-ciri Kualiti Perkhidmatan), in PKPA's order.
public enum QualityItem: String, CaseIterable, Codable, Sendable {
    case conduciveEnvironment = "conducive_environment"
    case supportFacilities = "support_facilities"
    case reliability
    case responsiveness
    case timeliness
    case accuracy
    case accessibility
    case understandability
    case competence
    case credibility
    case security
    case friendlyAndFair = "friendly_and_fair"
    case empathy
    case respect

    public var group: QualityGroup {
        switch self {
        case .conduciveEnvironment, .supportFacilities: .physical
        case .friendlyAndFair, .empathy, .respect: .emotion
        default: .delivery
        }
    }

    public var catalogueKey: String { "quality.item.\(rawValue)" }
}

/// The 8S practices when dealing with customers (domain.md §7), named by a rating's reasons.
public enum EightS: String, CaseIterable, Codable, Sendable {
    case salam, sayang, segak, segera, sempurna, sensitif, senyum, sopan
}

/// Why a customer gave the face they gave, chosen with one touch (issue #20): what went wrong, tied to the 8S
/// practice and the quality item it speaks of, and what went well.
public enum RatingReason: String, CaseIterable, Codable, Sendable {
    case notFriendly = "not_friendly"
    case notGreeted = "not_greeted"
    case waitedTooLong = "waited_too_long"
    case slowService = "slow_service"
    case wrongInformation = "wrong_information"
    case unclear
    case notListening = "not_listening"
    case notRespectful = "not_respectful"
    case incomplete
    case uncomfortable
    case friendly
    case quick
    case helpful
    case clear

    public var isPraise: Bool { [.friendly, .quick, .helpful, .clear].contains(self) }

    /// The 8S practice the reason is about, where it is about the officer's conduct.
    public var practice: EightS? {
        switch self {
        case .notFriendly, .friendly: .senyum
        case .notGreeted: .salam
        case .waitedTooLong, .slowService, .quick: .segera
        case .wrongInformation, .notListening: .sensitif
        case .notRespectful: .sopan
        case .incomplete, .helpful: .sempurna
        case .unclear, .clear, .uncomfortable: nil
        }
    }

    public var quality: QualityItem {
        switch self {
        case .notFriendly, .friendly: .friendlyAndFair
        case .notGreeted, .notRespectful: .respect
        case .waitedTooLong: .timeliness
        case .slowService, .quick: .responsiveness
        case .wrongInformation: .accuracy
        case .unclear, .clear: .understandability
        case .notListening: .empathy
        case .incomplete, .helpful: .reliability
        case .uncomfortable: .conduciveEnvironment
        }
    }

    /// The reasons offered after a face: what went wrong for 1–3, what went well for 4–5.
    public static func offered(for score: Int) -> [RatingReason] {
        allCases.filter { score >= 4 ? $0.isPraise : !$0.isPraise }
    }

    public var catalogueKey: String { "rating.reason.\(rawValue)" }
}
