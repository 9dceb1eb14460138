import Fluent
import Foundation
import LayanCore
import NIOCore
import Vapor

/// Call records into Layan: a `queue_log` uploaded on a page or posted to the API (streamed, line by line), and one
/// finished call from any other PBX (`recordCall`).
struct TelephoneImportController: RouteCollection {
    /// The API streams, so this bounds only how long one request may run, not memory.
    static let maximumAPIBytes = 1 << 30

    func boot(routes: any RoutesBuilder) throws {
        let supervisor = routes.access(.staff(.superviseTelephone))
        supervisor.get(.telephone(.importLog), use: uploadPage)
        supervisor.upload(.telephone(.importLog), megabytes: 100, use: upload)
        let api = routes.access(.api(.telephoneWrite))
        api.on(.POST, SiteURL.api(.telephoneQueueLog).pattern, body: .stream, use: postQueueLog)
        api.post(.api(.telephoneCalls), use: recordCall)
    }

    struct UploadPage: Encodable, Sendable {
        let layout: LayoutContext; let csrf: String; let action: String; let report: QueueLogImport.Report?; let error: String?; let cliExample: String
    }

    func uploadPage(req: Request) async throws -> View {
        try await req.view.render("Telephone/import", UploadPage(layout: await LayoutContext.make(for: req, title: req.t("telephone.import.title")),
                                                                 csrf: try await req.csrfToken(), action: SiteURL.telephone(.importLog).path,
                                                                 report: nil, error: nil, cliExample: "layan telephone import /var/log/asterisk/queue_log"))
    }

    struct UploadForm: Content { var log: File? }

    func upload(req: Request) async throws -> Response {
        let file = try? req.content.decode(UploadForm.self).log
        func render(_ report: QueueLogImport.Report?, _ error: String?, _ status: HTTPResponseStatus) async throws -> Response {
            try await req.render("Telephone/import", UploadPage(layout: await LayoutContext.make(for: req, title: req.t("telephone.import.title")),
                                                                csrf: try await req.csrfToken(), action: SiteURL.telephone(.importLog).path,
                                                                report: report, error: error, cliExample: "layan telephone import /var/log/asterisk/queue_log"), status: status)
        }
        guard let file, file.data.readableBytes > 0 else { return try await render(nil, req.t("telephone.import.noFile"), .unprocessableEntity) }
        do {
            let bytes = Array(file.data.readableBytesView)
            let report = try await QueueLogImport(app: req.application).run(Chunks(chunks: stride(from: 0, to: bytes.count, by: 1 << 20).map { Array(bytes[$0..<min(bytes.count, $0 + (1 << 20))]) }))
            return try await render(report, nil, .ok)
        } catch is QueueLogImport.WrongFormat {
            return try await render(nil, req.t("telephone.import.wrongFormat"), .unprocessableEntity)
        }
    }

    /// `POST /api/v1/telephone/queue-log`: lines as `text/plain`, read as they arrive.
    func postQueueLog(req: Request) async throws -> Response {
        guard let type = req.headers.contentType, type.type == "text", type.subType == "plain" else {
            throw Abort(.unsupportedMediaType, reason: "Send the queue_log lines as text/plain")
        }
        let report = try await QueueLogImport(app: req.application).run(BodyChunks(body: req.body, limit: Self.maximumAPIBytes))
        return try await report.encodeResponse(status: .ok, for: req)
    }

    /// Chunks already in memory, as the import reads them.
    struct Chunks: AsyncSequence, AsyncIteratorProtocol {
        var chunks: [[UInt8]]
        func makeAsyncIterator() -> Chunks { self }
        mutating func next() async throws -> [UInt8]? { chunks.isEmpty ? nil : chunks.removeFirst() }
    }

    /// A streamed request body, as the import reads it, refused past `limit` bytes.
    struct BodyChunks: AsyncSequence {
        let body: Request.Body
        let limit: Int
        struct Iterator: AsyncIteratorProtocol {
            var inner: Request.Body.AsyncIterator
            let limit: Int
            var seen = 0
            mutating func next() async throws -> [UInt8]? {
                guard let buffer = try await inner.next() else { return nil }
                seen += buffer.readableBytes
                if seen > limit { throw Abort(.payloadTooLarge) }
                return Array(buffer.readableBytesView)
            }
        }
        func makeAsyncIterator() -> Iterator { Iterator(inner: body.makeAsyncIterator(), limit: limit) }
    }

    /// One finished call from a PBX that writes no `queue_log`.
    struct CallInput: Content {
        var callId: String?
        var queue: String?
        var caller: String?
        var enteredAt: Date?
        var outcome: String?
        var waitSeconds: Int?
        var talkSeconds: Int?
        var ringNoAnswer: Int?
        var agent: String?
        var transferKind: String?
        var transferTarget: String?
    }

    struct CallStored: Content { let stored: String; let callKey: String }

    func recordCall(req: Request) async throws -> Response {
        let input: CallInput
        do { input = try req.content.decode(CallInput.self) } catch {
            throw ValidationFailure(["body": "is not a call record"], reason: "Send a JSON call record (see recordCall in the API document)", status: .badRequest)
        }
        var problems: [String: String] = [:]
        func text(_ name: String, _ value: String?, max: Int, required: Bool) -> String? {
            let trimmed = value?.trimmed.nilIfEmpty
            if trimmed == nil, required { problems[name] = "is required" }
            if let trimmed, trimmed.count > max { problems[name] = "is longer than \(max) characters" }
            return trimmed
        }
        let callID = text("callId", input.callId, max: 128, required: true)
        let queue = text("queue", input.queue, max: 80, required: true)
        let caller = text("caller", input.caller, max: 40, required: false)
        let agent = text("agent", input.agent, max: 128, required: false)
        let target = text("transferTarget", input.transferTarget, max: 128, required: false)
        let outcome = input.outcome.flatMap(PBXCall.Outcome.init(rawValue:))
        if outcome == nil { problems["outcome"] = "must be one of " + PBXCall.Outcome.allCases.map(\.rawValue).joined(separator: ", ") }
        let transferKind = input.transferKind.flatMap(PBXCall.TransferKind.init(rawValue:))
        if input.transferKind != nil, transferKind == nil { problems["transferKind"] = "must be blind or attended" }
        let now = req.application.clock.now()
        if let entered = input.enteredAt, entered > now.addingTimeInterval(300) { problems["enteredAt"] = "is in the future" }
        if input.enteredAt == nil { problems["enteredAt"] = "is required (ISO 8601 with offset)" }
        for (name, value) in [("waitSeconds", input.waitSeconds), ("talkSeconds", input.talkSeconds), ("ringNoAnswer", input.ringNoAnswer)] {
            if let value, value < 0 || value > 86_400 { problems[name] = "must be between 0 and 86400" }
        }
        if input.waitSeconds == nil { problems["waitSeconds"] = "is required" }
        guard problems.isEmpty, let callID, let queue, let outcome, let entered = input.enteredAt, let wait = input.waitSeconds else {
            throw ValidationFailure(problems, reason: "The call record is not complete")
        }
        let call = PBXCall(callID: callID, queue: queue, caller: caller, enteredAt: Int(entered.timeIntervalSince1970), outcome: outcome, waitSeconds: wait,
                           talkSeconds: input.talkSeconds ?? 0, ringNoAnswer: input.ringNoAnswer ?? 0, agent: outcome.wasAnswered ? agent : nil,
                           transferKind: outcome == .transferred ? (transferKind ?? .blind) : nil, transferTarget: outcome == .transferred ? target : nil)
        let staff = try await agent.flatMap(CallerNumber.memberExtension).asyncMap { exten in
            try await Staff.query(on: req.db).filter(\.$phoneExtension == exten).filter(\.$active == true).first()?.id
        } ?? nil
        let written = try await CallWriter(app: req.application).write([TelephoneCall.New(call: call, staffID: staff, source: .api)])
        return try await CallStored(stored: written.added == 1 ? "added" : "already_stored", callKey: call.key)
            .encodeResponse(status: written.added == 1 ? .created : .ok, for: req)
    }
}

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self { case let .some(value): try await transform(value); case .none: nil }
    }
}
