import Fluent
import Foundation
import LayanCore
import Vapor

/// A case in a list.
struct CaseSummaryDTO: Content {
    let id: UUID
    let reference: String
    let type: CaseType
    let status: CaseStatus
    let channel: CaseChannel
    let subject: String
    let receivedAt: Date
    let acknowledgeDue: String
    let resolveDue: String
    let assigneeId: UUID?

    init(_ row: CaseList.Row) {
        id = row.id; reference = row.reference; type = row.type; status = row.status; channel = row.channel; subject = row.subject
        receivedAt = row.received_at; acknowledgeDue = row.acknowledge_due; resolveDue = row.resolve_due; assigneeId = row.assigned_to
    }
}

struct CasePageDTO: Content, JSONWritable {
    let items: [CaseSummaryDTO]
    /// Pass as `after` for the next page; absent on the last page.
    let next: String?

    /// The page as JSON, written field by field (`JSONText`); the keys are those `Codable` gives.
    var json: [UInt8] {
        var text = JSONText(capacity: 256 + items.count * 400)
        text.object { page in
            page.array("items", items) { text, item in
                text.object { o in
                    o.field("id", item.id); o.field("reference", item.reference); o.field("type", item.type.rawValue)
                    o.field("status", item.status.rawValue); o.field("channel", item.channel.rawValue); o.field("subject", item.subject)
                    o.field("receivedAt", item.receivedAt); o.field("acknowledgeDue", item.acknowledgeDue); o.field("resolveDue", item.resolveDue)
                    o.field("assigneeId", item.assigneeId)
                }
            }
            page.field("next", next)
        }
        return text.bytes
    }
}

struct TimelineEntryDTO: Content {
    let at: Date
    let kind: String
    let `public`: Bool
    let fromStatus: CaseStatus?
    let toStatus: CaseStatus?
    let actor: String?
    let body: String?
}

struct OutboxDTO: Content {
    let channel: String
    let recipient: String
    let state: String
    let attempts: Int
    let lastError: String?
    let sentAt: Date?
}

/// A case with everything staff see.
struct CaseDTO: Content, JSONWritable {
    struct Customer: Content { let name: String?; let email: String?; let phone: String?; let idDocument: String?; let language: Language; let contactBy: ContactChannel; let onBehalfOf: String?; let consentGiven: Bool }
    let id: UUID
    let reference: String
    let type: CaseType
    let status: CaseStatus
    let channel: CaseChannel
    let categoryId: UUID?
    let subject: String
    let description: String
    let anonymous: Bool
    let customer: Customer
    let branch: String
    let divisionId: UUID?
    let service: String?
    let assigneeId: UUID?
    let receivedAt: Date
    let acknowledgeDue: String
    let resolveDue: String
    let paused: Bool
    let acknowledgedAt: Date?
    let resolvedAt: Date?
    let closedAt: Date?
    let acknowledgeMet: Bool?
    let resolveMet: Bool?
    let escalated: Bool
    let rejectionReason: String?
    let referTo: String?
    let satisfied: Bool?
    let timeline: [TimelineEntryDTO]?
    let notifications: [OutboxDTO]?

    static func make(_ record: CaseRecord, on db: any Database, cipher: PersonalDataCipher, timeline: Bool = false,
                     revealIdentity: Bool = false) async throws -> CaseDTO {
        let code = try await record.$branch.get(on: db).code
        var entries: [TimelineEntryDTO]?
        var outbox: [OutboxDTO]?
        if timeline {
            entries = try await CaseEvent.query(on: db).filter(\.$caseRecord.$id == record.requireID()).sort(\.$at).all().map {
                TimelineEntryDTO(at: $0.at, kind: $0.kind.rawValue, public: $0.isPublic, fromStatus: $0.fromStatus, toStatus: $0.toStatus,
                                 actor: $0.actorName.nilIfEmpty, body: $0.body)
            }
            outbox = try await OutboxMessage.query(on: db).filter(\.$caseID == record.requireID()).sort(\.$createdAt).all().map {
                OutboxDTO(channel: $0.channel.rawValue, recipient: $0.recipient, state: $0.state.rawValue, attempts: $0.attempts, lastError: $0.lastError, sentAt: $0.sentAt)
            }
        }
        return CaseDTO(
            id: try record.requireID(), reference: record.reference, type: record.type, status: record.status, channel: record.channel,
            categoryId: record.$category.id, subject: record.subject, description: record.details, anonymous: record.anonymous,
            customer: .init(name: record.customerName, email: record.customerEmail, phone: record.customerPhone,
                            idDocument: record.identityNumber(cipher, revealed: revealIdentity),
                            language: record.language, contactBy: record.contactBy, onBehalfOf: record.onBehalfOf, consentGiven: record.consentGiven),
            branch: code, divisionId: record.$division.id, service: record.serviceConcerned, assigneeId: record.$assignee.id,
            receivedAt: record.receivedAt, acknowledgeDue: record.acknowledgeDue, resolveDue: record.resolveDue, paused: record.pausedSince != nil,
            acknowledgedAt: record.acknowledgedAt, resolvedAt: record.resolvedAt, closedAt: record.closedAt,
            acknowledgeMet: record.acknowledgeMet, resolveMet: record.resolveMet, escalated: record.escalatedAt != nil,
            rejectionReason: record.rejectionReason, referTo: record.referTo, satisfied: record.satisfied, timeline: entries, notifications: outbox)
    }
}

extension CaseDTO {
    /// The case as JSON, written field by field (`JSONText`), with the keys `Codable` gives: every new case answers with it.
    var json: [UInt8] {
        var text = JSONText(capacity: 1024 + description.utf8.count)
        text.object { o in
            o.field("id", id); o.field("reference", reference); o.field("type", type.rawValue); o.field("status", status.rawValue)
            o.field("channel", channel.rawValue); o.field("categoryId", categoryId); o.field("subject", subject)
            o.field("description", description); o.field("anonymous", anonymous)
            o.object("customer") { c in
                c.field("name", customer.name); c.field("email", customer.email); c.field("phone", customer.phone)
                c.field("idDocument", customer.idDocument); c.field("language", customer.language.rawValue)
                c.field("contactBy", customer.contactBy.rawValue); c.field("onBehalfOf", customer.onBehalfOf)
                c.field("consentGiven", customer.consentGiven)
            }
            o.field("branch", branch); o.field("divisionId", divisionId); o.field("service", service); o.field("assigneeId", assigneeId)
            o.field("receivedAt", receivedAt); o.field("acknowledgeDue", acknowledgeDue); o.field("resolveDue", resolveDue)
            o.field("paused", paused); o.field("acknowledgedAt", acknowledgedAt); o.field("resolvedAt", resolvedAt)
            o.field("closedAt", closedAt); o.field("acknowledgeMet", acknowledgeMet); o.field("resolveMet", resolveMet)
            o.field("escalated", escalated); o.field("rejectionReason", rejectionReason); o.field("referTo", referTo)
            o.field("satisfied", satisfied)
            o.array("timeline", timeline) { text, entry in
                text.object { e in
                    e.field("at", entry.at); e.field("kind", entry.kind); e.field("public", entry.public)
                    e.field("fromStatus", entry.fromStatus?.rawValue); e.field("toStatus", entry.toStatus?.rawValue)
                    e.field("actor", entry.actor); e.field("body", entry.body)
                }
            }
            o.array("notifications", notifications) { text, message in
                text.object { m in
                    m.field("channel", message.channel); m.field("recipient", message.recipient); m.field("state", message.state)
                    m.field("attempts", message.attempts); m.field("lastError", message.lastError); m.field("sentAt", message.sentAt)
                }
            }
        }
        return text.bytes
    }

    /// A case just filed, as `make` would give it once read back: nothing has happened to it yet.
    init(filed f: FiledCase, branchCode: String) {
        self.init(
            id: f.id, reference: f.reference, type: f.type, status: f.status, channel: f.channel, categoryId: f.categoryID,
            subject: f.subject, description: f.details, anonymous: f.anonymous,
            customer: .init(name: f.customerName, email: f.customerEmail, phone: f.customerPhone,
                            idDocument: f.customerIDDocument.map(IdentityNumber.masked),
                            language: f.language, contactBy: f.contactBy, onBehalfOf: f.onBehalfOf, consentGiven: f.consentGiven),
            branch: branchCode, divisionId: f.divisionID, service: f.serviceConcerned, assigneeId: f.assigneeID, receivedAt: f.receivedAt,
            acknowledgeDue: f.acknowledgeDue.iso, resolveDue: f.resolveDue.iso, paused: false, acknowledgedAt: nil, resolvedAt: nil,
            closedAt: nil, acknowledgeMet: nil, resolveMet: nil, escalated: false, rejectionReason: nil, referTo: nil, satisfied: nil,
            timeline: nil, notifications: nil)
    }
}

/// What the customer may see: no internal notes, no officer's names, no other person's data.
struct PublicCaseDTO: Content {
    struct Entry: Content { let at: Date; let status: CaseStatus?; let statusText: String?; let message: String?; let fromCustomer: Bool; let fromAgency: Bool }
    let reference: String
    let type: CaseType
    let status: CaseStatus
    let statusText: String
    let subject: String
    let receivedAt: Date
    let resolveDue: String?
    let rejectionReason: String?
    let referTo: String?
    let timeline: [Entry]

    static func make(_ record: CaseRecord, on db: any Database, catalogue: Catalogue, language: Language) async throws -> PublicCaseDTO {
        let events = try await CaseEvent.query(on: db).filter(\.$caseRecord.$id == record.requireID()).filter(\.$isPublic == true).sort(\.$at).all()
        return PublicCaseDTO(
            reference: record.reference, type: record.type, status: record.status, statusText: catalogue.text(record.status.catalogueKey, language),
            subject: record.subject, receivedAt: record.receivedAt, resolveDue: record.status.isOpen ? record.resolveDue : nil,
            rejectionReason: record.rejectionReason, referTo: record.referTo,
            timeline: events.map { Entry(at: $0.at, status: $0.toStatus, statusText: $0.toStatus.map { catalogue.text($0.catalogueKey, language) },
                                         message: $0.body, fromCustomer: $0.kind == .customerMessage,
                                         fromAgency: $0.body != nil && $0.kind != .customerMessage) })
    }
}
