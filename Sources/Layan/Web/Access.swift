import Fluent
import LayanCore
import Vapor

/// Who may use a route. Every route Layan registers states one; `Access.verifyEveryRouteDeclared` refuses
/// to start an application with a route that does not (deny by default).
enum Access: Sendable, Hashable, CustomStringConvertible {
    /// Anyone, signed in or not: public pages.
    case anyone
    /// A signed-in officer whose roles grant the permission.
    case staff(Permission)
    /// An API client: a token with the scope, or a signed-in officer with the scope's permission.
    case api(APIScope)
    /// An outside system that proves itself inside the request (an Open311 `api_key`, a provider's webhook
    /// signature): its handler checks that before anything is stored. No session, so no CSRF token.
    case integration(String)

    var description: String {
        switch self {
        case .anyone: "anyone"
        case let .staff(permission): "staff:\(permission.rawValue)"
        case let .api(scope): "api:\(scope.rawValue)"
        case let .integration(proof): "integration:\(proof)"
        }
    }

    static let userInfoKey = "layan.access"

    /// Fails when a registered route has no declared access.
    static func verifyEveryRouteDeclared(_ routes: Routes) throws {
        let undeclared = routes.all.filter { $0.userInfo[userInfoKey] == nil }
        guard undeclared.isEmpty else {
            let list = undeclared.map { "\($0.method.rawValue) /\($0.path.map(\.description).joined(separator: "/"))" }
            throw Abort(.internalServerError, reason: "Routes without a declared access: \(list.joined(separator: ", "))")
        }
    }
}

extension Route {
    var access: Access? { userInfo[Access.userInfoKey] as? Access }

    /// The body limit of a route that takes more than the default (uploads), for checks that read the body early.
    var maximumBodySize: Int? { userInfo["layan.maxBody"] as? Int }
}

/// A `RoutesBuilder` that stamps every route added through it with its access and puts the check in front.
struct AccessRoutesBuilder: RoutesBuilder {
    let root: any RoutesBuilder
    let access: Access

    func add(_ route: Route) {
        route.userInfo[Access.userInfoKey] = access
        // Access first (so strangers get 401/403 or the sign-in page), then CSRF on unsafe methods.
        var guarded = CSRFMiddleware().makeResponder(chainingTo: route.responder)
        if case .integration = access { guarded = route.responder }
        route.responder = AccessCheck(access: access).makeResponder(chainingTo: guarded)
        root.add(route)
    }
}

extension RoutesBuilder {
    /// Routes registered on the result need `access`.
    func access(_ access: Access) -> any RoutesBuilder { AccessRoutesBuilder(root: self, access: access) }
}

/// The check itself: anonymous visitors of staff pages go to sign-in, others without the permission get
/// 403; API clients without a valid token get 401.
struct AccessCheck: AsyncMiddleware {
    let access: Access

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        switch access {
        case .anyone, .integration:
            break
        case let .staff(permission):
            guard let staff = request.staff else {
                if request.method == .GET, !LayanErrorMiddleware.wantsJSON(request) {
                    let next = request.url.path + (request.url.query.map { "?\($0)" } ?? "")
                    return request.redirect(to: SiteURL.signIn.path + "?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/"))) ?? "/"))
                }
                throw Abort(.unauthorized)
            }
            guard staff.allows(permission) else { throw NotPermitted() }
        case let .api(scope):
            if request.usesBearerToken {
                let client = try await APITokenAuthenticator.authenticate(request)
                guard client.scopes.contains(scope) else {
                    throw Abort(.forbidden, reason: "The token lacks the scope \(scope.rawValue)")
                }
            } else if let staff = request.staff {
                guard staff.allows(scope.permission) else { throw NotPermitted() }
            } else {
                throw Abort(.unauthorized, headers: ["WWW-Authenticate": "Bearer"], reason: "Sign in, or send an API token as Authorization: Bearer")
            }
        }
        let response = try await next.respond(to: request)
        // Staff pages and API answers carry personal data: no browser or proxy may keep a copy (issue 15, item 10).
        if case .api = access { response.headers.doNotStore() }
        if case .staff = access { response.headers.doNotStore() }
        return response
    }
}

extension HTTPHeaders {
    /// `Cache-Control: no-store`, unless the handler chose its own.
    mutating func doNotStore() {
        if !contains(name: .cacheControl) { replaceOrAdd(name: .cacheControl, value: "no-store") }
    }
}
