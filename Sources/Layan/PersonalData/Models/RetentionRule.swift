import Fluent
import Foundation
import LayanCore

/// How long one kind of record keeps its personal data, and the disposal-schedule item that says so (issue #21, item 6).
final class RetentionRule: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "retention_rules"

    @ID(key: .id) var id: UUID?
    @Field(key: "record_type") var recordType: PersonalRecordType
    @Field(key: "months") var months: Int
    /// The agency's disposal schedule item this period comes from (e.g. "Jadual Pelupusan Rekod, item 4.2").
    @Field(key: "schedule_reference") var scheduleReference: String
    @Field(key: "updated_by") var updatedBy: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    /// Every kind's rule, the default for any the agency has not set.
    static func all(on db: any Database) async throws -> [PersonalRecordType: RetentionPeriod] {
        let stored = Dictionary(try await RetentionRule.query(on: db).all().map { ($0.recordType, $0.months) }, uniquingKeysWith: { a, _ in a })
        return Dictionary(uniqueKeysWithValues: PersonalRecordType.allCases.map { type in
            (type, RetentionPeriod(months: stored[type] ?? type.defaultMonths) ?? RetentionPeriod(months: type.defaultMonths)!)
        })
    }
}

/// One day's run of the retention job: what it anonymised. One row a day, so several instances run it once.
final class RetentionRun: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "retention_runs"

    @ID(key: .id) var id: UUID?
    /// The Malaysian day it ran for.
    @Field(key: "day") var day: String
    @Field(key: "ran_at") var ranAt: Date
    /// Records anonymised, by kind (JSON object).
    @Field(key: "counts") var counts: [String: Int]

    init() {}
}
