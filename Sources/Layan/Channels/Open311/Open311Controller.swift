import Foundation
import LayanCore
import Vapor

/// Open311 GeoReport v2 under `/open311/v2` (issue #17, item 1): discovery, services, service definitions,
/// requests (GET and POST) and tokens, each in `.json` and `.xml`, errors in the spec's own shape. Reading is
/// open to anyone, as the spec has it; filing needs an API token with the `open311` scope sent as `api_key`.
struct Open311Controller: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let open = routes.access(.anyone)
        for format in Open311Format.allCases {
            open.get(.open311(.discovery(format.rawValue))) { req in await answer(req, format, root: "discovery") { try await discovery(req) } }
            open.get(.open311(.services(format.rawValue))) { req in
                await answer(req, format, root: "services") { try checkJurisdiction(req); return try await Open311Desk(request: req).servicesDocument() }
            }
            open.get(.open311(.requests(format.rawValue))) { req in await answer(req, format, root: "service_requests") { try await listRequests(req) } }
            // Form-encoded, as the spec has it; 64 KB holds a 4,000-character description percent-encoded in any script.
            routes.access(.integration("api_key")).on(.POST, SiteURL.open311(.requests(format.rawValue)).pattern, body: .collect(maxSize: "64kb")) { req in
                await answer(req, format, root: "service_requests") { try await fileRequest(req) }
            }
        }
        open.get(.open311(.service(":file")), use: serviceDefinition)
        open.get(.open311(.request(":file")), use: oneRequest)
        open.get(.open311(.token(":file")), use: token)
        // Another method on these paths is 405 with their Allow (AllowedMethods), as everywhere else.
        open.get(.open311(.anyOther)) { req in
            let format = req.url.path.hasSuffix(".json") ? Open311Format.json : .xml
            return await answer(req, format, root: Open311Error.rootElement) { throw Open311Error(404, "No such Open311 resource") }
        }
    }

    /// The answer in the asked format; an `Open311Error` (and a refusal Vapor raised, such as a body too large)
    /// as the spec's error list. Anything else goes on to the error middleware.
    func answer(_ req: Request, _ format: Open311Format, root: String, status: HTTPStatus = .ok,
                _ document: () async throws -> Open311Value) async -> Response {
        var root = root
        var status = status
        let value: Open311Value
        do {
            value = try await document()
        } catch let error as Open311Error {
            (value, root, status) = (error.document, Open311Error.rootElement, HTTPStatus(statusCode: error.status))
        } catch let abort as any AbortError where abort.status.code < 500 {
            (value, root, status) = (Open311Error(Int(abort.status.code), abort.reason).document, Open311Error.rootElement, abort.status)
        } catch {
            req.logger.report(error: error)
            (value, root, status) = (Open311Error(503, "The service is unavailable; try again shortly").document, Open311Error.rootElement, .serviceUnavailable)
        }
        let body = format == .json ? value.json : value.xml(root: root)
        var headers = HTTPHeaders([("Content-Type", format.contentType)])
        if status == .serviceUnavailable { headers.add(name: .retryAfter, value: "5") }
        return Response(status: status, headers: headers, body: .init(string: body))
    }

    func file(_ req: Request) throws -> (name: String, format: Open311Format) {
        guard let file = req.parameters.get("file"), let split = Open311Format.split(file) else {
            throw Open311Error(404, "Name the resource with .json or .xml")
        }
        return split
    }

    func formatOf(_ req: Request) -> Open311Format {
        req.parameters.get("file").flatMap(Open311Format.split)?.format ?? .xml
    }

    func discovery(_ req: Request) async throws -> Open311Value {
        let desk = Open311Desk(request: req)
        return await desk.discoveryDocument(changeset: try await desk.changeset())
    }

    func serviceDefinition(_ req: Request) async -> Response {
        await answer(req, formatOf(req), root: "service_definition") {
            let (code, _) = try file(req)
            let desk = Open311Desk(request: req)
            try checkJurisdiction(req)
            guard let service = try await desk.publishedService(code: code) else { throw Open311Error(404, "service_code \(code) not found") }
            return desk.definitionDocument(service)
        }
    }

    func listRequests(_ req: Request) async throws -> Open311Value {
        try checkJurisdiction(req)
        let query = try Open311RequestQuery.read({ req.query[String.self, at: $0] }, now: req.application.clock.now()).get()
        return try await Open311Desk(request: req).requestsDocument(query)
    }

    func oneRequest(_ req: Request) async -> Response {
        await answer(req, formatOf(req), root: "service_requests") {
            let (id, _) = try file(req)
            try checkJurisdiction(req)
            guard let found = try await Open311Desk(request: req).requestDocument(reference: id) else {
                throw Open311Error(404, "service_request_id \(id) not found")
            }
            return found
        }
    }

    func token(_ req: Request) async -> Response {
        await answer(req, formatOf(req), root: "service_requests") {
            let (token, _) = try file(req)
            try checkJurisdiction(req)
            guard let found = try await Open311Desk(request: req).tokenDocument(token) else { throw Open311Error(404, "token \(token) not found") }
            return found
        }
    }

    func fileRequest(_ req: Request) async throws -> Open311Value {
        guard req.headers.contentType.map({ $0.type == "application" && $0.subType == "x-www-form-urlencoded" }) ?? true else {
            throw Open311Error(400, "Send the request as application/x-www-form-urlencoded")
        }
        let text = req.body.data.map { String(decoding: $0.readableBytesView, as: UTF8.self) } ?? ""
        var provider = "open311"
        var submission: Open311Submission?
        do {
            guard let pairs = FormPairs.parse(text[...]) else { throw Open311Error(400, "The form is not percent-encoded UTF-8") }
            let submitted = Open311Submission(pairs: pairs)
            submission = submitted
            guard let key = submitted.apiKey else { throw Open311Error(403, "api_key is required to file a service request") }
            let client: APIClient
            do { client = try await APITokenAuthenticator.authenticate(secret: key, on: req) } catch {
                throw Open311Error(403, "api_key is not valid")
            }
            provider += ": " + client.name
            guard client.scopes.contains(.open311) else { throw Open311Error(403, "api_key may not file service requests (it lacks the open311 scope)") }
            return try await Open311Desk(request: req).file(submitted, client: client.name)
        } catch let refused as Open311Error {
            // A refusal is on the intake log too, with the reason, so staff see what was turned away and why.
            try await IntakeEntry.record(.init(at: req.application.clock.now(), channel: .open311, provider: provider,
                                               sender: submission?.deviceID ?? req.clientAddress,
                                               summary: [submission?.serviceCode, submission?.description].compactMap { $0 }.joined(separator: ": "),
                                               outcome: .refused, reason: refused.descriptions.joined(separator: "; ")), on: req.db)
            throw refused
        }
    }

    /// A client that names a jurisdiction must name ours (the spec: `jurisdiction_id` not found is an error). The
    /// query is checked here too, as every reading resource calls this first: no parameter holds control characters.
    func checkJurisdiction(_ req: Request) throws {
        if let query = req.url.query, let pairs = FormPairs.parse(query[...]) {
            // The same rule as every form's text: no control characters but line breaks and tabs.
            for (name, value) in pairs where FormValidator.textProblem(value, max: .max, required: false) != nil {
                throw Open311Error(400, "\(name) holds control characters")
            }
        } else if req.url.query != nil {
            throw Open311Error(400, "The query is not percent-encoded UTF-8")
        }
        if let given = req.query[String.self, at: "jurisdiction_id"], !given.isEmpty, given != req.application.settings.open311Jurisdiction {
            throw Open311Error(404, "jurisdiction_id \(given) not found")
        }
    }
}
