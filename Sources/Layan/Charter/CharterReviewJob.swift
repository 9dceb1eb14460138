import Fluent
import Foundation
import LayanCore
import LayanStorage
import Vapor

/// PKPA 1/2008: the charter is reviewed at least once every 12 months. Each run reminds the heads of unit through the
/// outbox 30 and 7 days before the review falls due (each reminder once, a missed day caught up), and puts a version
/// that came into force today to work: the queue's and cases' targets follow its standards.
struct CharterReviewJob {
    let app: Application

    /// The reminder sent this run (days before the due date), if any.
    @discardableResult
    func runOnce() async throws -> Int? {
        let today = LocalDate(app.clock.now())
        let engine = CharterEngine(app: app)
        guard let version = try await engine.inForce(on: today), let review = version.review else { return nil }
        if version.effective == today || version.status != .published {
            try await app.db.writeTransaction { db in
                // A version published ahead of its day supersedes the one before when the day comes.
                for old in try await CharterVersion.query(on: db).filter(\.$status == .published).filter(\.$id != version.id!).all()
                where (old.effective ?? today) < today {
                    old.status = .superseded
                    try await old.save(on: db)
                }
                version.status = .published
                try await version.save(on: db)
                try await engine.applyTargets(version.commitments, on: db)
            }
        }
        guard let days = review.reminder(on: today, alreadySent: Set(version.remindersSent)) else { return nil }
        let heads = try await Staff.query(on: app.db).filter(\.$active == true).all().filter { $0.roles.contains(.headOfUnit) }
        let catalogue = app.catalogue
        let link = app.settings.messaging.publicBaseURL + SiteURL.charterDesk(.edit).path
        let values = ["days": "\(days)", "version": "\(version.number)", "link": link]
        try await app.db.writeTransaction { db in
            for head in heads {
                let subject = [Language.ms, .en].map { catalogue.text("charter.reminder.subject", $0, values) }.joined(separator: " / ")
                let body = [Language.ms, .en].map { language in
                    catalogue.text("charter.reminder.body", language, values.merging(["due": MalaysianTime.longDate(review.due, in: language)]) { $1 })
                }.joined(separator: "\n\n")
                try await OutboxMessage(channel: .email, recipient: head.email, subject: subject, body: body, caseID: nil, at: app.clock.now()).create(on: db)
            }
            version.remindersSent = (version.remindersSent + CharterReview.reminderDays.filter { $0 >= days }).uniqued()
            try await version.save(on: db)
        }
        return days
    }
}

private extension Array where Element: Hashable {
    func uniqued() -> [Element] { var seen = Set<Element>(); return filter { seen.insert($0).inserted } }
}
