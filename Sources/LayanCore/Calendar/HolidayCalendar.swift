import Foundation

/// A public holiday: gazetted (from the generated data file) or ad hoc (cuti peristiwa, added by an
/// administrator and in force at once). `states` empty means nationwide.
public struct Holiday: Hashable, Sendable, Codable {
    public let date: LocalDate
    public let nameMs: String
    public let nameEn: String
    public let states: Set<MalaysianState>
    public let adHoc: Bool

    public init(date: LocalDate, nameMs: String, nameEn: String, states: Set<MalaysianState>, adHoc: Bool = false) {
        self.date = date
        self.nameMs = nameMs
        self.nameEn = nameEn
        self.states = states
        self.adHoc = adHoc
    }

    public func applies(to state: MalaysianState) -> Bool { states.isEmpty || states.contains(state) }

    public func name(in language: Language) -> String { language == .ms ? nameMs : nameEn }
}

/// Federal and state public holidays, indexed by state for constant-time look-up.
public struct HolidayCalendar: Sendable {
    public let firstYear: Int
    public let lastYear: Int
    private var byState: [MalaysianState: [LocalDate: [Holiday]]] = [:]

    public init(firstYear: Int, lastYear: Int, holidays: [Holiday]) {
        self.firstYear = firstYear
        self.lastYear = lastYear
        for holiday in holidays { add(holiday) }
    }

    /// Reads `Resources/Holidays/malaysia.json` as `scripts/generate-holidays.py` writes it.
    public init(json: Data) throws {
        struct File: Decodable {
            struct Entry: Decodable { let date: LocalDate; let ms: String; let en: String; let states: [String] }
            let firstYear: Int
            let lastYear: Int
            let holidays: [Entry]
        }
        let file = try JSONDecoder().decode(File.self, from: json)
        let holidays = try file.holidays.map { entry in
            let states = try entry.states.map { code in
                guard let state = MalaysianState(rawValue: code) else { throw CalendarError.unknownState(code) }
                return state
            }
            return Holiday(date: entry.date, nameMs: entry.ms, nameEn: entry.en, states: Set(states))
        }
        self.init(firstYear: file.firstYear, lastYear: file.lastYear, holidays: holidays)
    }

    /// A copy with more holidays (the ad-hoc ones from the database).
    public func adding(_ extra: [Holiday]) -> HolidayCalendar {
        var copy = self
        for holiday in extra { copy.add(holiday) }
        return copy
    }

    private mutating func add(_ holiday: Holiday) {
        let states = holiday.states.isEmpty ? Set(MalaysianState.allCases) : holiday.states
        for state in states { byState[state, default: [:]][holiday.date, default: []].append(holiday) }
    }

    public func holidays(on date: LocalDate, in state: MalaysianState) -> [Holiday] {
        byState[state]?[date] ?? []
    }

    public func isHoliday(_ date: LocalDate, in state: MalaysianState) -> Bool {
        byState[state]?[date] != nil
    }

    /// Every holiday in a state in a year, in date order.
    public func holidays(in state: MalaysianState, year: Int) -> [Holiday] {
        (byState[state] ?? [:]).filter { $0.key.year == year }.sorted { $0.key < $1.key }.flatMap(\.value)
    }

    public func covers(_ date: LocalDate) -> Bool { (firstYear...lastYear).contains(date.year) }
}

public enum CalendarError: Error, Equatable, CustomStringConvertible {
    case unknownState(String)
    case outsideData(LocalDate)

    public var description: String {
        switch self {
        case let .unknownState(code): "Unknown state: \(code)"
        case let .outsideData(date): "No holiday data for \(date.year)"
        }
    }
}
