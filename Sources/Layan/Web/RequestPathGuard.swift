import LayanCore
import Vapor

/// Refuses a path that holds a control character (a NUL cut `/icons/layan.svg%00.html` short and served it as HTML),
/// and keeps paths no file can have away from the file system, so a 4,096-character path is a 404, not a failed
/// look-up and a 500 (issue 15, items 8, 9 and 12).
struct RequestPathGuard: AsyncMiddleware {
    /// Longer than any path Layan serves; Linux refuses file names over 255 bytes and paths over 4,096.
    static let longestFilePath = 1024
    static let longestFileName = 255

    /// Methods no route of Layan takes on any path: a 405, not a 404 (TRACE would echo a request's cookies back).
    static let refusedMethods: Set<String> = ["TRACE", "TRACK", "CONNECT"]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if Self.refusedMethods.contains(request.method.rawValue) {
            throw RefusedRequest.method(allowed: ["GET", "HEAD", "POST"])
        }
        let path = request.url.path
        let decoded = path.removingPercentEncoding ?? path
        // Decoding leaves raw characters as they are, so the decoded path holds every control character the raw one does.
        if LogText.containsControlCharacters(decoded) { throw RefusedRequest.controlCharacters }
        if decoded.utf8.count > Self.longestFilePath || decoded.split(separator: "/").contains(where: { $0.utf8.count > Self.longestFileName }) {
            request.storage[TooLongForAFile.self] = true
        }
        do {
            return try await next.respond(to: request)
        } catch let error as RouteNotFound {
            // No route for this method: if the path has routes for others, the method is what is wrong.
            let allowed = request.application.allowedMethods?.methods(for: path) ?? []
            guard !allowed.isEmpty else { throw error }
            throw RefusedRequest.method(allowed: allowed)
        }
    }

    enum TooLongForAFile: StorageKey { typealias Value = Bool }
}

/// A request refused before routing, worded from the catalogues like every other error.
enum RefusedRequest: CatalogueError {
    case method(allowed: [String])
    case controlCharacters

    var status: HTTPResponseStatus {
        if case .method = self { return .methodNotAllowed }
        return .badRequest
    }

    var headers: HTTPHeaders {
        if case .method(let allowed) = self { return ["Allow": allowed.joined(separator: ", ")] }
        return [:]
    }

    var catalogueKey: String {
        if case .method = self { return "error.methodNotAllowed" }
        return "error.controlCharacters"
    }
}

extension Request {
    /// The path cannot name a file: the static files are not looked up.
    var cannotBeAFile: Bool { storage[RequestPathGuard.TooLongForAFile.self] ?? false }
}
