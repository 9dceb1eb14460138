import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// A year of customer satisfaction for the demo agency (issue #20): about a third of served customers rate their
/// visit, with two patterns to find — Shah Alam's midday dip (customers served 12:00–14:00 wait longer and say so)
/// and one Kota Bharu officer rated "not friendly" far more than the others — and surveys answered for most
/// resolved cases; last month's low scores are open follow-ups, older ones closed with what was done.
enum DemoSatisfaction {
    /// The officer the demo's "not friendly" pattern belongs to.
    static let unfriendlyOfficer = "nik.huda@demo.layan.my"

    static func load(on db: any Database, application app: Application) async throws {
        let today = LocalDate(app.clock.now())
        let branches = Dictionary(try await Branch.query(on: db).all().map { ($0.id!, $0.code) }, uniquingKeysWith: { a, _ in a })
        let unfriendly = try await Staff.query(on: db).filter(\.$email == unfriendlyOfficer).first()?.id
        struct Served: Decodable { let id: UUID; let branch_id: UUID; let counter_id: UUID; let officer_id: UUID; let service_id: UUID; let service_date: String; let completed_at: Date }
        let served = try await db.sql.raw("""
            SELECT id, branch_id, counter_id, officer_id, service_id, service_date, completed_at FROM tickets
            WHERE status = 'done' AND counter_id IS NOT NULL AND officer_id IS NOT NULL ORDER BY service_date, id
            """).all(decoding: Served.self)
        var random = SeededGenerator(seed: 2020)
        var rows: [[SQLValue]] = []
        var lows: [(UUID, UUID, Int, RatingReason?, Date)] = []
        for ticket in served where random.next() % 100 < 35 {
            let hour = MalaysianTime.localHour(epoch: Int(ticket.completed_at.timeIntervalSince1970))
            let midday = branches[ticket.branch_id] == "SHA" && (12..<14).contains(hour)
            let rude = ticket.officer_id == unfriendly
            var score = [5, 5, 5, 4, 4, 4, 4, 3, 3, 2][Int(random.next() % 10)]
            var reason: RatingReason?
            if midday, random.next() % 3 != 0 { score = Int(random.next() % 2) + 2; reason = .waitedTooLong }
            if rude, random.next() % 5 < 2 { score = Int(random.next() % 2) + 2; reason = .notFriendly }
            if reason == nil, random.next() % 3 == 0 { reason = RatingReason.offered(for: score)[Int(random.next() % UInt64(RatingReason.offered(for: score).count))] }
            let at = ticket.completed_at.addingTimeInterval(45)
            let id = UUID()
            rows.append([id, ticket.id, ticket.branch_id, ticket.counter_id, ticket.officer_id, ticket.service_id, ticket.service_date, score,
                         reason?.rawValue, nil, random.next() % 4 == 0 ? "phone" : "tablet", nil, at])
            if score <= 2 { lows.append((id, ticket.branch_id, score, reason, at)) }
        }
        let columns = ["id", "ticket_id", "branch_id", "counter_id", "officer_id", "service_id", "day", "score", "reason", "comment", "via", "device_id", "rated_at"]
        let all = rows, lowScores = lows
        try await db.transaction { db in
            for start in stride(from: 0, to: all.count, by: 500) {
                try await db.sql.insertRows(into: CounterRating.schema, columns: columns, Array(all[start..<min(all.count, start + 500)]))
            }
            // Follow-ups: last month's still open, older ones closed with what was done.
            let recent = today.adding(days: -30).startInstant
            for (id, branch, score, reason, at) in lowScores {
                let row = SatisfactionFollowUp()
                row.source = .counter; row.recordID = id; row.branchID = branch; row.lowest = score
                row.summary = ["\(score)/5", reason.map { app.catalogue.text($0.catalogueKey, .ms) }].compactMap { $0 }.joined(separator: " · ")
                row.createdAt = at
                if at >= recent {
                    row.status = .open
                } else {
                    row.status = .closed; row.closedBy = "Ketua Unit"; row.closedAt = at.addingTimeInterval(3 * 86_400)
                    row.note = reason == .waitedTooLong ? "Kaunter tambahan dibuka waktu rehat tengah hari." : "Dibincangkan dengan pegawai; latihan 8S dijadualkan."
                }
                try await row.create(on: db)
            }
        }
        try await loadCaseSurveys(on: db, application: app)
    }

    /// A survey for every resolved demo case with a customer to reach; about three in four answered.
    static func loadCaseSurveys(on db: any Database, application app: Application) async throws {
        var random = SeededGenerator(seed: 2021)
        let cases = try await CaseRecord.query(on: db).filter(\.$resolvedAt != nil).sort(\.$receivedAt).all()
        for record in cases where record.customerEmail != nil || record.customerPhone != nil {
            let sent = record.resolvedAt!
            let survey = CaseSurvey()
            survey.caseID = record.id!; survey.branchID = record.$branch.id
            survey.officerID = record.$assignee.id ?? UUID(uuidString: CreateSatisfaction.none)!
            survey.caseType = record.type; survey.channel = record.channel; survey.day = LocalDate(sent).iso
            survey.sentAt = sent; survey.expiresAt = sent.addingTimeInterval(14 * 86_400)
            if random.next() % 4 != 0 {
                let late = record.resolveMet == false
                survey.answeredAt = sent.addingTimeInterval(Double(random.next() % 72 + 1) * 3600)
                survey.outcome = late ? Int(random.next() % 3) + 2 : Int(random.next() % 2) + 4
                survey.timeTaken = late ? Int(random.next() % 2) + 1 : Int(random.next() % 3) + 3
                survey.manner = Int(random.next() % 2) + 4
                survey.useAgain = !late || random.next() % 2 == 0
                survey.comment = late ? "Mengambil masa terlalu lama." : nil
            }
            try await survey.create(on: db)
        }
    }
}
