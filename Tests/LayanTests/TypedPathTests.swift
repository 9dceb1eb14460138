import Foundation
import Testing

/// Every route and every link comes from `SiteURL` (conventions.md, habit 2): a path renamed there cannot leave a
/// route or a link behind.
@Suite struct TypedPathTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func lines(under folder: String, ext: String) throws -> [(file: String, line: Int, text: String)] {
        let base = root.appendingPathComponent(folder)
        let files = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }.filter { $0.pathExtension == ext }
        return try files.flatMap { url in
            try String(contentsOf: url, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                .map { (url.lastPathComponent, $0.offset + 1, String($0.element)) }
        }
    }

    @Test func routesAreRegisteredFromSiteURL() throws {
        // given a route registered with string segments, as `get("cases", ":id")`
        let literal = try Regex(#"\.(get|post|put|patch|delete|upload)\(\s*""#)
        // when the capability code is read (a route's parameters are read by name: `req.parameters.get("id")`)
        let found = try Self.lines(under: "Sources/Layan", ext: "swift")
            .filter { $0.text.replacingOccurrences(of: "parameters.get(", with: "").contains(literal) }
        // then there is none
        #expect(found.isEmpty, "\(found.map { "\($0.file):\($0.line): \($0.text)" }.joined(separator: "\n"))")
    }

    @Test func handlersWriteNoPathsOfTheirOwn() throws {
        // given a path written as a string literal ("/cases/…") outside SiteURL
        let literal = try Regex(#""/[a-z_][a-z0-9_./-]*"#)
        // when the capability code is read outside SiteURL and its per-capability extensions (`SiteURL+Charter.swift`)
        // (the error middleware's "/api/" prefix test is not a link)
        let found = try Self.lines(under: "Sources/Layan", ext: "swift")
            .filter { !($0.file == "SiteURL.swift" || $0.file.hasPrefix("SiteURL+")) && $0.text.contains(literal) && !$0.text.contains("hasPrefix(\"/api/\")") }
        // then there is none
        #expect(found.isEmpty, "\(found.map { "\($0.file):\($0.line): \($0.text)" }.joined(separator: "\n"))")
    }

    @Test func viewsLinkOnlyThroughTheirContext() throws {
        // given a link or form target written into a template, other than the static files Layan serves
        let literal = try Regex(#"(href|action)="/(?!(icons|js|css|sounds)/)"#)
        // when the templates are read
        let found = try Self.lines(under: "Resources/Views", ext: "leaf").filter { $0.text.contains(literal) }
        // then there is none
        #expect(found.isEmpty, "\(found.map { "\($0.file):\($0.line): \($0.text)" }.joined(separator: "\n"))")
    }
}
