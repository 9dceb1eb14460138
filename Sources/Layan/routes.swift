import Vapor

/// Every route Layan serves. Each capability registers its own collection here.
func routes(_ app: Application) throws {
    try app.register(collection: HealthController())
    try app.register(collection: OpenAPIController(resourcesDirectory: app.directory.resourcesDirectory))
    try app.register(collection: HomeController())
    if app.settings.benchmarkRoutes {
        // The plain route benchmarks measure Layan's own routes against (docs/benchmarks.md).
        app.get(SiteURL.benchHello.components.map { PathComponent(stringLiteral: $0) }) { _ in "hello" }
    }
}
