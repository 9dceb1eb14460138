import Fluent
import Foundation
import LayanStorage
import SQLKit

/// Customer satisfaction (issue #20): counter ratings, the tablets that take them, post-case surveys, follow-ups of
/// low scores, the agency's settings, and the daily counts every report reads — kept by the database itself, so a
/// year of five million ratings is a few hundred thousand summary rows, never a scan of the ratings.
struct CreateSatisfaction: AsyncMigration, LargeTableMigration {
    var largeTableNote: String { "reads every served ticket once: one grouped INSERT … SELECT" }
    /// Answers per month (of the ticket's service day, of the day the case's survey was sent), source, question, branch,
    /// counter, officer, service, case type, channel and score — by month, since reports cover whole months and a
    /// month holds a twentieth of a year's days' rows; `served`/`sent` rows (score 0) count what could have
    /// been rated, for the response rate. A counter's case type is ''; a case's counter and service are `none`.
    static let counts = "satisfaction_counts"
    static let none = "00000000-0000-0000-0000-000000000000"

    /// What one source row counts as: its table, the columns that move it, when it counts, and its key (the columns of
    /// `counts` as expressions of the row). `RollUpSatisfactionCounts` keeps the same answers by report dimension.
    struct CountedAnswer: Sendable {
        let name: String
        let source: String
        let watched: String
        let counts: @Sendable (String) -> String
        let key: @Sendable (String) -> [(String, String)]
    }

    /// One kept count: the columns of `counts` as expressions of the source row.
    static func kept(_ answer: CountedAnswer) -> KeptCount {
        KeptCount(
            source: answer.source, watched: answer.watched, sqliteTriggerPrefix: answer.name, postgresFunction: "layan_\(answer.name)",
            postgresTrigger: answer.name, counts: answer.counts,
            counter: .init(table: Self.counts, columns: answer.key("NEW").map(\.0).joined(separator: ", ") + ", n") { row in
                answer.key(row).map(\.1).joined(separator: ", ") + ", 0"
            },
            adjust: { row, delta in
                "UPDATE \(Self.counts) SET n = n \(delta) 1 WHERE " + answer.key(row).map { "\($0.0) = \($0.1)" }.joined(separator: " AND ") + ";"
            })
    }

    static let ratings = CountedAnswer(name: "counter_ratings_counted", source: CounterRating.schema, watched: "score", counts: { _ in "TRUE" }) { row in
        [("month", "SUBSTR(\(row).day, 1, 7)"), ("source", "'counter'"), ("question", "'overall'"), ("branch_id", "\(row).branch_id"), ("counter_id", "\(row).counter_id"),
         ("officer_id", "\(row).officer_id"), ("service_id", "\(row).service_id"), ("case_type", "''"), ("channel", "'counter'"), ("score", "\(row).score")]
    }

    /// Why customers rated as they did, by the rating's score (`reason:not_friendly`, …), once they say.
    static let reasons = CountedAnswer(name: "counter_ratings_reasons", source: CounterRating.schema, watched: "reason",
                                       counts: { "\($0).reason IS NOT NULL" }) { row in
        [("month", "SUBSTR(\(row).day, 1, 7)"), ("source", "'counter'"), ("question", "'reason:' || \(row).reason"), ("branch_id", "\(row).branch_id"),
         ("counter_id", "\(row).counter_id"), ("officer_id", "\(row).officer_id"), ("service_id", "\(row).service_id"), ("case_type", "''"),
         ("channel", "'counter'"), ("score", "\(row).score")]
    }

    /// Tickets served to the end at a counter: what could have been rated.
    static let served = CountedAnswer(name: "tickets_satisfaction_served", source: "tickets", watched: "status, counter_id, officer_id, service_id",
                                      counts: { "\($0).status = 'done' AND \($0).counter_id IS NOT NULL AND \($0).officer_id IS NOT NULL" }) { row in
        [("month", "SUBSTR(\(row).service_date, 1, 7)"), ("source", "'counter'"), ("question", "'served'"), ("branch_id", "\(row).branch_id"),
         ("counter_id", "\(row).counter_id"), ("officer_id", "\(row).officer_id"), ("service_id", "\(row).service_id"), ("case_type", "''"),
         ("channel", "'counter'"), ("score", "0")]
    }

    static func caseKey(_ row: String, question: String, score: String) -> [(String, String)] {
        [("month", "SUBSTR(\(row).day, 1, 7)"), ("source", "'case'"), ("question", "'\(question)'"), ("branch_id", "\(row).branch_id"), ("counter_id", "'\(none)'"),
         ("officer_id", "\(row).officer_id"), ("service_id", "'\(none)'"), ("case_type", "\(row).case_type"), ("channel", "\(row).channel"), ("score", score)]
    }

    static let sent = CountedAnswer(name: "case_surveys_sent", source: CaseSurvey.schema, watched: "sent_at", counts: { _ in "TRUE" }) { row in
        caseKey(row, question: "sent", score: "0")
    }

    /// The post-case survey's questions counted once answered (`use_again`: 1 yes, 0 no).
    static let caseQuestions = ["outcome", "time_taken", "manner", "use_again"]

    static func answer(_ question: String) -> CountedAnswer {
        CountedAnswer(name: "case_surveys_\(question)", source: CaseSurvey.schema, watched: "answered_at",
                      counts: { row in "\(row).answered_at IS NOT NULL AND \(row).\(question) IS NOT NULL" }) { row in
            caseKey(row, question: question, score: answerScore(row, question))
        }
    }

    static func answerScore(_ row: String, _ question: String) -> String {
        question == "use_again" ? "CASE WHEN \(row).use_again THEN 1 ELSE 0 END" : "\(row).\(question)"
    }

    static var allAnswers: [CountedAnswer] { [ratings, reasons, served, sent] + caseQuestions.map(answer) }
    static var allKept: [KeptCount] { allAnswers.map(kept) }

    static func createCounts(on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            CREATE TABLE \(unsafeRaw: Self.counts) (month TEXT NOT NULL, source TEXT NOT NULL, question TEXT NOT NULL, branch_id UUID NOT NULL,
              counter_id UUID NOT NULL, officer_id UUID NOT NULL, service_id UUID NOT NULL, case_type TEXT NOT NULL, channel TEXT NOT NULL,
              score BIGINT NOT NULL, n BIGINT NOT NULL,
              PRIMARY KEY (month, source, question, branch_id, counter_id, officer_id, service_id, case_type, channel, score))
            """).run()
    }

    func prepare(on database: any Database) async throws {
        try await database.schema(CounterRating.schema)
            .id()
            .field("ticket_id", .uuid, .required, .references("tickets", .id, onDelete: .cascade))
            .field("branch_id", .uuid, .required)
            .field("counter_id", .uuid, .required)
            .field("officer_id", .uuid, .required)
            .field("service_id", .uuid, .required)
            .field("day", .string, .required)
            .field("score", .int, .required)
            .field("reason", .string)
            .field("comment", .string)
            .field("via", .string, .required)
            .field("device_id", .uuid)
            .field("rated_at", .datetime, .required)
            .unique(on: "ticket_id")
            .create()
        try await database.schema(RatingDevice.schema)
            .id()
            .field("counter_id", .uuid, .required, .references("counters", .id, onDelete: .cascade))
            .field("secret_hash", .string, .required)
            .field("paired_by", .string, .required)
            .field("paired_at", .datetime, .required)
            .field("revoked_at", .datetime)
            .create()
        try await database.schema(CaseSurvey.schema)
            .id()
            .field("case_id", .uuid, .required, .references("cases", .id, onDelete: .cascade))
            .field("branch_id", .uuid, .required)
            .field("officer_id", .uuid, .required)
            .field("case_type", .string, .required)
            .field("channel", .string, .required)
            .field("day", .string, .required)
            .field("sent_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("answered_at", .datetime)
            .field("outcome", .int)
            .field("time_taken", .int)
            .field("manner", .int)
            .field("use_again", .bool)
            .field("comment", .string)
            .unique(on: "case_id")
            .create()
        try await database.schema(SatisfactionFollowUp.schema)
            .id()
            .field("source", .string, .required)
            .field("record_id", .uuid, .required)
            .field("branch_id", .uuid, .required)
            .field("case_id", .uuid)
            .field("lowest", .int, .required)
            .field("summary", .string, .required)
            .field("status", .string, .required)
            .field("note", .string)
            .field("closed_by", .string)
            .field("closed_at", .datetime)
            .field("created_at", .datetime, .required)
            .unique(on: "source", "record_id")
            .create()
        try await database.schema(SatisfactionSettings.schema)
            .id()
            .field("minimum_responses", .int, .required)
            .field("survey_days", .int, .required)
            .field("follow_up_at_or_below", .int, .required)
            .field("rating_window_minutes", .int, .required)
            .create()
        let sql = database.sql
        try await Self.createCounts(on: sql)
        for kept in Self.allKept { try await kept.install(on: sql) }
        // Tickets already served before this migration: what could have been rated (none was).
        try await sql.raw("""
            INSERT INTO \(unsafeRaw: Self.counts) (month, source, question, branch_id, counter_id, officer_id, service_id, case_type, channel, score, n)
            SELECT SUBSTR(service_date, 1, 7), 'counter', 'served', branch_id, counter_id, officer_id, service_id, '', 'counter', 0, COUNT(*) FROM tickets
            WHERE status = 'done' AND counter_id IS NOT NULL AND officer_id IS NOT NULL
            GROUP BY SUBSTR(service_date, 1, 7), branch_id, counter_id, officer_id, service_id
            """).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for kept in Self.allKept { try await kept.remove(on: sql) }
        for table in [Self.counts, SatisfactionSettings.schema, SatisfactionFollowUp.schema, CaseSurvey.schema, RatingDevice.schema, CounterRating.schema] {
            try await sql.drop(table: table).run()
        }
    }
}
