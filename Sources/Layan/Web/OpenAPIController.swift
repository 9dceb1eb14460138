import Vapor

/// Serves the API's OpenAPI 3 document. The document is a reviewed file, not generated: a test checks that
/// every `/api/v1` route is in it and every operation in it is a route.
struct OpenAPIController: RouteCollection {
    let document: ByteBuffer

    init(resourcesDirectory: String) throws {
        let path = resourcesDirectory + "OpenAPI/openapi.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Abort(.internalServerError, reason: "Missing \(path)")
        }
        document = ByteBuffer(data: data)
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.get(SiteURL.openAPI.pattern) { _ -> Response in
            Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8"], body: .init(buffer: document))
        }
    }
}
