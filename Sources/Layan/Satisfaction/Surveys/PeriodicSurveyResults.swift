import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// A periodic survey's results over a period (and branch), from the counts the database keeps: per quality item the
/// mean expectation, perception and their gap (SERVQUAL), per group the gap of all its pairs, an index of
/// perceptions, NPS where "would you recommend" is asked, the mean effort, and how the demographic choices split.
struct PeriodicSurveyResults: Sendable {
    struct ItemResult: Sendable {
        let item: PeriodicSurveyItem
        var gap = ServqualGap()
        var perceptions = SatisfactionTally()
        var ratings = SatisfactionTally()
        var recommend = RecommendTally()
        var effortSum = 0
        var effortCount = 0
        var choices: [Int: Int] = [:]
    }

    let responses: Int
    let items: [ItemResult]

    /// The gap over every pair of a group's items.
    var groups: [(QualityGroup, ServqualGap)] {
        QualityGroup.allCases.map { group in
            (group, items.filter { $0.item.quality?.group == group }.reduce(ServqualGap()) { $0 + $1.gap })
        }
    }

    /// An index over every perception score: the service as customers found it, 0–100.
    var perceptionIndex: SatisfactionTally { items.reduce(SatisfactionTally()) { $0 + $1.perceptions + $1.ratings } }

    static func read(_ survey: PeriodicSurvey, from: CharterMonth, to: CharterMonth, branchID: UUID?, on db: any Database) async throws -> PeriodicSurveyResults {
        let all = try await PeriodicSurveyItem.query(on: db).filter(\.$surveyID == survey.id!).sort(\.$position).all()
        var results = Dictionary(all.map { ($0.id!, ItemResult(item: $0)) }, uniquingKeysWith: { a, _ in a })
        var query = db.sql.select().column("item_id").column("expectation").column("perception").column("value")
            .column(SQLRaw("CAST(SUM(n) AS BIGINT)"), as: "n")
            .from(CreatePeriodicSurveys.counts)
            .where("survey_id", .equal, SQLBind(survey.id!))
            .where("month", .greaterThanOrEqual, SQLBind(from.key)).where("month", .lessThanOrEqual, SQLBind(to.key))
        if let branchID { query = query.where("branch_id", .equal, SQLBind(branchID)) }
        for row in try await query.groupBy("item_id").groupBy("expectation").groupBy("perception").groupBy("value").all() {
            let id = try row.decode(column: "item_id", as: UUID.self)
            guard var result = results[id] else { continue }
            let e = try row.decode(column: "expectation", as: Int.self), p = try row.decode(column: "perception", as: Int.self)
            let v = try row.decode(column: "value", as: Int.self), n = try row.decode(column: "n", as: Int.self)
            switch result.item.kind {
            case .servqual:
                if e > 0, p > 0 { result.gap.add(expectation: e, perception: p, count: n) }
                if p > 0 { result.perceptions.add(score: p, count: n) }
            case .rating: result.ratings.add(score: v, count: n)
            case .recommend: result.recommend.add(v, count: n)
            case .effort: result.effortSum += v * n; result.effortCount += n
            case .choice: result.choices[v, default: 0] += n
            case .comment: break
            }
            results[id] = result
        }
        var responses = PeriodicSurveyResponse.query(on: db).filter(\.$surveyID == survey.id!)
            .filter(\.$day >= from.first.iso).filter(\.$day < to.next.iso)
        if let branchID { responses = responses.filter(\.$branchID == branchID) }
        return PeriodicSurveyResults(responses: try await responses.count(), items: all.compactMap { results[$0.id!] })
    }

    /// The latest comments, newest first (anonymous: text only).
    static func comments(_ survey: PeriodicSurvey, limit: Int = 50, on db: any Database) async throws -> [String] {
        try await PeriodicSurveyAnswer.query(on: db).filter(\.$surveyID == survey.id!).filter(\.$text != nil).sort(\.$day, .descending).limit(limit)
            .all().compactMap(\.text)
    }
}
