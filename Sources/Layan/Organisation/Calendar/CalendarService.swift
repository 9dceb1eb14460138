import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// The working-day calendar in force: the generated holidays plus the ad-hoc ones. Cached; a change made
/// here clears the cache at once, and other instances pick it up within `maximumAge`.
actor CalendarService {
    private let base: HolidayCalendar
    private var cached: (calendar: WorkingCalendar, loadedAt: Date)?
    private let maximumAge: TimeInterval = 10

    init(base: HolidayCalendar) { self.base = base }

    static func loadBase(resourcesDirectory: String) throws -> HolidayCalendar {
        let data = try Data(contentsOf: URL(fileURLWithPath: resourcesDirectory + "Holidays/malaysia.json"))
        return try HolidayCalendar(json: data)
    }

    func calendar(on db: any Database, now: Date = Date()) async throws -> WorkingCalendar {
        if let cached, now.timeIntervalSince(cached.loadedAt) < maximumAge { return cached.calendar }
        let adHoc = try await AdHocHoliday.query(on: db).all().compactMap(\.holiday)
        let calendar = WorkingCalendar(holidays: base.adding(adHoc))
        cached = (calendar, now)
        return calendar
    }

    func invalidate() { cached = nil }

    nonisolated var gazetted: HolidayCalendar { base }
}
