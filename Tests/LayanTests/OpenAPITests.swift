import Foundation
import Testing
import VaporTesting
@testable import Layan

@Suite struct OpenAPITests {
    @Test func documentIsServedAndCoversEveryAPIRoute() async throws {
        try await checkDocument("/api/v1/openapi.json") { $0.hasPrefix("/api/v1/") || ["/healthz", "/readyz", "/metrics"].contains($0) }
    }

    @Test func theOpen311DocumentCoversEveryJSONResource() async throws {
        // The XML twins and the catch-all 404 are the same resources in another form: only the JSON form is documented.
        try await checkDocument("/open311/v2/openapi.json") {
            $0.hasPrefix("/open311/v2/") && !$0.hasSuffix(".xml") && !$0.hasSuffix("/**") && !$0.hasSuffix("openapi.json")
        }
    }

    /// Every route `documented` selects is in the document served at `url`, and every operation in it is a route.
    func checkDocument(_ url: String, documented: @escaping (String) -> Bool) async throws {
        try await withLayan { app in
            var document: [String: Any] = [:]
            try await app.testing().test(.GET, url) { res async throws in
                #expect(res.status == .ok)
                #expect(res.headers.contentType?.subType == "json")
                document = try JSONSerialization.jsonObject(with: Data(res.body.readableBytesView)) as! [String: Any]
            }
            #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
            let paths = document["paths"] as! [String: [String: Any]]

            // every JSON route Layan registers is documented …
            var registered: Set<String> = []
            for route in app.routes.all {
                let path = "/" + route.path.map { component -> String in
                    if case let .parameter(name) = component { return "{\(name)}" }
                    return component.description
                }.joined(separator: "/")
                guard documented(path) else { continue }
                let key = "\(route.method.rawValue.lowercased()) \(path)"
                registered.insert(key)
                #expect(paths[path]?[route.method.rawValue.lowercased()] != nil, "undocumented: \(key)")
            }
            // … and every documented operation is a route, with a unique operationId.
            var operationIds: Set<String> = []
            for (path, operations) in paths {
                for (method, operation) in operations {
                    #expect(registered.contains("\(method) \(path)"), "documented but not served: \(method) \(path)")
                    let id = try #require((operation as? [String: Any])?["operationId"] as? String)
                    #expect(operationIds.insert(id).inserted, "duplicate operationId \(id)")
                }
            }
        }
    }
}
