import Vapor

/// The files under `Public/` (styles, scripts, images), served for GET and HEAD only: every other request
/// (a new ticket, a new case) went past a file-system look-up for a file that cannot exist.
struct PublicFilesMiddleware: AsyncMiddleware {
    private let files: FileMiddleware

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory, defaultFile: nil)
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .GET || request.method == .HEAD, !request.cannotBeAFile else { return try await next.respond(to: request) }
        return try await files.respond(to: request, chainingTo: next)
    }
}
