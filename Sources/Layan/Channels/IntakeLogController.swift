import Fluent
import Foundation
import LayanCore
import Vapor

/// The intake log page: everything that arrived by an inbound channel, newest first, by channel and outcome.
struct IntakeLogController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.access(.staff(.viewCases)).get(.channels(.intake), use: page)
    }

    struct Row: Encodable, Sendable {
        let at: String, channel: String, provider: String, sender: String?, summary: String, outcome: String, outcomeCode: String
        let reason: String?, caseReference: String?, caseHref: String?
    }
    struct Page: Encodable, Sendable {
        let layout: LayoutContext; let rows: [Row]; let channels: [Choice]; let outcomes: [Choice]; let action: String; let limit: Int
        let failedMailHref: String; let failedMailWaiting: Int
    }

    static let limit = 200

    func page(req: Request) async throws -> View {
        let channel = req.query[String.self, at: "channel"].flatMap(CaseChannel.init(rawValue:))
        let outcome = req.query[String.self, at: "outcome"].flatMap(IntakeEntry.Outcome.init(rawValue:))
        var query = IntakeEntry.query(on: req.db).sort(\.$at, .descending).limit(Self.limit)
        if let channel { query = query.filter(\.$channel == channel) }
        if let outcome { query = query.filter(\.$outcome == outcome) }
        let entries = try await query.all()
        let caseIDs = entries.compactMap { $0.$caseRecord.id }
        let references = caseIDs.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await CaseRecord.query(on: req.db)
            .filter(\.$id ~~ caseIDs).field(\.$id).field(\.$reference).all().map { ($0.id!, $0.reference) })
        let rows = entries.map { entry in
            Row(at: MalaysianTime.dateTime(entry.at, in: req.language), channel: req.t(entry.channel.catalogueKey), provider: entry.provider,
                sender: entry.sender, summary: entry.summary, outcome: req.t(entry.outcome.catalogueKey), outcomeCode: entry.outcome.rawValue,
                reason: entry.reason, caseReference: entry.$caseRecord.id.flatMap { references[$0] },
                caseHref: entry.$caseRecord.id.map { SiteURL.cases(.show($0.uuidString)).path })
        }
        let inbound: [CaseChannel] = [.open311, .email, .sms, .whatsapp, .facebook, .x, .counterForm, .feedbackBox]
        return try await req.view.render("Channels/intake", Page(
            layout: await LayoutContext.make(for: req, title: req.t("intake.title")), rows: rows,
            channels: inbound.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: $0 == channel) },
            outcomes: IntakeEntry.Outcome.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: $0 == outcome) },
            action: SiteURL.channels(.intake).path, limit: Self.limit,
            failedMailHref: SiteURL.channels(.failedMail).path,
            failedMailWaiting: try await FailedMail.query(on: req.db).filter(\.$state == .waiting).count()))
    }
}
