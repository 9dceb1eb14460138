import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// Reads satisfaction from the monthly counts the database keeps by report line (`RollUpSatisfactionCounts`): per month, branch, counter,
/// officer, service or channel, the answers on the 1–5 scale, how many could have answered, and the reasons given.
/// A rating counts in the month of its ticket's service day, a case survey in the month it was sent (Malaysian time).
struct SatisfactionFigures {
    let db: any Database

    enum Dimension: String, CaseIterable, Sendable, Codable {
        case month, branch, counter, officer, service, channel
        var catalogueKey: String { "satisfaction.by.\(rawValue)" }
    }

    enum Source: String, CaseIterable, Sendable, Codable {
        case counter, `case`
    }

    struct Filter: Sendable {
        var from: LocalDate
        /// Exclusive.
        var until: LocalDate
        var branchID: UUID?
        var source: Source?
    }

    /// One line of a report: a month, branch, counter, officer, service or channel.
    struct Line: Sendable, Equatable {
        let key: String
        /// Answers on the 1–5 scale: the counter's one question and the case survey's three.
        var tally = SatisfactionTally()
        /// The survey's answers per question (`outcome`, `time_taken`, `manner`).
        var questions: [String: SatisfactionTally] = [:]
        /// Ratings and answered surveys: people, not answers.
        var respondents = 0
        /// Tickets served and surveys sent: who could have answered.
        var eligible = 0
        var wouldUseAgain = 0
        var useAgainAnswers = 0
        /// Reasons given with counter ratings, by reason.
        var reasons: [RatingReason: Int] = [:]

        var responseRate: Double? { eligible == 0 ? nil : (Double(min(respondents, eligible)) / Double(eligible) * 1000).rounded() / 10 }
    }

    /// Every line of `dimension` within `filter`, one query over the kept counts.
    func lines(by dimension: Dimension, _ filter: Filter) async throws -> [Line] {
        // A report by month adds up the branches' rows; every other reads its own.
        let kept: RollUpSatisfactionCounts.Dimension = switch dimension {
        case .month, .branch: .branch
        case .counter: .counter
        case .officer: .officer
        case .service: .service
        case .channel: .channel
        }
        let key = SQLColumn(dimension == .month ? "month" : "k")
        var query = db.sql.select().column(key, as: "k").column("source").column("question").column("score")
            .column(SQLRaw("CAST(SUM(n) AS BIGINT)"), as: "n")
            .from(RollUpSatisfactionCounts.table)
            .where("dimension", .equal, SQLBind(kept.rawValue))
            // Whole months: the counts are kept by month.
            .where("month", .greaterThanOrEqual, SQLBind(CharterMonth(containing: filter.from).key))
            .where("month", .lessThanOrEqual, SQLBind(CharterMonth(containing: filter.until.adding(days: -1)).key))
        if let branch = filter.branchID { query = query.where("branch_id", .equal, SQLBind(branch)) }
        if let source = filter.source { query = query.where("source", .equal, SQLBind(source.rawValue)) }
        query = query.groupBy(key).groupBy("source").groupBy("question").groupBy("score")
        var lines: [String: Line] = [:]
        for row in try await query.all() {
            let k = try Self.key(row), question = try row.decode(column: "question", as: String.self)
            let score = try row.decode(column: "score", as: Int.self), n = try row.decode(column: "n", as: Int.self)
            var line = lines[k] ?? Line(key: k)
            Self.add(question: question, score: score, n: n, to: &line)
            lines[k] = line
        }
        return lines.values.sorted { $0.key < $1.key }
    }

    /// The lines added up: the whole period, branch or agency.
    static func total(_ lines: [Line]) -> Line {
        lines.reduce(into: Line(key: "")) { sum, line in
            sum.tally = sum.tally + line.tally
            for (q, t) in line.questions { sum.questions[q] = (sum.questions[q] ?? SatisfactionTally()) + t }
            sum.respondents += line.respondents; sum.eligible += line.eligible
            sum.wouldUseAgain += line.wouldUseAgain; sum.useAgainAnswers += line.useAgainAnswers
            for (r, n) in line.reasons { sum.reasons[r, default: 0] += n }
        }
    }

    static func add(question: String, score: Int, n: Int, to line: inout Line) {
        switch question {
        case "overall":
            line.tally.add(score: score, count: n); line.respondents += n
        case "outcome", "time_taken", "manner":
            line.tally.add(score: score, count: n)
            line.questions[question, default: SatisfactionTally()].add(score: score, count: n)
            if question == "outcome" { line.respondents += n }
        case "served", "sent":
            line.eligible += n
        case "use_again":
            line.useAgainAnswers += n
            if score == 1 { line.wouldUseAgain += n }
        default:
            if question.hasPrefix("reason:"), let reason = RatingReason(rawValue: String(question.dropFirst(7))) { line.reasons[reason, default: 0] += n }
        }
    }

    /// Both engines' spelling of an id: PostgreSQL's lower-case UUID text, SQLite's stored upper-case.
    private static func key(_ row: any SQLRow) throws -> String {
        if let uuid = try? row.decode(column: "k", as: UUID.self) { return uuid.uuidString }
        let text = try row.decode(column: "k", as: String.self)
        return UUID(uuidString: text)?.uuidString ?? text
    }
}
