import Foundation
import NIOConcurrencyHelpers
import Vapor

/// A local HTTP server standing in for a provider's send API (Twilio, Meta's Graph API, X): it records every request
/// and answers as the provider documents, or with the status a test asks for.
final class ProviderSink: Sendable {
    struct Received: Sendable { let method: HTTPMethod; let path: String; let query: String?; let headers: HTTPHeaders; let body: String }

    let app: Application
    let port: Int
    private let received = NIOLockedValueBox<[Received]>([])
    private let status = NIOLockedValueBox<HTTPStatus>(.created)

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var requests: [Received] { received.withLockedValue { $0 } }
    func answer(with status: HTTPStatus) { self.status.withLockedValue { $0 = status } }

    private init(app: Application, port: Int) { (self.app, self.port) = (app, port) }

    static func start() async throws -> ProviderSink {
        let app = try await Application.make(.testing)
        app.logger.logLevel = .error
        app.http.server.configuration.hostname = "127.0.0.1"
        app.http.server.configuration.port = 0
        let box = NIOLockedValueBox<ProviderSink?>(nil)
        app.on(.POST, "**", body: .collect(maxSize: "1mb")) { req -> Response in
            guard let sink = box.withLockedValue({ $0 }) else { return Response(status: .serviceUnavailable) }
            sink.received.withLockedValue {
                $0.append(Received(method: req.method, path: req.url.path, query: req.url.query, headers: req.headers,
                                   body: req.body.string ?? ""))
            }
            let status = sink.status.withLockedValue { $0 }
            let count = sink.requests.count
            // Each provider's documented answer, as far as Layan reads it.
            let body: String = switch req.url.path {
            case let path where path.hasSuffix("/Messages.json"): #"{"sid": "SM\#(count)", "status": "queued"}"#
            case let path where path.hasSuffix("/me/messages"): #"{"recipient_id": "1", "message_id": "m_sent\#(count)"}"#
            case let path where path.hasSuffix("/messages") && path.contains("dm_conversations"): #"{"data": {"dm_conversation_id": "1-2", "dm_event_id": "dm\#(count)"}}"#
            default: #"{"messaging_product": "whatsapp", "contacts": [{"input": "1", "wa_id": "1"}], "messages": [{"id": "wamid.sent\#(count)"}]}"#
            }
            return Response(status: status, headers: ["Content-Type": "application/json"],
                            body: .init(string: (200..<300).contains(status.code) ? body : #"{"error": {"message": "refused", "code": 100}}"#))
        }
        try await app.server.start()
        guard let port = app.http.server.shared.localAddress?.port else { throw Abort(.internalServerError, reason: "sink has no port") }
        let sink = ProviderSink(app: app, port: port)
        box.withLockedValue { $0 = sink }
        return sink
    }

    func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }
}

/// Runs `body` with a provider sink, always stopped afterwards.
func withProviderSink<T>(_ body: (ProviderSink) async throws -> T) async throws -> T {
    let sink = try await ProviderSink.start()
    do {
        let result = try await body(sink)
        try await sink.stop()
        return result
    } catch {
        try? await sink.stop()
        throw error
    }
}
