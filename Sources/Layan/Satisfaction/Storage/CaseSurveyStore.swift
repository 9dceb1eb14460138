import Foundation
import SQLKit

/// Writes a case survey's answers.
enum CaseSurveyStore {
    /// Answers survey `id` if it is still unanswered, compare-and-set: false when someone answered it first, on any
    /// instance (issue #20: the survey is single-use).
    static func answer(_ id: UUID, at now: Date, outcome: Int, timeTaken: Int?, manner: Int?, useAgain: Bool?, comment: String?,
                       on sql: any SQLDatabase) async throws -> Bool {
        try await !sql.update(CaseSurvey.schema)
            .set("answered_at", to: now).set("outcome", to: outcome).set("time_taken", to: timeTaken).set("manner", to: manner)
            .set("use_again", to: useAgain).set("comment", to: comment)
            .where("id", .equal, id).where("answered_at", .is, SQLLiteral.null)
            .returning("id").all().isEmpty
    }
}
