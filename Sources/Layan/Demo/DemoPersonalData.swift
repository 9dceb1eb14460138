import Fluent
import Foundation
import LayanCore
import Vapor

/// The demo agency's disposal schedule for personal data (issue #21, item 6), and the retention job's first run, so
/// the personal-data desk shows periods with their schedule items and a day's run.
enum DemoPersonalData {
    static let schedule: [PersonalRecordType: (months: Int, reference: String)] = [
        .closedCases: (84, "Jadual Pelupusan Rekod Fungsi Am, butiran 5.3.2 (fail aduan awam): 7 tahun selepas ditutup"),
        .telephoneCalls: (24, "Jadual Pelupusan Rekod Fungsi Am, butiran 5.4.1 (log panggilan): 2 tahun"),
        .phoneMessages: (24, "Jadual Pelupusan Rekod Fungsi Am, butiran 5.4.2 (pesanan telefon): 2 tahun"),
        .sentMessages: (12, "Jadual Pelupusan Rekod Fungsi Am, butiran 5.5.1 (makluman kepada pelanggan): 1 tahun"),
        .intakeLog: (12, "Jadual Pelupusan Rekod Fungsi Am, butiran 5.5.2 (log saluran): 1 tahun"),
    ]

    static func load(on db: any Database, application app: Application) async throws {
        let now = app.clock.now()
        for type in PersonalRecordType.allCases {
            let entry = schedule[type]!
            let rule = RetentionRule()
            rule.recordType = type; rule.months = entry.months; rule.scheduleReference = entry.reference
            rule.updatedBy = "admin@demo.layan.my"; rule.updatedAt = now
            try await rule.create(on: db)
        }
    }
}
