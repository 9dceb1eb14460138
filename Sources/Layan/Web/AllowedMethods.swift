import RoutingKit
import Vapor

/// The methods each path takes, from the routes themselves, so a method a path does not take is a 405 with `Allow`
/// (RFC 9110 §15.5.6) rather than a 404 — as the OpenAPI document promises (issue 15, item 12).
/// Unchecked: the router is filled in `init` and only read afterwards, as Vapor's own responder reads its router.
final class AllowedMethods: @unchecked Sendable {
    private let router: TrieRouter<Bool>
    private let methods: Set<String>

    init(_ routes: Routes) {
        // Keyed as Vapor's responder keys its routes: the method first, then the path without empty segments.
        router = TrieRouter(Bool.self, options: routes.caseInsensitive ? [.caseInsensitive] : [])
        var methods = Set<String>()
        for route in routes.all {
            let path = route.path.filter { $0 != .constant("") }
            router.register(true, at: [.constant(route.method.rawValue)] + path)
            methods.insert(route.method.rawValue)
        }
        self.methods = methods
    }

    /// The methods some route takes on `path` (HEAD wherever GET is); empty when no route has the path at all.
    func methods(for path: String) -> [String] {
        let segments = path.split(separator: "/").map(String.init)
        var allowed = Set<String>()
        for method in methods {
            var parameters = Parameters()
            if router.route(path: [method] + segments, parameters: &parameters) != nil {
                allowed.insert(method)
                if method == "GET" { allowed.insert("HEAD") }
            }
        }
        return allowed.sorted()
    }

    struct Key: StorageKey { typealias Value = AllowedMethods }
}

extension Application {
    /// Set once the routes are registered (configure), before requests arrive.
    var allowedMethods: AllowedMethods? {
        get { storage[AllowedMethods.Key.self] }
        set { storage[AllowedMethods.Key.self] = newValue }
    }
}
