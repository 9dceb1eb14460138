import Crypto
import Fluent
import Foundation
import LayanCore
import Vapor

/// The survey that goes with a resolved case (issue #20): made when the customer is told it is resolved, answered
/// once through its signed, expiring link; a low score opens a follow-up for the unit head.
struct CaseSurveys {
    let app: Application

    /// The survey link for `record`, made when it is first resolved (a case resolved again after reopening keeps its
    /// survey, unanswered ones with a fresh expiry); nil when it was already answered.
    func link(for record: CaseRecord, on db: any Database) async throws -> String? {
        let now = app.clock.now()
        let settings = try await SatisfactionSettings.values(app, on: db)
        let expires = now.addingTimeInterval(Double(settings.surveyDays) * 86_400)
        let survey: CaseSurvey
        if let existing = try await CaseSurvey.query(on: db).filter(\.$caseID == record.id!).first() {
            guard existing.answeredAt == nil else { return nil }
            existing.expiresAt = expires
            try await existing.save(on: db)
            survey = existing
        } else {
            survey = CaseSurvey()
            survey.caseID = record.id!; survey.branchID = record.$branch.id
            survey.officerID = record.$assignee.id ?? UUID(uuidString: CreateSatisfaction.none)!
            survey.caseType = record.type; survey.channel = record.channel; survey.day = LocalDate(now).iso
            survey.sentAt = now; survey.expiresAt = expires
            try await survey.create(on: db)
        }
        return app.settings.messaging.publicBaseURL + SiteURL.satisfaction(.survey(app.surveyLink.token(for: survey.id!, expires: expires))).path
    }

    struct Answers: Sendable {
        var outcome: Int
        var timeTaken: Int
        var manner: Int
        var useAgain: Bool?
        var comment: String?
    }

    /// The survey a link opens, if it is genuine (expired and answered ones included, to say so).
    func survey(token: String) async throws -> (CaseSurvey, SurveyLink.Check) {
        let check = app.surveyLink.check(token, now: app.clock.now())
        switch check {
        case let .valid(id), let .expired(id):
            guard let survey = try await CaseSurvey.find(id, on: app.db) else { throw SatisfactionEngine.Failure.unknownSurvey }
            return (survey, check)
        case .invalid:
            throw SatisfactionEngine.Failure.unknownSurvey
        }
    }

    /// Stores the customer's answers: only through a genuine link, before it expires, once.
    func answer(token: String, _ answers: Answers) async throws -> CaseSurvey {
        guard [answers.outcome, answers.timeTaken, answers.manner].allSatisfy({ (1...5).contains($0) }) else { throw SatisfactionEngine.Failure.badScore }
        let (survey, check) = try await survey(token: token)
        guard case .valid = check, survey.expiresAt > app.clock.now() else { throw SatisfactionEngine.Failure.expired }
        guard survey.answeredAt == nil else { throw SatisfactionEngine.Failure.alreadyAnswered }
        let now = app.clock.now()
        let settings = try await SatisfactionSettings.values(app)
        try await app.db.writeTransaction { db in
            // Answered once: the update only takes a survey still unanswered, whoever else is submitting it.
            guard try await CaseSurveyStore.answer(survey.id!, at: now, outcome: answers.outcome, timeTaken: answers.timeTaken, manner: answers.manner,
                                                   useAgain: answers.useAgain, comment: SatisfactionEngine.cleanComment(answers.comment), on: db.sql),
                  let stored = try await CaseSurvey.find(survey.id, on: db) else { throw SatisfactionEngine.Failure.alreadyAnswered }
            try await followUp(stored, lowest: min(answers.outcome, answers.timeTaken, answers.manner), settings, at: now, on: db)
        }
        return try await CaseSurvey.find(survey.id, on: app.db)!
    }
}

extension CaseSurveys {
    /// A low score opens a follow-up for the unit head (issue #20, item 2).
    private func followUp(_ survey: CaseSurvey, lowest: Int, _ settings: SatisfactionSettings.Values, at now: Date, on db: any Database) async throws {
        guard lowest <= settings.followUpAtOrBelow else { return }
        let row = SatisfactionFollowUp()
        row.source = .case; row.recordID = survey.id!; row.branchID = survey.branchID; row.caseID = survey.caseID; row.lowest = lowest
        row.summary = FollowUpSummary.survey(survey, app.catalogue, .default); row.status = .open; row.createdAt = now
        try await row.create(on: db)
    }

    /// A reply of one digit, 1–5, in the conversation a resolved case came from (issue #20: "answering by reply"): the
    /// overall score, kept as the outcome question, for the sender's newest survey still unanswered and unexpired.
    /// Returns the case's reference when the reply was taken as an answer.
    func answerByReply(provider: String, sender: String, channel: CaseChannel, text: String, on db: any Database) async throws -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count == 1, let score = Int(trimmed), (1...5).contains(score) else { return nil }
        struct Row: Decodable { let id: UUID; let reference: String }
        let now = app.clock.now()
        guard let found = try await db.sql.raw("""
            SELECT s.id, c.reference FROM \(unsafeRaw: IntakeEntry.schema) i
            JOIN \(unsafeRaw: CaseRecord.schema) c ON c.id = i.case_id JOIN \(unsafeRaw: CaseSurvey.schema) s ON s.case_id = c.id
            WHERE i.provider = \(bind: provider) AND i.sender = \(bind: sender) AND c.channel = \(bind: channel.rawValue)
              AND s.answered_at IS NULL AND s.expires_at > \(bind: now)
            ORDER BY s.sent_at DESC LIMIT 1
            """).first(decoding: Row.self) else { return nil }
        let settings = try await SatisfactionSettings.values(app, on: db)
        try await db.writeTransaction { db in
            // A second reply, or the link answered meanwhile, finds the survey taken.
            guard try await CaseSurveyStore.answer(found.id, at: now, outcome: score, timeTaken: nil, manner: nil, useAgain: nil, comment: nil, on: db.sql),
                  let survey = try await CaseSurvey.find(found.id, on: db) else { return }
            try await followUp(survey, lowest: score, settings, at: now, on: db)
        }
        return found.reference
    }
}

extension Application {
    /// The key that signs survey links, derived from the personal-data key (one secret to keep, a key per use).
    var surveyLink: SurveyLink {
        SurveyLink(key: HKDF<SHA256>.deriveKey(inputKeyMaterial: personalDataCipher.key, info: Data("layan survey links".utf8), outputByteCount: 32))
    }
}
