import Foundation
import LayanCore
import Vapor

/// `POST /api/v1/inbound/email` (operationId `receiveEmail`): one raw RFC 5322 message as `message/rfc822`, from a
/// mail server's delivery agent holding a token with the `mail:inbound` scope. Every message that arrives is taken:
/// filed, continued, ignored as machine mail, a duplicate, or kept as a failed intake — all 202, never a 5xx for
/// what the message says, so the sender's server never retries a message we already hold.
struct InboundMailController: RouteCollection {
    /// A message with its attachments: five files of 5 MB each, base64-encoded (4/3), with room for the text.
    static let maximumMegabytes = 40

    func boot(routes: any RoutesBuilder) throws {
        routes.access(.api(.mailInbound)).upload(.api(.inboundEmail), megabytes: Self.maximumMegabytes, use: receive)
    }

    struct Taken: Content {
        /// filed, continued, duplicate, ignored or failed.
        let outcome: String
        let caseReference: String?
        let reason: String?
        let failedIntakeId: UUID?
    }

    func receive(req: Request) async throws -> Response {
        guard let type = req.headers.contentType, type.type == "message", type.subType == "rfc822" else {
            throw Abort(.unsupportedMediaType, reason: "Send the raw message as Content-Type: message/rfc822")
        }
        guard let body = req.body.data, body.readableBytes > 0 else { throw Abort(.badRequest, reason: "The message is empty") }
        let outcome = try await MailIntake(db: req.db, app: req.application).take(Array(body.readableBytesView))
        let response = try await Self.taken(outcome).encodeResponse(status: .accepted, for: req)
        return response
    }

    static func taken(_ outcome: MailIntake.Outcome) -> Taken {
        switch outcome {
        case let .filed(reference), let .continued(reference): Taken(outcome: outcome.code, caseReference: reference, reason: nil, failedIntakeId: nil)
        case .duplicate: Taken(outcome: outcome.code, caseReference: nil, reason: nil, failedIntakeId: nil)
        case let .ignored(reason): Taken(outcome: outcome.code, caseReference: nil, reason: reason, failedIntakeId: nil)
        case let .failed(reason, id): Taken(outcome: outcome.code, caseReference: nil, reason: reason, failedIntakeId: id)
        }
    }
}
