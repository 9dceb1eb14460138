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

extension Application {
    private struct CalendarServiceKey: StorageKey { typealias Value = CalendarService }

    var calendarService: CalendarService {
        get { storage[CalendarServiceKey.self]! }
        set { storage[CalendarServiceKey.self] = newValue }
    }
}
