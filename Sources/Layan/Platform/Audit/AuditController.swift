import Fluent
import LayanCore
import SQLKit
import Vapor

/// The audit trail for administrators and heads of unit: filter by who, what, which record and when.
/// Read-only: there is no route that changes or deletes an entry.
struct AuditController: RouteCollection {
    static let pageSize = 50

    func boot(routes: any RoutesBuilder) throws {
        routes.access(.staff(.viewAuditTrail)).get(.adminAudit, use: page)
    }

    struct Filters: Sendable {
        var actor: String?
        var action: AuditAction?
        var entity: String?
        var from: LocalDate?
        var to: LocalDate?
        var page = 1
    }

    struct Row: Encodable, Sendable {
        let at: String; let actor: String; let action: String; let entity: String; let entityID: String; let changes: String; let ip: String; let requestID: String
        /// The record as people know it (a case's reference, a person's or branch's name), and where it opens.
        let record: String?
        let href: String?
    }

    /// Names for the records on one page of the trail, in one query per kind: the trail keeps ids (they never
    /// change), people read references and names. A record links only where the reader may open it (their
    /// permission, and for a case their scope).
    static func names(for events: some Collection<AuditEvent>, by req: Request) async throws -> [String: (name: String, href: String?)] {
        let db = req.db
        let staff = req.staff
        func ids(_ entity: String) -> [UUID] { events.filter { $0.entityType == entity }.compactMap { $0.entityID.flatMap(UUID.init(uuidString:)) } }
        var names: [String: (name: String, href: String?)] = [:]
        let readsCases = staff?.allows(.viewCases) == true
        for record in try await CaseRecord.query(on: db).filter(\.$id ~~ ids("case")).field(\.$id).field(\.$reference).field(\.$branch.$id)
            .field(\.$division.$id).field(\.$assignee.$id).all() {
            let opens = readsCases && ((try? req.requireInScope(branch: record.$branch.id, unit: record.$division.id, assignee: record.$assignee.id)) != nil)
            names["case:" + record.id!.uuidString] = (record.reference, opens ? CaseURL.staff(record.id!) : nil)
        }
        let managesStaff = staff?.allows(.manageStaff) == true, managesOrganisation = staff?.allows(.manageOrganisation) == true
        for person in try await Staff.query(on: db).filter(\.$id ~~ ids("staff")).field(\.$id).field(\.$name).all() {
            names["staff:" + person.id!.uuidString] = (person.name, managesStaff ? SiteURL.adminStaff(person.id!.uuidString).path : nil)
        }
        for branch in try await Branch.query(on: db).filter(\.$id ~~ ids("branch")).field(\.$id).field(\.$name).all() {
            names["branch:" + branch.id!.uuidString] = (branch.name, managesOrganisation ? SiteURL.adminBranch(branch.id!.uuidString).path : nil)
        }
        for division in try await Division.query(on: db).filter(\.$id ~~ ids("division")).field(\.$id).field(\.$code).all() {
            names["division:" + division.id!.uuidString] = (division.code, nil)
        }
        return names
    }

    struct Page: Encodable, Sendable {
        let layout: LayoutContext
        let rows: [Row]
        let actor: String
        let entity: String
        let from: String
        let to: String
        let actions: [Choice]
        let previous: String?
        let next: String?
        let errors: [String: String]
    }

    /// Newest first; `limit + 1` rows are read to know whether a next page exists.
    static func query(_ filters: Filters, on db: any Database, limit: Int = pageSize) async throws -> [AuditEvent] {
        var query = AuditEvent.query(on: db)
        if let actor = filters.actor, !actor.isEmpty { query = query.filter(\.$actor == actor.lowercased()) }
        if let action = filters.action { query = query.filter(\.$action == action) }
        if let entity = filters.entity, !entity.isEmpty { query = query.filter(\.$entityType == entity) }
        if let from = filters.from { query = query.filter(\.$at >= from.startInstant) }
        if let to = filters.to { query = query.filter(\.$at < to.adding(days: 1).startInstant) }
        return try await query.sort(\.$at, .descending).range(((filters.page - 1) * limit)..<(filters.page * limit + 1)).all()
    }

    func page(req: Request) async throws -> View {
        var filters = Filters()
        var errors: [String: String] = [:]
        filters.actor = req.query[String.self, at: "actor"]?.trimmingCharacters(in: .whitespaces)
        filters.entity = req.query[String.self, at: "entity"]?.trimmingCharacters(in: .whitespaces)
        filters.action = req.query[String.self, at: "action"].flatMap(AuditAction.init(rawValue:))
        let fromText = req.query[String.self, at: "from"] ?? "", toText = req.query[String.self, at: "to"] ?? ""
        if !fromText.isEmpty { filters.from = LocalDate(fromText); if filters.from == nil { errors["from"] = req.t("form.error.date") } }
        if !toText.isEmpty { filters.to = LocalDate(toText); if filters.to == nil { errors["to"] = req.t("form.error.date") } }
        filters.page = min(max(1, req.query[Int.self, at: "page"] ?? 1), 10_000)
        let events = try await Self.query(filters, on: req.db)
        let names = try await Self.names(for: events.prefix(Self.pageSize), by: req)
        let rows = events.prefix(Self.pageSize).map { event in
            let named = event.entityID.flatMap { names[event.entityType + ":" + $0] }
            return Row(at: MalaysianTime.dateTime(event.at, in: req.language),
                       actor: event.actor, action: req.t(event.action.catalogueKey), entity: req.t("audit.entity.\(event.entityType)"),
                       entityID: event.entityID ?? "", changes: event.changes ?? "", ip: event.ip ?? "", requestID: event.requestID ?? "",
                       record: named?.name, href: named?.href)
        }
        func link(_ page: Int) -> String {
            var components = URLComponents()
            components.path = SiteURL.adminAudit.path
            components.queryItems = [("actor", filters.actor), ("action", filters.action?.rawValue), ("entity", filters.entity),
                                     ("from", fromText), ("to", toText), ("page", "\(page)")]
                .compactMap { name, value in value.flatMap { $0.isEmpty ? nil : URLQueryItem(name: name, value: $0) } }
            return components.string ?? SiteURL.adminAudit.path
        }
        return try await req.view.render("Platform/audit", Page(
            layout: await LayoutContext.make(for: req, title: req.t("audit.title")), rows: Array(rows),
            actor: filters.actor ?? "", entity: filters.entity ?? "", from: fromText, to: toText,
            actions: AuditAction.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: $0 == filters.action) },
            previous: filters.page > 1 ? link(filters.page - 1) : nil, next: events.count > Self.pageSize ? link(filters.page + 1) : nil,
            errors: errors))
    }
}
