import Foundation
import Testing
import VaporTesting
@testable import Layan

@Suite struct OpenAPITests {
    @Test func documentIsServedAndCoversEveryAPIRoute() async throws {
        try await withLayan { app in
            var document: [String: Any] = [:]
            try await app.testing().test(.GET, "/api/v1/openapi.json") { res async throws in
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
                guard path.hasPrefix("/api/v1/") || path == "/healthz" else { continue }
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
