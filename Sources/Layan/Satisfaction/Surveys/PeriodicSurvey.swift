import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// A periodic satisfaction survey (issue #20): built from a template (PKPA's 14 quality items ship ready), shared by
/// link and QR, answered on a phone or on paper. Changing an open survey's items makes a new version; items are
/// retired, never deleted, so past answers keep their questions.
final class PeriodicSurvey: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "periodic_surveys"

    enum Status: String, Codable, Sendable { case draft, open, closed }

    @ID(key: .id) var id: UUID?
    /// The short name in its public link (`/tinjauan-berkala/<code>`).
    @Field(key: "code") var code: String
    @Field(key: "title_ms") var titleMS: String
    @Field(key: "title_en") var titleEN: String
    @Field(key: "status") var status: Status
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    func title(in language: Language) -> String { language == .en ? titleEN : titleMS }
}

final class PeriodicSurveyItem: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "periodic_survey_items"

    @ID(key: .id) var id: UUID?
    @Field(key: "survey_id") var surveyID: UUID
    @Field(key: "position") var position: Int
    @Field(key: "kind") var kind: SurveyItemKind
    @OptionalField(key: "quality") var quality: QualityItem?
    @Field(key: "text_ms") var textMS: String
    @Field(key: "text_en") var textEN: String
    /// A choice's options, one per line.
    @Field(key: "choices_ms") var choicesMS: String
    @Field(key: "choices_en") var choicesEN: String
    @Field(key: "added_in") var addedIn: Int
    @OptionalField(key: "retired_in") var retiredIn: Int?

    init() {}

    func text(in language: Language) -> String { language == .en ? textEN : textMS }
    func choices(in language: Language) -> [String] {
        (language == .en ? choicesEN : choicesMS).split(separator: "\n").map(String.init)
    }
    /// Asked in `version`: added by then and not yet retired.
    func asked(in version: Int) -> Bool { addedIn <= version && (retiredIn.map { version < $0 } ?? true) }
}

final class PeriodicSurveyResponse: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "periodic_survey_responses"

    enum Channel: String, Codable, Sendable { case web, paper, api }

    @ID(key: .id) var id: UUID?
    @Field(key: "survey_id") var surveyID: UUID
    @Field(key: "version") var version: Int
    @Field(key: "channel") var channel: Channel
    @Field(key: "branch_id") var branchID: UUID
    @Field(key: "day") var day: String
    @Field(key: "submitted_at") var submittedAt: Date
    /// The officer who typed in a paper form (never the respondent: they stay anonymous).
    @OptionalField(key: "entered_by") var enteredBy: String?

    init() {}
}

/// One answer; the survey, day and branch are repeated on it so the database can keep its counts.
final class PeriodicSurveyAnswer: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "periodic_survey_answers"

    @ID(key: .id) var id: UUID?
    @Field(key: "response_id") var responseID: UUID
    @Field(key: "survey_id") var surveyID: UUID
    @Field(key: "item_id") var itemID: UUID
    @Field(key: "day") var day: String
    @Field(key: "branch_id") var branchID: UUID
    @OptionalField(key: "expectation") var expectation: Int?
    @OptionalField(key: "perception") var perception: Int?
    /// A score, or a choice's index.
    @OptionalField(key: "value") var value: Int?
    @OptionalField(key: "text") var text: String?

    init() {}
}

struct CreatePeriodicSurveys: AsyncMigration {
    /// Answers per survey, item, month and branch by their scores (-1 for none): what the results read.
    static let counts = "periodic_survey_counts"

    static let kept = KeptCount(
        source: PeriodicSurveyAnswer.schema, watched: "expectation, perception, value", sqliteTriggerPrefix: "periodic_answers_counted",
        postgresFunction: "layan_periodic_answers_counted", postgresTrigger: "periodic_answers_counted",
        counts: { "(\($0).expectation IS NOT NULL OR \($0).perception IS NOT NULL OR \($0).value IS NOT NULL)" },
        counter: .init(table: counts, columns: "survey_id, item_id, month, branch_id, expectation, perception, value, n") { row in
            "\(row).survey_id, \(row).item_id, SUBSTR(\(row).day, 1, 7), \(row).branch_id, COALESCE(\(row).expectation, -1), "
                + "COALESCE(\(row).perception, -1), COALESCE(\(row).value, -1), 0"
        },
        adjust: { row, delta in
            "UPDATE \(counts) SET n = n \(delta) 1 WHERE survey_id = \(row).survey_id AND item_id = \(row).item_id AND month = SUBSTR(\(row).day, 1, 7) "
                + "AND branch_id = \(row).branch_id AND expectation = COALESCE(\(row).expectation, -1) AND perception = COALESCE(\(row).perception, -1) "
                + "AND value = COALESCE(\(row).value, -1);"
        })

    func prepare(on database: any Database) async throws {
        try await database.schema(PeriodicSurvey.schema)
            .id()
            .field("code", .string, .required)
            .field("title_ms", .string, .required)
            .field("title_en", .string, .required)
            .field("status", .string, .required)
            .field("version", .int, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "code")
            .create()
        try await database.schema(PeriodicSurveyItem.schema)
            .id()
            .field("survey_id", .uuid, .required, .references(PeriodicSurvey.schema, .id, onDelete: .cascade))
            .field("position", .int, .required)
            .field("kind", .string, .required)
            .field("quality", .string)
            .field("text_ms", .string, .required)
            .field("text_en", .string, .required)
            .field("choices_ms", .string, .required)
            .field("choices_en", .string, .required)
            .field("added_in", .int, .required)
            .field("retired_in", .int)
            .create()
        try await database.schema(PeriodicSurveyResponse.schema)
            .id()
            .field("survey_id", .uuid, .required, .references(PeriodicSurvey.schema, .id, onDelete: .cascade))
            .field("version", .int, .required)
            .field("channel", .string, .required)
            .field("branch_id", .uuid, .required)
            .field("day", .string, .required)
            .field("submitted_at", .datetime, .required)
            .field("entered_by", .string)
            .create()
        try await database.schema(PeriodicSurveyAnswer.schema)
            .id()
            .field("response_id", .uuid, .required, .references(PeriodicSurveyResponse.schema, .id, onDelete: .cascade))
            .field("survey_id", .uuid, .required)
            .field("item_id", .uuid, .required)
            .field("day", .string, .required)
            .field("branch_id", .uuid, .required)
            .field("expectation", .int)
            .field("perception", .int)
            .field("value", .int)
            .field("text", .string)
            .create()
        let sql = database.sql
        try await sql.raw("""
            CREATE TABLE \(unsafeRaw: Self.counts) (survey_id UUID NOT NULL, item_id UUID NOT NULL, month TEXT NOT NULL, branch_id UUID NOT NULL,
              expectation BIGINT NOT NULL, perception BIGINT NOT NULL, value BIGINT NOT NULL, n BIGINT NOT NULL,
              PRIMARY KEY (survey_id, item_id, month, branch_id, expectation, perception, value))
            """).run()
        try await Self.kept.install(on: sql)
        try await sql.raw("CREATE INDEX periodic_survey_responses_day ON \(unsafeRaw: PeriodicSurveyResponse.schema) (survey_id, day)").run()
        try await sql.raw("CREATE INDEX periodic_survey_answers_text ON \(unsafeRaw: PeriodicSurveyAnswer.schema) (survey_id, day) WHERE text IS NOT NULL").run()
    }

    func revert(on database: any Database) async throws {
        try await Self.kept.remove(on: database.sql)
        try await database.sql.drop(table: Self.counts).run()
        for schema in [PeriodicSurveyAnswer.schema, PeriodicSurveyResponse.schema, PeriodicSurveyItem.schema, PeriodicSurvey.schema] {
            try await database.schema(schema).delete()
        }
    }
}
