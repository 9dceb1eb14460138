import Foundation

/// Whose records an officer may act on (PKPA 1/2008, security: customers' information stays with the officers who
/// serve them). Administrators and management viewers: the whole agency. A head of unit: their unit, in every branch,
/// and their branch's records that name no unit. A supervisor: their branch. Other officers: their branch, and there
/// their unit's records and those that name none. Staff with no branch (headquarters) act agency-wide; an officer
/// holding several roles gets the widest reach among them, as permissions add up.
public struct RecordScope: Sendable, Equatable {
    public enum Reach: Sendable, Equatable {
        case agency
        case branch(UUID)
        case unit(UUID, branch: UUID?)
        case branchAndUnit(branch: UUID, unit: UUID)
    }

    public let reaches: [Reach]

    public init(roles: [StaffRole], branch: UUID?, unit: UUID?) {
        reaches = roles.map { role in
            switch role {
            case .administrator, .managementViewer: .agency
            case .headOfUnit: unit.map { .unit($0, branch: branch) } ?? branch.map(Reach.branch) ?? .agency
            case .supervisor: branch.map(Reach.branch) ?? .agency
            default:
                switch (branch, unit) {
                case let (branch?, unit?): .branchAndUnit(branch: branch, unit: unit)
                case let (branch?, nil): .branch(branch)
                case (nil, _): .agency
                }
            }
        }
    }

    /// The whole agency: an integration's token, the system's own jobs.
    public static let agency = RecordScope(reaches: [.agency])

    private init(reaches: [Reach]) { self.reaches = reaches }

    /// Whether a record of `branch` (and `unit`, when it names one) is within reach.
    public func allows(branch: UUID?, unit: UUID? = nil) -> Bool {
        reaches.contains { reach in
            switch reach {
            case .agency: true
            case let .branch(own): branch == own
            case let .unit(own, ownBranch): unit == own || (unit == nil && ownBranch != nil && branch == ownBranch)
            case let .branchAndUnit(ownBranch, ownUnit): branch == ownBranch && (unit == nil || unit == ownUnit)
            }
        }
    }

    /// Every record is within reach.
    public var isAgencyWide: Bool { reaches.contains(.agency) }

    /// The one branch every record in reach belongs to, for lists; nil when the reach spans branches.
    public var onlyBranch: UUID? {
        var branches = Set<UUID>()
        for reach in reaches {
            switch reach {
            case .agency, .unit: return nil
            case let .branch(own): branches.insert(own)
            case let .branchAndUnit(own, _): branches.insert(own)
            }
        }
        return branches.count == 1 ? branches.first : nil
    }
}
