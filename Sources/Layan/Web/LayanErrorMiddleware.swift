import Fluent
import LayanCore
import LayanStorage
import Leaf
import Vapor

/// Turns every error into a clear answer: a problem body for the API, a bilingual page for people.
/// Nothing from outside should reach a 500; when something internal does fail, the log and the page
/// carry the same request id so support can find it.
struct LayanErrorMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            let (status, reason, fields) = Self.classify(error, request: request)
            if DatabaseUnavailable.matches(error) {
                request.logger.warning("Database unavailable: \(String(reflecting: error))", metadata: ["request-id": .string(request.id)])
            } else if StorageFull.matches(error) {
                // The operator must act (free or add space); each refused write says so in the log.
                request.logger.error("Storage full, write refused: \(String(reflecting: error))", metadata: ["request-id": .string(request.id)])
            } else if status.code >= 500 {
                request.logger.error("Internal error: \(String(reflecting: error))", metadata: ["request-id": .string(request.id)])
            } else {
                request.logger.debug("Request failed \(status.code): \(reason)", metadata: ["request-id": .string(request.id)])
            }
            let response: Response
            if Self.wantsJSON(request) {
                response = try await Problem(reason: reason, fields: fields, requestId: request.id)
                    .encodeResponse(status: status, for: request)
            } else {
                response = try await ErrorPage.render(status: status, reason: reason, for: request)
            }
            if DatabaseUnavailable.matches(error) { response.headers.replaceOrAdd(name: .retryAfter, value: "5") }
            if StorageFull.matches(error) { response.headers.replaceOrAdd(name: .retryAfter, value: "60") }
            if let abort = error as? any AbortError {
                for (name, value) in abort.headers where name.lowercased() != "content-type" && name.lowercased() != "content-length" {
                    response.headers.replaceOrAdd(name: name, value: value)
                }
            }
            return response
        }
    }

    static func wantsJSON(_ request: Request) -> Bool {
        // Machine clients' paths: the JSON API and Open311 (whose own errors its controller writes; these are the ones
        // raised before it, such as a path refused by RequestPathGuard or a body over the limit).
        if request.url.path.hasPrefix("/api/") || request.url.path.hasPrefix("/open311/") { return true }
        let accept = request.headers.first(name: .accept) ?? ""
        return accept.contains("application/json") && !accept.contains("text/html")
    }

    /// Status, reason and field messages for an error. Messages shown to clients never carry internals.
    static func classify(_ error: any Error, request: Request) -> (HTTPResponseStatus, String, [String: String]?) {
        let catalogue = request.application.catalogue
        switch error {
        case let failure as ValidationFailure:
            return (failure.status, failure.reason, failure.fieldErrors)
        case let invalid as CaseInvalid:
            // Field messages from the catalogue: both languages for the API, the visitor's on a page.
            let languages: [Language] = wantsJSON(request) ? [.ms, .en] : [request.language]
            let fields = invalid.problems.mapValues { key in languages.map { catalogue.text(key, $0) }.joined(separator: " / ") }
            return (.unprocessableEntity, languages.map { catalogue.text("error.badRequest", $0) }.joined(separator: " / "), fields)
        case let described as any CatalogueError:
            let reason = wantsJSON(request)
                ? [Language.ms, .en].map { catalogue.text(described.catalogueKey, $0, described.catalogueValues) }.joined(separator: " / ")
                : catalogue.text(described.catalogueKey, request.language, described.catalogueValues)
            return (described.status, reason, nil)
        case let validation as ValidationsError:
            var fields: [String: String] = [:]
            for failure in validation.failures where failure.result.isFailure {
                fields[failure.key.stringValue] = failure.result.failureDescription ?? "is invalid"
            }
            return (.unprocessableEntity, validation.description, fields)
        case let decoding as DecodingError:
            return (.badRequest, Self.describe(decoding), Self.field(of: decoding))
        case let abort as any AbortError:
            let reason = abort.status.code >= 500 ? catalogue.bilingual("error.internal") : abort.reason
            return (abort.status, reason, nil)
        case let full where StorageFull.matches(full):
            // The disk under the database is full: the write was refused whole; reads still work (issue #21).
            return (.serviceUnavailable, catalogue.bilingual("error.storageFull"), nil)
        case let database as any DatabaseError where database.isConstraintFailure:
            return (.conflict, catalogue.bilingual("error.conflict"), nil)
        case let outage where DatabaseUnavailable.matches(outage):
            // The database restarting or out of reach: say so, and that trying again shortly will do (issue #21).
            return (.serviceUnavailable, catalogue.bilingual("error.unavailable"), nil)
        default:
            return (.internalServerError, catalogue.bilingual("error.internal"), nil)
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .keyNotFound(key, _): "Missing field '\(key.stringValue)'"
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            "Field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case .dataCorrupted: "The request body is not valid"
        @unknown default: "The request body is not valid"
        }
    }

    static func field(of error: DecodingError) -> [String: String]? {
        switch error {
        case let .keyNotFound(key, context):
            let path = (context.codingPath + [key]).map(\.stringValue).joined(separator: ".")
            return [path: "is required"]
        case let .typeMismatch(_, context), let .valueNotFound(_, context):
            return [context.codingPath.map(\.stringValue).joined(separator: "."): "has the wrong type"]
        default: return nil
        }
    }
}

/// The bilingual error page (404, 400, 500, …). It shows both languages' headline, since a visitor who
/// reached a wrong address may not have chosen a language yet.
enum ErrorPage {
    struct Context: Encodable {
        let layout: LayoutContext
        let status: Int
        let headlineMs: String
        let headlineEn: String
        let reason: String?
        let requestId: String
    }

    static func render(status: HTTPResponseStatus, reason: String, for request: Request) async throws -> Response {
        let catalogue = request.application.catalogue
        let key: String = switch status.code {
        case 404: "error.notFound"
        case 400, 422: "error.badRequest"
        case 401: "error.unauthorized"
        case 403: "error.forbidden"
        case 409: "error.conflict"
        case 413: "error.tooLarge"
        case 429: "error.tooManyRequests"
        case 500...: "error.internal"
        default: "error.generic"
        }
        let context = Context(
            layout: await LayoutContext.make(for: request, title: catalogue.text(key, request.language)),
            status: Int(status.code),
            headlineMs: catalogue.text(key, .ms),
            headlineEn: catalogue.text(key, .en),
            // A bare status phrase ("Forbidden") says nothing the headline does not, and is English only.
            reason: (400..<500).contains(status.code) && status.code != 404 && reason != status.reasonPhrase ? reason : nil,
            requestId: request.id)
        do {
            let response = try await request.view.render("Platform/error", context).encodeResponse(for: request)
            response.status = status
            return response
        } catch {
            // The template itself failed: plain text, still bilingual, still with the request id.
            request.logger.error("Error page failed: \(error)", metadata: ["request-id": .string(request.id)])
            let body = "\(status.code) \(catalogue.bilingual(key))\nID: \(request.id)\n"
            return Response(status: status, headers: ["Content-Type": "text/plain; charset=utf-8"], body: .init(string: body))
        }
    }
}
