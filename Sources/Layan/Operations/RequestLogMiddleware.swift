import Vapor

/// One log line per request, when it is answered: method, path, status and time taken (issue #21, item 4), with the
/// request's `request-id` from its logger — what an operator searches by. Replaces Vapor's line at the start, which
/// said neither how it ended nor how long it took.
struct RequestLogMiddleware: AsyncMiddleware {
    let level: Logger.Level

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let started = DispatchTime.now()
        do {
            let response = try await next.respond(to: request)
            log(request, status: response.status.code, since: started)
            return response
        } catch {
            // Errors become responses further in (LayanErrorMiddleware); one that escapes is logged as the 500 it will be.
            log(request, status: 500, since: started)
            throw error
        }
    }

    private func log(_ request: Request, status: UInt, since started: DispatchTime) {
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000
        // Decoded, as people read paths; the log handler escapes what decoding brings out (a forged line break).
        request.logger.log(level: level, "\(request.method) \(request.url.path.removingPercentEncoding ?? request.url.path)", metadata: [
            "status": .stringConvertible(status), "duration_ms": .string(String(format: "%.1f", milliseconds)),
        ])
    }
}
