import Fluent
import Foundation
import LayanCore
import LayanStorage

/// The agency's telephone standard (one row): the seconds, the service-level formula its charter reports, the
/// message return standard, and the PBX's queue names.
final class TelephoneSettings: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "telephone_settings"

    @ID(key: .id) var id: UUID?
    @Field(key: "answer_within_seconds") var answerWithinSeconds: Int
    @Field(key: "formula") var formula: ServiceLevelFormula
    @Field(key: "short_abandon_seconds") var shortAbandonSeconds: Int
    @Field(key: "target_percent") var targetPercent: Int
    @Field(key: "announce_every_seconds") var announceEverySeconds: Int
    @Field(key: "message_return_working_days") var messageReturnWorkingDays: Int
    /// The PBX queues the agency answers, in the order the generated `queues.conf` lists them.
    @Field(key: "queues") var queues: [String]

    init() {}

    var standard: TelephoneStandard {
        TelephoneStandard(answerWithinSeconds: answerWithinSeconds, formula: formula, shortAbandonSeconds: shortAbandonSeconds,
                          targetPercent: targetPercent, announceEverySeconds: announceEverySeconds, messageReturnWorkingDays: messageReturnWorkingDays)
    }

    /// The row, or PKPA's defaults when the agency has not set its own.
    static func current(on db: any Database) async throws -> TelephoneSettings {
        if let row = try await TelephoneSettings.query(on: db).first() { return row }
        let row = TelephoneSettings()
        let standard = TelephoneStandard()
        row.answerWithinSeconds = standard.answerWithinSeconds; row.formula = standard.formula
        row.shortAbandonSeconds = standard.shortAbandonSeconds; row.targetPercent = standard.targetPercent
        row.announceEverySeconds = standard.announceEverySeconds; row.messageReturnWorkingDays = standard.messageReturnWorkingDays
        row.queues = ["operator"]
        return row
    }

    /// Saves the standard, inside the caller's write transaction. The kept call counts count "within" by its seconds
    /// (`TelephoneCallCounts`): new seconds, every call counted again.
    func saveCountingAgain(on db: any Database) async throws {
        let before = try await TelephoneSettings.current(on: db).standard
        try await save(on: db)
        if before.answerWithinSeconds != answerWithinSeconds || before.shortAbandonSeconds != shortAbandonSeconds {
            try await TelephoneCallCounts.recountAll(standard: standard, on: db.sql)
        }
    }
}
