import Fluent
import Foundation
import LayanCore
import Vapor

/// Satisfaction in the JSON API (issue #20): a counter rating from any screen holding the ticket's key, a case
/// survey's answers through its signed link, and the report by period, branch and dimension.
struct SatisfactionAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        // The ticket's secret key and the survey's signed link prove the customer; no session, no token.
        routes.access(.integration("ticket key")).post(.api(.ticketRating(":ticketID")), use: rate)
        routes.access(.integration("signed survey link")).post(.api(.surveyResponse), use: answer)
        routes.access(.api(.satisfactionRead)).get(.api(.satisfactionReport), use: report)
    }

    struct RatingInput: Content { var key: String; var score: Int; var reason: RatingReason?; var comment: String? }
    struct RatingDTO: Content { let id: UUID; let ticketId: UUID; let score: Int; let reason: RatingReason?; let ratedAt: Date }

    /// The proof an integration route needs first: without it, or with a wrong one, the caller is refused (403).
    struct NoProof: CatalogueError {
        var status: HTTPResponseStatus { .forbidden }
        var catalogueKey: String { "rating.error.noProof" }
    }

    func rate(req: Request) async throws -> Response {
        guard let key = try? req.content.get(String.self, at: "key"), let ticket = try? await RatingController.ticket(req, key: key) else { throw NoProof() }
        let input = try req.content.decode(RatingInput.self)
        let rating = try await SatisfactionEngine(app: req.application).rate(ticket, score: input.score, reason: input.reason, comment: input.comment,
                                                                              via: .api, device: nil, staff: req.staff)
        return try await RatingDTO(id: rating.id!, ticketId: rating.ticketID, score: rating.score, reason: rating.reason, ratedAt: rating.ratedAt)
            .encodeResponse(status: .created, for: req)
    }

    /// A case survey's answers (`token` and the three scores), or a periodic survey's (`survey` and `answers`).
    struct SurveyInput: Content {
        var token: String?
        var outcome: Int?
        var timeTaken: Int?
        var manner: Int?
        var useAgain: Bool?
        var comment: String?
        var survey: String?
        var branch: String?
        var answers: [PeriodicAnswer]?
    }
    struct PeriodicAnswer: Content { var item: UUID; var expectation: Int?; var perception: Int?; var value: Int?; var text: String? }
    struct SurveyDTO: Content { let id: UUID; let answeredAt: Date }

    func answer(req: Request) async throws -> Response {
        // The proof first: a genuine case survey link, or the code of an open periodic survey.
        let token = try? req.content.get(String.self, at: "token")
        let code = try? req.content.get(String.self, at: "survey")
        var periodic: PeriodicSurvey?
        if let code { periodic = try await PeriodicSurvey.query(on: req.db).filter(\.$code == code.lowercased()).filter(\.$status == .open).first() }
        let genuine = token.map { req.application.surveyLink.check($0, now: req.application.clock.now()) != .invalid } ?? false
        guard genuine || periodic != nil else { throw NoProof() }
        let input = try req.content.decode(SurveyInput.self)
        if let periodic, !genuine {
            var branchID: UUID?
            if let branch = input.branch, !branch.isEmpty {
                guard let found = try await Branch.query(on: req.db).filter(\.$code == branch.uppercased()).first() else {
                    throw ValidationFailure(["branch": "no branch has this code"], reason: "Unknown branch \(branch)")
                }
                branchID = found.id
            }
            let answers = Dictionary((input.answers ?? []).map { ($0.item, PeriodicSurveys.Answer(expectation: $0.expectation, perception: $0.perception,
                                                                                                   value: $0.value, text: $0.text)) },
                                     uniquingKeysWith: { a, _ in a })
            do {
                let response = try await PeriodicSurveys(app: req.application).submit(periodic, answers: answers, channel: .api, branchID: branchID, enteredBy: nil)
                return try await SurveyDTO(id: response.id!, answeredAt: response.submittedAt).encodeResponse(status: .created, for: req)
            } catch let failure as PeriodicSurveys.Failure {
                throw ValidationFailure(["answers": "\(failure)"], reason: "The answers do not fit the survey's questions and scales")
            }
        }
        guard let token, let outcome = input.outcome, let timeTaken = input.timeTaken, let manner = input.manner else {
            throw ValidationFailure(["outcome": "outcome, timeTaken and manner are each 1–5"], reason: "A case survey's three answers are needed")
        }
        let survey = try await CaseSurveys(app: req.application).answer(token: token, .init(
            outcome: outcome, timeTaken: timeTaken, manner: manner, useAgain: input.useAgain, comment: input.comment))
        return try await SurveyDTO(id: survey.id!, answeredAt: survey.answeredAt!).encodeResponse(status: .created, for: req)
    }

    struct FigureDTO: Content {
        let key: String
        let label: String
        let respondents: Int
        let eligible: Int
        let responseRate: Double?
        let suppressed: Bool
        let index: Double?
        let margin: Double?
        let stars: Int?
        let shareSatisfied: Double?
        let mean: Double?

        init(_ line: SatisfactionReport.Line) {
            let t = line.figures.tally, shown = !line.suppressed
            key = line.key; label = line.label; respondents = line.figures.respondents; eligible = line.figures.eligible
            responseRate = shown ? line.figures.responseRate : nil; suppressed = line.suppressed
            index = shown ? t.index : nil; margin = shown ? t.indexMargin : nil; stars = shown ? t.stars?.stars : nil
            shareSatisfied = shown ? t.shareSatisfied : nil; mean = shown ? t.mean.map { ($0 * 100).rounded() / 100 } : nil
        }
    }
    struct ReportDTO: Content {
        let from: String
        let to: String
        let branch: String?
        let source: String?
        let by: String
        let minimumResponses: Int
        let total: FigureDTO
        let lines: [FigureDTO]
        let reasons: [String: Int]
    }

    func report(req: Request) async throws -> ReportDTO {
        let (filter, by, code) = try await SatisfactionDeskController.query(req)
        let report = try await SatisfactionReport.read(filter, by: by, app: req.application, language: req.language)
        return ReportDTO(from: CharterMonth(containing: filter.from).key, to: CharterMonth(containing: filter.until.adding(days: -1)).key,
                         branch: code.isEmpty ? nil : code, source: filter.source?.rawValue, by: by.rawValue, minimumResponses: report.minimumResponses,
                         total: FigureDTO(report.total), lines: report.lines.map(FigureDTO.init),
                         reasons: Dictionary(report.total.figures.reasons.map { ($0.key.rawValue, $0.value) }, uniquingKeysWith: +))
    }
}
