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
