/// Every path Layan serves, in one place, so views build links from it and a renamed path cannot leave
/// dead links behind (conventions.md, habit 2).
public enum SiteURL: Sendable {
    case home
    case healthz
    case openAPI
    case stylesheet
    case benchHello

    public var path: String {
        switch self {
        case .home: "/"
        case .healthz: "/healthz"
        case .openAPI: "/api/v1/openapi.json"
        case .stylesheet: "/css/layan.css"
        case .benchHello: "/_bench/hello"
        }
    }

    /// Path components for route registration.
    public var components: [String] {
        path.split(separator: "/").map(String.init)
    }
}
