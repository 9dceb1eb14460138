/// PKPA 1/2008 §4d(5): an officer assigned every day to complaints and feedback. New cases go to the day's duty
/// officers, shared by their current load.
public enum DutyAssignment {
    public struct Candidate: Sendable, Equatable {
        public let id: String
        public let openCases: Int
        /// When they were last given a case; nil when never. Breaks ties so the work goes round.
        public let lastAssignedAt: Double?
        public init(id: String, openCases: Int, lastAssignedAt: Double?) {
            self.id = id
            self.openCases = openCases
            self.lastAssignedAt = lastAssignedAt
        }
    }

    /// The duty officer with the fewest open cases; among equals, the one who waited longest for a case.
    public static func choose(from candidates: [Candidate]) -> Candidate? {
        candidates.min { a, b in
            if a.openCases != b.openCases { return a.openCases < b.openCases }
            switch (a.lastAssignedAt, b.lastAssignedAt) {
            case (nil, nil): return a.id < b.id
            case (nil, _): return true
            case (_, nil): return false
            case let (x?, y?): return x == y ? a.id < b.id : x < y
            }
        }
    }
}

/// One day's duty officers at a branch and the open cases each holds, as new cases are shared out among them
/// (PKPA 1/2008 §4d(5): an officer on duty every day). Each case given raises that officer's load, so cases
/// filed together are shared as fairly as cases filed one by one.
public struct DutyDesk: Sendable {
    public struct Officer: Sendable, Equatable {
        public let id: String
        /// The unit they cover; nil when they cover the whole branch.
        public let division: String?
        public var openCases: Int
        public var lastAssignedAt: Double?
        public init(id: String, division: String?, openCases: Int, lastAssignedAt: Double?) {
            self.id = id
            self.division = division
            self.openCases = openCases
            self.lastAssignedAt = lastAssignedAt
        }
    }

    public private(set) var officers: [Officer]
    public init(officers: [Officer]) { self.officers = officers }

    public var isEmpty: Bool { officers.isEmpty }

    /// The officer for a case of `division` (nil: the branch as a whole), now counted as holding it. The unit's
    /// duty officers take its cases; the branch's (no unit) take the rest, or anyone on duty when it has none.
    public mutating func assign(division: String?, at time: Double) -> String? {
        let unit = officers.indices.filter { division != nil && officers[$0].division == division }
        let branchWide = officers.indices.filter { officers[$0].division == nil }
        let pool = unit.isEmpty ? (branchWide.isEmpty ? Array(officers.indices) : branchWide) : unit
        let candidates = pool.map {
            DutyAssignment.Candidate(id: officers[$0].id, openCases: officers[$0].openCases, lastAssignedAt: officers[$0].lastAssignedAt)
        }
        guard let chosen = DutyAssignment.choose(from: candidates) else { return nil }
        // An officer on two shifts that day (a unit's and the branch's) carries one load.
        for index in officers.indices where officers[index].id == chosen.id {
            officers[index].openCases += 1
            officers[index].lastAssignedAt = time
        }
        return chosen.id
    }
}

/// The working days ahead with no duty officer on the rota, for the supervisor's warning.
public enum DutyCoverage {
    public static func uncovered(from today: LocalDate, workingDays: Int, calendar: WorkingCalendar, state: MalaysianState,
                                 covered: Set<LocalDate>) -> [LocalDate] {
        var result: [LocalDate] = []
        var day = calendar.nextWorkingDay(onOrAfter: today, in: state)
        for _ in 0..<workingDays {
            if !covered.contains(day) { result.append(day) }
            day = calendar.adding(workingDays: 1, to: day, in: state)
        }
        return result
    }
}
