import Fluent
import Foundation
import LayanCore
import Vapor

/// Once a day, takes the personal data out of every record past its retention period (issue #21, item 6), keeping the
/// figures; records what it did on the audit trail. A day's run is a row: several instances run it once between them.
struct RetentionJob {
    let app: Application

    /// Runs today's retention if no instance has; returns what was anonymised, by kind (nil when already run today).
    @discardableResult
    func runOnce() async throws -> [PersonalRecordType: Int]? {
        let now = app.clock.now(), today = LocalDate(now).iso
        if try await RetentionRun.query(on: app.db).filter(\.$day == today).first() != nil { return nil }
        let rules = try await RetentionRule.all(on: app.db)
        let store = PersonalDataStore(db: app.db)
        var done: [PersonalRecordType: Int] = [:]
        for type in PersonalRecordType.allCases {
            done[type] = try await store.anonymiseExpired(type, before: rules[type]!.cutoff(now: now), at: now)
        }
        let counts = done
        let run = RetentionRun()
        run.day = today; run.ranAt = now; run.counts = Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
        try await app.db.writeTransaction { db in
            try await run.create(on: db)
            try await Audit.recordBySystem(.anonymiseExpired, entity: "personal_data", id: today, changes: Dictionary(uniqueKeysWithValues: counts.map {
                ($0.key.rawValue, AuditDiff.Change(before: nil, after: "\($0.value)"))
            }), at: now, on: db)
        }
        return counts
    }
}
