import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// The cases JSON API (`/api/v1/cases`), in the OpenAPI document with these operation ids: createCase, getCase,
/// listCases, addCaseMessage, transitionCase, assignCase, getCasePublicStatus.
struct CaseAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.access(.api(.casesWrite)).upload(.api(.cases), megabytes: 40, use: createCase)
        routes.access(.api(.casesRead)).get(.api(.cases), use: listCases)
        routes.access(.api(.casesRead)).get(.api(.oneCase(":caseID")), use: getCase)
        routes.access(.api(.casesWrite)).post(.api(.caseMessages(":caseID")), use: addCaseMessage)
        routes.access(.api(.casesWrite)).post(.api(.caseTransitions(":caseID")), use: transitionCase)
        routes.access(.api(.casesAssign)).post(.api(.caseAssignment(":caseID")), use: assignCase)
        routes.access(.anyone).get(.api(.publicCase(":reference")), use: getCasePublicStatus)
    }

    struct CustomerInput: Content {
        var name: String?
        var email: String?
        var phone: String?
        var idDocument: String?
        var language: String?
        var contactBy: String?
        var onBehalfOf: String?
        var consentGiven: Bool?
    }

    struct AttachmentInput: Content { var fileName: String; var contentBase64: String }

    struct CreateRequest: Content {
        var type: String
        var channel: String?
        var categoryId: UUID?
        var subject: String
        var description: String
        var anonymous: Bool?
        var customer: CustomerInput?
        var branch: String
        var divisionId: UUID?
        var service: String?
        var attachments: [AttachmentInput]?
    }

    func createCase(req: Request) async throws -> Response {
        let body = try req.decodeJSONBody(CreateRequest.self)
        var problems: [String: String] = [:]
        let type = CaseType(rawValue: body.type)
        if type == nil { problems["type"] = "form.error.choose" }
        let channel = CaseChannel(rawValue: body.channel ?? "api")
        if channel == nil { problems["channel"] = "form.error.choose" }
        let customer = body.customer ?? CustomerInput()
        let language = customer.language.map { Language(tag: $0) } ?? .ms
        if language == nil { problems["customer.language"] = "form.error.choose" }
        let contactBy = ContactChannel(rawValue: customer.contactBy ?? "email")
        if contactBy == nil { problems["customer.contactBy"] = "form.error.choose" }
        var attachments: [NewAttachment] = []
        for item in body.attachments ?? [] {
            guard let data = Data(base64Encoded: item.contentBase64, options: .ignoreUnknownCharacters) else {
                problems["attachments"] = "case.attachment.not_allowed"; continue
            }
            attachments.append(NewAttachment(fileName: item.fileName, bytes: [UInt8](data)))
        }
        // Once: each `req.db` makes a new database handle (4 % of a new case, perf).
        let db = req.db
        let branch = try await req.application.branchDirectory.branch(code: body.branch, on: db.sql)
        if branch == nil { problems["branch"] = "form.error.choose" }
        guard problems.isEmpty, let type, let channel, let language, let contactBy, let branch else { throw CaseInvalid(problems: problems) }
        let new = NewCase(type: type, channel: channel, categoryID: body.categoryId, subject: body.subject.trimmed, details: body.description.trimmed,
                          anonymous: body.anonymous ?? false, name: customer.name?.trimmed, email: customer.email?.trimmed, phone: customer.phone?.trimmed,
                          idDocument: customer.idDocument?.trimmed, language: language, contactBy: contactBy, onBehalfOf: customer.onBehalfOf?.trimmed,
                          consentGiven: customer.consentGiven ?? false, branchID: branch.id, divisionID: body.divisionId,
                          service: body.service?.trimmed, attachments: attachments)
        let filed: FiledCase
        do {
            filed = try await CaseEngine(db: db, app: req.application).file(CaseEngine.check(new, branch: branch).get(), by: req.caseActor)
        } catch let invalid as CaseInvalid {
            throw invalid.renamed(Self.fieldNames)
        }
        return CaseDTO(filed: filed, branchCode: branch.code).writtenResponse(status: .created)
    }

    /// The list's query parameters, read from the query string once (each `req.query[…, at:]` parses it again).
    struct ListQuery: Decodable {
        var type: String?, status: String?, channel: String?, due: String?, categoryId: String?, assigneeId: String?
        var branch: String?, after: String?, limit: String?
    }

    /// The API's names for the fields `CaseEngine` checks (the request body's, customer fields inside `customer`).
    static let fieldNames = [
        "details": "description", "category": "categoryId", "division": "divisionId", "name": "customer.name", "email": "customer.email",
        "phone": "customer.phone", "idDocument": "customer.idDocument", "onBehalfOf": "customer.onBehalfOf",
        "consentGiven": "customer.consentGiven",
    ]

    func listCases(req: Request) async throws -> Response {
        var filter = CaseList.Filter()
        var problems: [String: String] = [:]
        let query = try req.query.decode(ListQuery.self)
        // An empty parameter is no filter; one that does not read is a problem named after it.
        func field<T>(_ name: String, _ raw: String?, problem: String = "form.error.choose", _ read: (String) -> T?) -> T? {
            guard let raw, !raw.isEmpty else { return nil }
            guard let value = read(raw) else { problems[name] = problem; return nil }
            return value
        }
        filter.type = field("type", query.type, CaseType.init(rawValue:))
        filter.status = field("status", query.status, CaseStatus.init(rawValue:))
        filter.channel = field("channel", query.channel, CaseChannel.init(rawValue:))
        filter.due = field("due", query.due, CaseList.Due.init(rawValue:))
        filter.categoryID = field("categoryId", query.categoryId, UUID.init(uuidString:))
        filter.assigneeID = field("assigneeId", query.assigneeId, UUID.init(uuidString:))
        filter.limit = field("limit", query.limit, problem: "case.error.limit") { Int($0).flatMap { (1...100).contains($0) ? $0 : nil } } ?? filter.limit
        if let code = query.branch, !code.isEmpty {
            if let branch = try await req.application.branchDirectory.branch(code: code, on: req.db.sql) {
                filter.branchID = branch.id
            } else {
                problems["branch"] = "form.error.choose"
            }
        }
        if let cursor = query.after, !cursor.isEmpty {
            guard let parsed = CaseList.Cursor(token: cursor) else { throw CaseInvalid(problems: ["after": "form.error.choose"]) }
            filter.after = parsed
        }
        guard problems.isEmpty else { throw CaseInvalid(problems: problems) }
        try filter.keep(within: req.recordScope, officer: req.staff?.id)
        let page = try await CaseList.page(filter, today: LocalDate(req.application.clock.now()), on: req.db)
        return CasePageDTO(items: page.rows.map(CaseSummaryDTO.init), next: page.next?.token).writtenResponse()
    }

    func getCase(req: Request) async throws -> CaseDTO {
        try await Self.shown(try await req.caseRecord(), to: req, timeline: true)
    }

    /// A case with its customer's details as an answer, the view recorded on the audit trail (design.md: every view of
    /// a complainant's details by staff is audited). Every answer that carries the customer block goes through here.
    /// The identity number is masked unless the call asks `reveal=idDocument`, which is audited on its own.
    static func shown(_ record: CaseRecord, to req: Request, timeline: Bool = false) async throws -> CaseDTO {
        try await Audit.record(.viewPersonalData, entity: "case", id: record.id?.uuidString, by: req)
        let reveal = req.query[String.self, at: "reveal"] == "idDocument"
        if reveal { try await Audit.record(.revealIdentityNumber, entity: "case", id: record.id?.uuidString, by: req) }
        return try await CaseDTO.make(record, on: req.db, cipher: req.application.personalDataCipher, timeline: timeline, revealIdentity: reveal)
    }

    struct MessageRequest: Content { var body: String; var `public`: Bool? }

    func addCaseMessage(req: Request) async throws -> Response {
        let body = try req.content.decode(MessageRequest.self)
        let record = try await req.caseToWrite(publicly: body.public == true)
        _ = try await CaseEngine(request: req).addMessage(record.requireID(), body: body.body, isPublic: body.public ?? false, by: req.caseActor)
        return try await Self.shown(try await req.caseRecord(), to: req, timeline: true).encodeResponse(status: .created, for: req)
    }

    struct TransitionRequest: Content { var action: String; var note: String?; var referTo: String?; var duplicateOf: String? }

    func transitionCase(req: Request) async throws -> CaseDTO {
        let record = try await req.caseToActOn()
        let body = try req.content.decode(TransitionRequest.self)
        guard let action = CaseAction(rawValue: body.action), action != .reopen else { throw CaseInvalid(problems: ["action": "form.error.choose"]) }
        let updated = try await CaseEngine(request: req).transition(record.requireID(), action,
            details: .init(note: body.note, referTo: body.referTo, duplicateOf: body.duplicateOf), by: req.caseActor)
        return try await Self.shown(updated, to: req, timeline: true)
    }

    struct AssignRequest: Content { var staffId: UUID }

    func assignCase(req: Request) async throws -> CaseDTO {
        let record = try await req.caseRecord()
        let body = try req.content.decode(AssignRequest.self)
        let updated = try await CaseEngine(request: req).assign(record.requireID(), to: body.staffId, by: req.caseActor)
        return try await Self.shown(updated, to: req)
    }

    /// The customer's view: status, due date and the public timeline — with the reference and the e-mail or
    /// phone given, or the secret key from the acknowledgement. A wrong pair is a plain 404, rate limited.
    func getCasePublicStatus(req: Request) async throws -> Response {
        try await RateLimit.caseLookup.check(req)
        let record = try await PublicCaseLookup.find(reference: req.parameters.get("reference") ?? "",
                                                     contact: req.query[String.self, at: "contact"], key: req.query[String.self, at: "key"], on: req.db)
        let response = try await PublicCaseDTO.make(record, on: req.db, catalogue: req.application.catalogue, language: req.language).encodeResponse(for: req)
        response.headers.doNotStore()
        return response
    }
}

extension Request {
    /// Who is acting: the signed-in officer, or the API client as a system actor.
    var caseActor: CaseActor { staff.map(CaseActor.staff) ?? .system }

    func caseRecord(_ name: String = "caseID") async throws -> CaseRecord {
        guard let id = parameters.get(name, as: UUID.self), let record = try await CaseRecord.find(id, on: db) else { throw CaseError.unknownCase }
        // Every case page and API call on one case comes through here: the one place its branch and unit are checked.
        try requireInScope(branch: record.$branch.id, unit: record.$division.id, assignee: record.$assignee.id)
        return record
    }

    /// A case this officer may change or answer for: in scope, and theirs, or one they supervise (`CaseStewardship`).
    /// Integrations (a token) act for the agency.
    func caseToActOn(_ name: String = "caseID") async throws -> CaseRecord {
        let record = try await caseRecord(name)
        if let officer = staff, !mayAct(on: record, officer) {
            let assignee = try await Staff.find(record.$assignee.id, on: db)?.name ?? ""
            throw NotYourCase(assignee: assignee)
        }
        return record
    }

    /// Internal notes are open to every officer who may see the case; a reply to the customer is its steward's.
    func caseToWrite(publicly: Bool) async throws -> CaseRecord {
        publicly ? try await caseToActOn() : try await caseRecord()
    }

    func mayAct(on record: CaseRecord, _ officer: StaffIdentity) -> Bool {
        CaseStewardship.mayAct(officer: officer.id, assignee: record.$assignee.id, supervisesCases: officer.allows(.superviseCases))
    }
}

/// Finds a case for a member of the public. References are sequential, so the reference alone opens nothing.
enum PublicCaseLookup {
    static func find(reference: String, contact: String?, key: String?, on db: any Database) async throws -> CaseRecord {
        guard let parsed = CaseReference(reference),
              let record = try await CaseRecord.query(on: db).filter(\.$reference == parsed.description).first() else {
            throw CaseError.notFoundForContact
        }
        if let key, !key.isEmpty, CSRFMiddleware.constantTimeEqual(key, record.publicKey) { return record }
        if let contact = contact?.trimmed, !contact.isEmpty {
            if let email = EmailAddress.normalised(contact), let own = record.customerEmail, CSRFMiddleware.constantTimeEqual(email, own) { return record }
            let digits = PhoneNumber.digits(contact)
            if digits.count >= 7, let own = record.customerPhoneDigits, CSRFMiddleware.constantTimeEqual(digits, own) { return record }
        }
        throw CaseError.notFoundForContact
    }
}
