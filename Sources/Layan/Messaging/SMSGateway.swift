import Foundation
import LayanCore
import Vapor

/// Sends one SMS now (the outbox).
protocol SMSGateway: Sendable {
    func send(to recipient: String, text: String, id: UUID) async throws
}

/// The HTTP gateway of `LAYAN_SMS_URL`: a JSON POST with a bearer token (docs/cases.md).
struct HTTPSMSGateway: SMSGateway {
    let url: String?
    let token: String?
    let client: any Client

    func send(to recipient: String, text: String, id: UUID) async throws {
        guard let url else { throw NotConfigured(what: "LAYAN_SMS_URL") }
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let token, !token.isEmpty { headers.bearerAuthorization = .init(token: token) }
        struct SMS: Content { let to: String; let message: String; let id: String }
        let response = try await client.post(URI(string: url), headers: headers) { request in
            try request.content.encode(SMS(to: PhoneNumber.international(recipient), message: text, id: id.uuidString))
        }
        guard (200..<300).contains(response.status.code) else {
            throw SMSFailure(status: Int(response.status.code))
        }
    }

    struct SMSFailure: Error, CustomStringConvertible {
        let status: Int
        var description: String { "SMS gateway answered \(status)" }
    }
}
