import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// A special holiday (cuti peristiwa) declared at short notice, nationwide or for some states. It counts
/// in every working-day calculation as soon as it is saved.
final class AdHocHoliday: Model, Audited, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "adhoc_holidays"
    static let auditEntity = "adhoc_holiday"

    @ID(key: .id) var id: UUID?
    @Field(key: "date") var date: String
    @Field(key: "name_ms") var nameMs: String
    @Field(key: "name_en") var nameEn: String
    /// Empty: nationwide.
    @Field(key: "states") var states: [MalaysianState]
    @OptionalParent(key: "created_by") var createdBy: Staff?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    var holiday: Holiday? {
        LocalDate(date).map { Holiday(date: $0, nameMs: nameMs, nameEn: nameEn, states: Set(states), adHoc: true) }
    }

    var auditSnapshot: [String: String?] {
        ["date": date, "name_ms": nameMs, "name_en": nameEn, "states": states.map(\.rawValue).joined(separator: ",")]
    }
}

struct CreateAdHocHolidays: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AdHocHoliday.schema)
            .id()
            .field("date", .string, .required)
            .field("name_ms", .string, .required)
            .field("name_en", .string, .required)
            .field("states", .array(of: .string), .required)
            .field("created_by", .uuid, .references(Staff.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .create()
        try await database.sql.create(index: "adhoc_holidays_date_idx").on(AdHocHoliday.schema).column("date").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AdHocHoliday.schema).delete()
    }
}

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

extension Application {
    private struct CalendarServiceKey: StorageKey { typealias Value = CalendarService }

    var calendarService: CalendarService {
        get { storage[CalendarServiceKey.self]! }
        set { storage[CalendarServiceKey.self] = newValue }
    }
}
