import Vapor

/// Serves the API's OpenAPI 3 documents: the JSON API's, and the Open311 endpoints' (for integrators' tools and
/// the fuzzer). Each is a reviewed file, not generated: a test checks that every `/api/v1` route is in it and
/// every operation in it is a route.
struct OpenAPIController: RouteCollection {
    let document: ByteBuffer
    let open311Document: ByteBuffer

    init(resourcesDirectory: String) throws {
        func read(_ name: String) throws -> ByteBuffer {
            let path = resourcesDirectory + "OpenAPI/" + name
            guard let data = FileManager.default.contents(atPath: path) else { throw Abort(.internalServerError, reason: "Missing \(path)") }
            return ByteBuffer(data: data)
        }
        document = try read("openapi.json")
        open311Document = try read("open311.json")
    }

    func boot(routes: any RoutesBuilder) throws {
        for (url, body) in [(SiteURL.openAPI, document), (.open311(.openAPI), open311Document)] {
            routes.get(url.pattern) { _ -> Response in
                Response(status: .ok, headers: ["Content-Type": "application/json; charset=utf-8"], body: .init(buffer: body))
            }
        }
    }
}
