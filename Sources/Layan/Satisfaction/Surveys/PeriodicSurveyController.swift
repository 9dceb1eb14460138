import Fluent
import Foundation
import LayanCore
import Vapor

/// The periodic survey in public (issue #20): the form on a phone by link or QR, the same form printable on A4 for
/// paper, and thanks. Anonymous; one response per browser (a second is not counted twice).
struct PeriodicSurveyController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let open = routes.access(.anyone)
        open.get(.satisfaction(.periodic(":code")), use: form)
        open.post(.satisfaction(.periodic(":code")), use: submit)
        open.get(.satisfaction(.periodicQR(":code")), use: qr)
        open.get(.satisfaction(.periodicPrint(":code")), use: printable)
    }

    struct Page: Encodable, Sendable {
        let layout: LayoutContext
        let form: PeriodicSurveyForm
        let state: String
        let action: String
        let csrf: String
        let printHref: String
        let error: String?
        let paper: Bool
    }

    static func survey(_ req: Request) async throws -> PeriodicSurvey {
        guard let code = req.parameters.get("code")?.lowercased(),
              let survey = try await PeriodicSurvey.query(on: req.db).filter(\.$code == code).first(), survey.status != .draft else {
            throw Abort(.notFound)
        }
        return survey
    }

    static func cookie(_ survey: PeriodicSurvey) -> String { "layan_survey_\(survey.id!.uuidString.prefix(8).lowercased())" }

    func form(req: Request) async throws -> Response {
        try await page(req, error: nil, paper: false)
    }

    func printable(req: Request) async throws -> Response {
        try await page(req, error: nil, paper: true)
    }

    private func page(_ req: Request, error: String?, paper: Bool, status: HTTPResponseStatus = .ok) async throws -> Response {
        let survey = try await Self.survey(req)
        let items = try await PeriodicSurveys(app: req.application).asked(survey)
        let state = survey.status == .closed ? "closed" : (req.cookies[Self.cookie(survey)] != nil && !paper ? "answered" : "open")
        return try await req.render("Satisfaction/periodic", Page(
            layout: await LayoutContext.make(for: req, title: survey.title(in: req.language)),
            form: PeriodicSurveyForm(survey, items: items, branches: try await Branch.query(on: req.db).sort(\.$code).all(), req),
            state: state, action: SiteURL.satisfaction(.periodic(survey.code)).path, csrf: try await req.csrfToken(),
            printHref: SiteURL.satisfaction(.periodicPrint(survey.code)).path, error: error, paper: paper), status: status)
    }

    func submit(req: Request) async throws -> Response {
        let survey = try await Self.survey(req)
        if req.cookies[Self.cookie(survey)] != nil { return req.seeOther(SiteURL.satisfaction(.periodic(survey.code)).path) }
        let engine = PeriodicSurveys(app: req.application)
        let fields = req.formFields()
        var branch: UUID?
        if let code = fields["branch"], !code.isEmpty { branch = try await Branch.query(on: req.db).filter(\.$code == code).first()?.id }
        do {
            _ = try await engine.submit(survey, answers: PeriodicSurveyForm.answers(fields, items: try await engine.asked(survey)), channel: .web,
                                        branchID: branch, enteredBy: nil)
        } catch PeriodicSurveys.Failure.empty {
            return try await page(req, error: req.t("survey.periodic.empty"), paper: false, status: .unprocessableEntity)
        } catch PeriodicSurveys.Failure.invalid {
            return try await page(req, error: req.t("survey.periodic.invalid"), paper: false, status: .unprocessableEntity)
        } catch PeriodicSurveys.Failure.closed {
            return try await page(req, error: req.t("survey.periodic.closed"), paper: false, status: .unprocessableEntity)
        }
        let response = req.seeOther(SiteURL.satisfaction(.periodic(survey.code)).path)
        response.cookies[Self.cookie(survey)] = HTTPCookies.Value(string: "1", maxAge: 180 * 86_400, path: "/", isSecure: req.application.settings.behindHTTPS,
                                                                   isHTTPOnly: true, sameSite: .lax)
        return response
    }

    func qr(req: Request) async throws -> Response {
        let survey = try await Self.survey(req)
        let base = req.application.settings.messaging.publicBaseURL
        let svg = try QRCode(text: base + SiteURL.satisfaction(.periodic(survey.code)).path, errorCorrection: .medium).svg(moduleSize: 6, title: survey.titleMS)
        return Response(status: .ok, headers: ["Content-Type": "image/svg+xml", "Cache-Control": "public, max-age=3600"], body: .init(string: svg))
    }
}
