import Fluent
import Foundation
import LayanCore
import Vapor

/// Where customers answer (issue #20): the counter's rating tablet, the faces on their own ticket page, and the
/// survey of a resolved case. Five faces by touch, in ms/en, no typing needed; an optional reason, then thanks.
struct RatingController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let open = routes.access(.anyone)
        open.get(.satisfaction(.tablet), use: tablet)
        open.post(.satisfaction(.tabletScore), use: tabletScore)
        open.post(.satisfaction(.tabletReason), use: tabletReason)
        open.post(.satisfaction(.ticketRating(":ticketID")), use: ticketRating)
        open.post(.satisfaction(.ticketReason(":ticketID")), use: ticketReason)
        open.get(.satisfaction(.survey(":token")), use: survey)
        open.post(.satisfaction(.survey(":token")), use: answerSurvey)
    }

    /// The tablet's cookie: its id and secret (set when a supervisor pairs it).
    static let tabletCookie = "layan_tablet"

    struct Face: Encodable, Sendable { let score: Int; let symbol: String; let label: String }
    struct ReasonChoice: Encodable, Sendable { let value: String; let label: String }

    static let symbols = ["😠", "🙁", "😐", "🙂", "😄"]

    static func faces(_ req: Request) -> [Face] {
        (1...5).reversed().map { Face(score: $0, symbol: symbols[$0 - 1], label: req.t("rating.face.\($0)")) }
    }

    static func reasons(for score: Int, _ req: Request) -> [ReasonChoice] {
        RatingReason.offered(for: score).map { ReasonChoice(value: $0.rawValue, label: req.t($0.catalogueKey)) }
    }

    // MARK: The counter's tablet

    struct TabletPage: Encodable, Sendable {
        let layout: LayoutContext
        /// paired, ticket, reason, thanks
        let state: String
        let counter: Int?
        let ticket: String?
        let ticketID: String?
        let faces: [Face]
        let ratingID: String?
        let reasons: [ReasonChoice]
        let refreshSeconds: Int
        let refreshHref: String
        let scoreAction: String
        let reasonAction: String
        let csrf: String
    }

    func tablet(req: Request) async throws -> Response {
        let engine = SatisfactionEngine(app: req.application)
        let device = try await engine.device(cookie: req.cookies[Self.tabletCookie]?.string)
        var state = "unpaired", ticket: Ticket?, ratingID: String?, reasons: [ReasonChoice] = [], counter: Int?, refresh = 5
        if let device {
            counter = try await device.$counter.get(on: req.db).number
            if let id = req.query[UUID.self, at: "rating"], let rating = try await CounterRating.find(id, on: req.db), rating.deviceID == device.id,
               rating.reason == nil, req.application.clock.now().timeIntervalSince(rating.ratedAt) <= SatisfactionEngine.reasonWindow {
                state = "reason"; ratingID = id.uuidString; reasons = Self.reasons(for: rating.score, req); refresh = 30
            } else if req.query[String.self, at: "thanks"] == "1" {
                state = "thanks"; refresh = 4
            } else if let waiting = try await engine.ticketToRate(at: device) {
                state = "ticket"; ticket = waiting; refresh = 20
            } else {
                state = "idle"
            }
        }
        let page = TabletPage(layout: await LayoutContext.make(for: req, title: req.t("rating.tablet.title")), state: state, counter: counter,
                              ticket: ticket?.label, ticketID: ticket?.id?.uuidString, faces: Self.faces(req), ratingID: ratingID, reasons: reasons,
                              refreshSeconds: refresh, refreshHref: SiteURL.satisfaction(.tablet).path(["lang": req.language.rawValue]),
                              scoreAction: SiteURL.satisfaction(.tabletScore).path, reasonAction: SiteURL.satisfaction(.tabletReason).path,
                              csrf: try await req.csrfToken())
        let response = try await req.render("Satisfaction/tablet", page)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func tabletScore(req: Request) async throws -> Response {
        let engine = SatisfactionEngine(app: req.application)
        guard let device = try await engine.device(cookie: req.cookies[Self.tabletCookie]?.string) else { throw SatisfactionEngine.Failure.wrongCounter }
        let fields = req.formFields()
        guard let id = fields["ticket"].flatMap(UUID.init(uuidString:)), let ticket = try await Ticket.find(id, on: req.db) else {
            throw SatisfactionEngine.Failure.notServed
        }
        let rating = try await engine.rate(ticket, score: Int(fields["score"] ?? "") ?? 0, reason: nil, comment: nil, via: .tablet, device: device,
                                           staff: req.staff)
        return req.seeOther(SiteURL.satisfaction(.tablet).path(["rating": rating.id!.uuidString, "lang": req.language.rawValue]))
    }

    func tabletReason(req: Request) async throws -> Response {
        let engine = SatisfactionEngine(app: req.application)
        guard let device = try await engine.device(cookie: req.cookies[Self.tabletCookie]?.string) else { throw SatisfactionEngine.Failure.wrongCounter }
        let fields = req.formFields()
        if let id = fields["rating"].flatMap(UUID.init(uuidString:)), let reason = fields["reason"].flatMap(RatingReason.init(rawValue:)) {
            try await engine.addReason(to: id, reason: reason, comment: nil, device: device, ticketID: nil)
        }
        return req.seeOther(SiteURL.satisfaction(.tablet).path(["thanks": "1", "lang": req.language.rawValue]))
    }

    // MARK: The customer's own ticket page

    /// The ticket behind a rating form: only with its secret key, as its page.
    static func ticket(_ req: Request, key: String?) async throws -> Ticket {
        guard let id = req.parameters.get("ticketID", as: UUID.self), let ticket = try await Ticket.find(id, on: req.db),
              let key, CSRFMiddleware.constantTimeEqual(key, ticket.statusKey) else { throw SatisfactionEngine.Failure.notServed }
        return ticket
    }

    func ticketRating(req: Request) async throws -> Response {
        let fields = req.formFields()
        let ticket = try await Self.ticket(req, key: fields["k"])
        _ = try await SatisfactionEngine(app: req.application).rate(ticket, score: Int(fields["score"] ?? "") ?? 0, reason: nil, comment: nil,
                                                                     via: .phone, device: nil, staff: req.staff)
        return req.seeOther(QueueURL.ticket(ticket) + "#rating")
    }

    func ticketReason(req: Request) async throws -> Response {
        let fields = req.formFields()
        let ticket = try await Self.ticket(req, key: fields["k"])
        guard let rating = try await CounterRating.query(on: req.db).filter(\.$ticketID == ticket.id!).first() else { throw SatisfactionEngine.Failure.notServed }
        try await SatisfactionEngine(app: req.application).addReason(to: rating.id!, reason: fields["reason"].flatMap(RatingReason.init(rawValue:)),
                                                                     comment: fields["comment"], device: nil, ticketID: ticket.id)
        return req.seeOther(QueueURL.ticket(ticket) + "#rating")
    }

    /// What the ticket page shows about rating: the faces once served, the reason just after, thanks after that.
    struct TicketRating: Encodable, Sendable {
        let state: String
        let faces: [Face]
        let reasons: [ReasonChoice]
        let scoreAction: String
        let reasonAction: String
        let key: String
        let csrf: String
    }

    static func ticketRating(_ ticket: Ticket, _ req: Request) async throws -> TicketRating? {
        guard ticket.status == .done, let completed = ticket.completedAt else { return nil }
        let rating = try await CounterRating.query(on: req.db).filter(\.$ticketID == ticket.id!).first()
        let now = req.application.clock.now()
        let state: String
        if let rating {
            state = rating.reason == nil && rating.comment == nil && rating.deviceID == nil && now.timeIntervalSince(rating.ratedAt) <= SatisfactionEngine.reasonWindow
                ? "reason" : "thanks"
        } else {
            guard now.timeIntervalSince(completed) <= SatisfactionEngine.phoneWindow else { return nil }
            state = "faces"
        }
        return TicketRating(state: state, faces: faces(req), reasons: rating.map { reasons(for: $0.score, req) } ?? [],
                            scoreAction: SiteURL.satisfaction(.ticketRating(ticket.id!.uuidString)).path,
                            reasonAction: SiteURL.satisfaction(.ticketReason(ticket.id!.uuidString)).path, key: ticket.statusKey,
                            csrf: try await req.csrfToken())
    }

    // MARK: The case survey

    struct SurveyPage: Encodable, Sendable {
        let layout: LayoutContext
        /// open, answered, expired
        let state: String
        let reference: String
        let questions: [SurveyQuestion]
        let action: String
        let error: String?
        let csrf: String
    }
    struct SurveyQuestion: Encodable, Sendable { let name: String; let label: String; let faces: [Face] }

    func survey(req: Request) async throws -> Response {
        try await surveyPage(req, error: nil)
    }

    private func surveyPage(_ req: Request, error: String?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let (survey, check) = try await CaseSurveys(app: req.application).survey(token: token)
        let record = try await CaseRecord.find(survey.caseID, on: req.db)
        let state = survey.answeredAt != nil ? "answered" : (check == .valid(survey.id!) && survey.expiresAt > req.application.clock.now() ? "open" : "expired")
        let questions = ["outcome", "time_taken", "manner"].map { SurveyQuestion(name: $0, label: req.t("survey.case.\($0)"), faces: Self.faces(req)) }
        let response = try await req.render("Satisfaction/case-survey", SurveyPage(
            layout: await LayoutContext.make(for: req, title: req.t("survey.case.title")), state: state, reference: record?.reference ?? "",
            questions: questions, action: SiteURL.satisfaction(.survey(token)).path, error: error, csrf: try await req.csrfToken()), status: status)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func answerSurvey(req: Request) async throws -> Response {
        let fields = req.formFields()
        let scores = ["outcome", "time_taken", "manner"].map { fields[$0].flatMap { Int($0) } ?? 0 }
        guard scores.allSatisfy({ (1...5).contains($0) }) else {
            return try await surveyPage(req, error: req.t("survey.case.answerAll"), status: .unprocessableEntity)
        }
        let answers = CaseSurveys.Answers(outcome: scores[0], timeTaken: scores[1], manner: scores[2],
                                          useAgain: fields["useAgain"].map { $0 == "yes" ? true : $0 == "no" ? false : nil } ?? nil,
                                          comment: fields["comment"])
        _ = try await CaseSurveys(app: req.application).answer(token: req.parameters.get("token") ?? "", answers)
        return req.seeOther(SiteURL.satisfaction(.survey(req.parameters.get("token") ?? "")).path)
    }
}
