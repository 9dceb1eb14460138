import Fluent
import Foundation
import LayanCore
import Vapor

/// Engagement sessions behind the counter (PKPA 1/2008 §4d(6)): planned with date, place, audience and invitees;
/// attendance recorded; each thing raised becomes a case, a proposal or a note, with what was done about it.
struct EngagementController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let viewer = routes.access(.staff(.viewSatisfaction))
        let manager = routes.access(.staff(.manageSatisfaction))
        viewer.get(.satisfaction(.engagement), use: list)
        manager.post(.satisfaction(.engagement), use: plan)
        viewer.get(.satisfaction(.engagementSession(":id")), use: show)
        manager.post(.satisfaction(.engagementSession(":id")), use: attendance)
        manager.post(.satisfaction(.engagementItems(":id")), use: raise)
        manager.post(.satisfaction(.engagementItem(":id")), use: act)
    }

    typealias Choice = CharterDeskController.Choice

    struct SessionRow: Encodable, Sendable { let title: String; let href: String; let kind: String; let held: String; let place: String; let attendance: Int?; let items: Int }
    struct ListPage: Encodable, Sendable {
        let layout: LayoutContext
        let sessions: [SessionRow]
        let canManage: Bool
        let kinds: [Choice]
        let branches: [Choice]
        let action: String
        let today: String
    }

    func list(req: Request) async throws -> View {
        let sessions = try await EngagementSession.query(on: req.db).sort(\.$heldOn, .descending).all()
        let items = try await EngagementItem.query(on: req.db).all()
        let branches = try await Branch.query(on: req.db).sort(\.$code).all()
        return try await req.view.render("Satisfaction/engagement", ListPage(
            layout: await LayoutContext.make(for: req, title: req.t("engagement.title")),
            sessions: sessions.map { s in
                SessionRow(title: s.title, href: SiteURL.satisfaction(.engagementSession(s.id!.uuidString)).path, kind: req.t(s.kind.catalogueKey),
                           held: LocalDate(s.heldOn).map { MalaysianTime.longDate($0, in: req.language) } ?? s.heldOn, place: s.place,
                           attendance: s.attendance, items: items.filter { $0.sessionID == s.id }.count)
            }, canManage: req.staff?.allows(.manageSatisfaction) == true,
            kinds: EngagementSession.Kind.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: false) },
            branches: Choice.branches(branches, key: .id, selected: nil, req),
            action: SiteURL.satisfaction(.engagement).path, today: LocalDate(req.application.clock.now()).iso))
    }

    func plan(req: Request) async throws -> Response {
        let f = req.formFields()
        guard let kind = f["kind"].flatMap(EngagementSession.Kind.init(rawValue:)), let title = f["title"], (3...200).contains(title.count),
              let day = f["heldOn"].flatMap({ LocalDate($0) }), let place = f["place"], !place.isEmpty else {
            try await req.flash("error", req.t("engagement.error.plan"))
            return req.seeOther(.satisfaction(.engagement))
        }
        let session = EngagementSession()
        session.kind = kind; session.title = title; session.heldOn = day.iso; session.place = String(place.prefix(300))
        session.audience = String((f["audience"] ?? "").prefix(500)); session.invitees = String((f["invitees"] ?? "").prefix(4000))
        session.branchID = f["branch"].flatMap(UUID.init(uuidString:)); session.createdBy = req.staff!.name; session.createdAt = req.application.clock.now()
        try await session.create(on: req.db)
        try await req.flash("success", req.t("engagement.planned"))
        return req.seeOther(.satisfaction(.engagementSession(session.id!.uuidString)))
    }

    struct ItemRow: Encodable, Sendable {
        let raised: String
        let outcome: String
        let href: String?
        let action: String
        let actAction: String
    }
    struct ShowPage: Encodable, Sendable {
        let layout: LayoutContext
        let title: String
        let kind: String
        let held: String
        let place: String
        let audience: String
        let invitees: String
        let attendance: Int?
        let items: [ItemRow]
        let canManage: Bool
        let outcomes: [Choice]
        let attendanceAction: String
        let raiseAction: String
        let back: String
    }

    private func session(_ req: Request) async throws -> EngagementSession {
        let session = try await req.found(EngagementSession.self)
        return session
    }

    func show(req: Request) async throws -> View {
        let s = try await session(req)
        let items = try await EngagementItem.query(on: req.db).filter(\.$sessionID == s.id!).sort(\.$recordedAt).all()
        var references: [UUID: String] = [:]
        let caseIDs = items.compactMap(\.caseID)
        if !caseIDs.isEmpty { for c in try await CaseRecord.query(on: req.db).filter(\.$id ~~ caseIDs).all() { references[c.id!] = c.reference } }
        return try await req.view.render("Satisfaction/engagement-session", ShowPage(
            layout: await LayoutContext.make(for: req, title: s.title), title: s.title, kind: req.t(s.kind.catalogueKey),
            held: LocalDate(s.heldOn).map { MalaysianTime.longDate($0, in: req.language) } ?? s.heldOn, place: s.place, audience: s.audience,
            invitees: s.invitees, attendance: s.attendance,
            items: items.map { item in
                let href: String? = switch item.outcome {
                case .case: item.caseID.map { SiteURL.cases(.show($0.uuidString)).path }
                case .proposal: item.proposalID.map { SiteURL.satisfaction(.proposal($0.uuidString)).path }
                case .note: nil
                }
                let label = item.caseID.flatMap { references[$0] }.map { "\(req.t(item.outcome.catalogueKey)) \($0)" } ?? req.t(item.outcome.catalogueKey)
                return ItemRow(raised: item.raised, outcome: label, href: href, action: item.action,
                               actAction: SiteURL.satisfaction(.engagementItem(item.id!.uuidString)).path)
            }, canManage: req.staff?.allows(.manageSatisfaction) == true,
            outcomes: EngagementItem.Outcome.allCases.map { Choice(value: $0.rawValue, label: req.t("engagement.becomes.\($0.rawValue)"), selected: $0 == .note) },
            attendanceAction: SiteURL.satisfaction(.engagementSession(s.id!.uuidString)).path,
            raiseAction: SiteURL.satisfaction(.engagementItems(s.id!.uuidString)).path, back: SiteURL.satisfaction(.engagement).path))
    }

    func attendance(req: Request) async throws -> Response {
        let s = try await session(req)
        guard let count = req.formFields()["attendance"].flatMap({ Int($0) }), (0...100_000).contains(count) else {
            try await req.flash("error", req.t("engagement.error.attendance"))
            return req.seeOther(.satisfaction(.engagementSession(s.id!.uuidString)))
        }
        s.attendance = count
        try await s.save(on: req.db)
        return req.seeOther(.satisfaction(.engagementSession(s.id!.uuidString)))
    }

    /// Something raised: kept as a note, filed as a suggestion case (anonymous, entered by the officer), or opened as a
    /// proposal owned by the officer recording it.
    func raise(req: Request) async throws -> Response {
        let s = try await session(req)
        let f = req.formFields()
        let raised = (f["raised"] ?? "").trimmed
        guard (3...4000).contains(raised.count), let outcome = f["outcome"].flatMap(EngagementItem.Outcome.init(rawValue:)) else {
            try await req.flash("error", req.t("engagement.error.item"))
            return req.seeOther(.satisfaction(.engagementSession(s.id!.uuidString)))
        }
        let staff = req.staff!
        let item = EngagementItem()
        item.sessionID = s.id!; item.raised = raised; item.outcome = outcome; item.action = ""; item.recordedBy = staff.name
        item.recordedAt = req.application.clock.now()
        switch outcome {
        case .note:
            break
        case .case:
            let branchID: UUID
            if let own = s.branchID ?? staff.branchID { branchID = own } else { branchID = try await Branch.query(on: req.db).sort(\.$code).first()!.id! }
            var new = NewCase(type: .suggestion, channel: .walkIn, categoryID: nil, subject: String(s.title.prefix(150)), details: raised, branchID: branchID)
            new.anonymous = true
            item.caseID = try await CaseEngine(app: req.application).create(new, by: .staff(staff)).id
        case .proposal:
            let proposal = try await ProposalDesk(app: req.application).open(.init(
                title: String(raised.prefix(200)), details: raised, source: .engagement,
                evidence: "\(req.t(s.kind.catalogueKey)): \(s.title), \(s.heldOn)", branchID: s.branchID, ownerID: staff.id,
                due: LocalDate(req.application.clock.now()).adding(days: 60)), by: staff)
            item.proposalID = proposal.id
        }
        try await item.create(on: req.db)
        try await req.flash("success", req.t("engagement.raised"))
        return req.seeOther(.satisfaction(.engagementSession(s.id!.uuidString)))
    }

    func act(req: Request) async throws -> Response {
        let item = try await req.found(EngagementItem.self)
        item.action = String((req.formFields()["action"] ?? "").trimmed.prefix(4000))
        try await item.save(on: req.db)
        try await req.flash("success", req.t("engagement.actionSaved"))
        return req.seeOther(.satisfaction(.engagementSession(item.sessionID.uuidString)))
    }
}
