import Fluent
import Foundation
import LayanCore
import Vapor

/// Improvement proposals behind the counter, the public "you said, we did" page, and `listImprovementProposals`.
struct ProposalController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let viewer = routes.access(.staff(.viewSatisfaction))
        viewer.get(.satisfaction(.proposals), use: list)
        let manager = routes.access(.staff(.manageSatisfaction))
        manager.get(.satisfaction(.newProposal), use: newForm)
        manager.post(.satisfaction(.proposals), use: create)
        viewer.get(.satisfaction(.proposal(":id")), use: show)
        manager.post(.satisfaction(.reviewProposal(":id")), use: review)
        manager.post(.satisfaction(.publishProposal(":id")), use: publish)
        routes.access(.anyone).get(.satisfaction(.youSaidWeDid), use: youSaidWeDid)
        routes.access(.api(.satisfactionRead)).get(.api(.improvementProposals), use: api)
    }

    typealias Choice = CharterDeskController.Choice

    struct Row: Encodable, Sendable {
        let title: String
        let href: String
        let source: String
        let owner: String
        let due: String
        let status: String
        let overdue: Bool
        let reviewedThisMonth: Bool
        let published: Bool
    }
    struct ListPage: Encodable, Sendable { let layout: LayoutContext; let rows: [Row]; let newHref: String?; let publicHref: String }

    func list(req: Request) async throws -> View {
        let today = LocalDate(req.application.clock.now())
        let proposals = try await ImprovementProposal.query(on: req.db).sort(\.$due).all()
        let names = try await Staff.byID(\.name, on: req.db)
        let month = CharterMonth(containing: today).key
        let reviewed = Set(try await ProposalReview.query(on: req.db).filter(\.$month == month).all().map(\.proposalID))
        let rows = proposals.sorted { ($0.status.isOpen ? 0 : 1, $0.due) < ($1.status.isOpen ? 0 : 1, $1.due) }.map { p in
            Row(title: p.title, href: SiteURL.satisfaction(.proposal(p.id!.uuidString)).path, source: req.t(p.source.catalogueKey),
                owner: names[p.ownerID] ?? "", due: p.dueDate.map { MalaysianTime.longDate($0, in: req.language) } ?? p.due,
                status: req.t(p.status.catalogueKey), overdue: p.status.isOpen && (p.dueDate ?? today) < today,
                reviewedThisMonth: !p.status.isOpen || reviewed.contains(p.id!), published: p.published)
        }
        return try await req.view.render("Satisfaction/proposals", ListPage(
            layout: await LayoutContext.make(for: req, title: req.t("proposal.title")), rows: rows,
            newHref: req.staff?.allows(.manageSatisfaction) == true ? SiteURL.satisfaction(.newProposal).path : nil,
            publicHref: SiteURL.satisfaction(.youSaidWeDid).path))
    }


    struct FormPage: Encodable, Sendable {
        let layout: LayoutContext
        let action: String
        let title: String
        let details: String
        let evidence: String
        let due: String
        let sources: [Choice]
        let owners: [Choice]
        let branches: [Choice]
        let errors: [String: String]
    }

    func newForm(req: Request) async throws -> View {
        let today = LocalDate(req.application.clock.now())
        return try await renderForm(req, title: req.query[String.self, at: "title"] ?? "", details: "",
                                    evidence: req.query[String.self, at: "evidence"] ?? "", due: today.adding(days: 60).iso,
                                    source: req.query[String.self, at: "source"].flatMap(ProposalSource.init(rawValue:)) ?? .lowScore,
                                    owner: req.staff?.id, branch: nil, errors: [:])
    }

    private func renderForm(_ req: Request, title: String, details: String, evidence: String, due: String, source: ProposalSource, owner: UUID?,
                            branch: UUID?, errors: [String: String]) async throws -> View {
        let staff = try await Staff.query(on: req.db).filter(\.$active == true).sort(\.$name).all()
        let branches = try await Branch.query(on: req.db).sort(\.$code).all()
        return try await req.view.render("Satisfaction/proposal-form", FormPage(
            layout: await LayoutContext.make(for: req, title: req.t("proposal.new")), action: SiteURL.satisfaction(.proposals).path,
            title: title, details: details, evidence: evidence, due: due,
            sources: ProposalSource.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: $0 == source) },
            owners: staff.map { Choice(value: $0.id!.uuidString, label: $0.name, selected: $0.id == owner) },
            branches: Choice.branches(branches, key: .id, selected: branch?.uuidString, req),
            errors: errors.mapValues { req.t($0) }))
    }

    func create(req: Request) async throws -> Response {
        let f = req.formFields()
        let source = f["source"].flatMap(ProposalSource.init(rawValue:)) ?? .other
        let owner = f["owner"].flatMap(UUID.init(uuidString:))
        let branch = f["branch"].flatMap(UUID.init(uuidString:))
        guard let due = f["due"].flatMap({ LocalDate($0) }), let owner else {
            let view = try await renderForm(req, title: f["title"] ?? "", details: f["details"] ?? "", evidence: f["evidence"] ?? "", due: f["due"] ?? "",
                                            source: source, owner: owner, branch: branch,
                                            errors: owner == nil ? ["owner": "form.error.choose"] : ["due": "proposal.error.due"])
            return try await view.encodeResponse(status: .unprocessableEntity, for: req)
        }
        do {
            let proposal = try await ProposalDesk(app: req.application).open(.init(
                title: f["title"] ?? "", details: f["details"] ?? "", source: source, evidence: f["evidence"] ?? "", branchID: branch, ownerID: owner, due: due),
                by: req.staff!)
            try await req.flash("success", req.t("proposal.opened"))
            return req.seeOther(.satisfaction(.proposal(proposal.id!.uuidString)))
        } catch let ProposalDesk.Failure.invalid(problems) {
            let view = try await renderForm(req, title: f["title"] ?? "", details: f["details"] ?? "", evidence: f["evidence"] ?? "", due: f["due"] ?? "",
                                            source: source, owner: owner, branch: branch, errors: problems)
            return try await view.encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    struct ReviewLine: Encodable, Sendable { let month: String; let status: String?; let note: String; let by: String; let at: String }
    struct ShowPage: Encodable, Sendable {
        let layout: LayoutContext
        let title: String
        let details: String
        let evidence: String
        let source: String
        let owner: String
        let due: String
        let status: String
        let overdue: Bool
        let reviews: [ReviewLine]
        let canManage: Bool
        let next: [Choice]
        let reviewAction: String
        let done: Bool
        let published: Bool
        let saidMS: String
        let saidEN: String
        let didMS: String
        let didEN: String
        let publishAction: String
        let back: String
    }

    private func proposal(_ req: Request) async throws -> ImprovementProposal {
        let proposal = try await req.found(ImprovementProposal.self)
        return proposal
    }

    func show(req: Request) async throws -> View {
        let p = try await proposal(req)
        let today = LocalDate(req.application.clock.now())
        let names = try await Staff.byID(\.name, on: req.db)
        let reviews = try await ProposalReview.query(on: req.db).filter(\.$proposalID == p.id!).sort(\.$writtenAt, .descending).all()
        return try await req.view.render("Satisfaction/proposal", ShowPage(
            layout: await LayoutContext.make(for: req, title: p.title), title: p.title, details: p.details, evidence: p.evidence,
            source: req.t(p.source.catalogueKey), owner: names[p.ownerID] ?? "",
            due: p.dueDate.map { MalaysianTime.longDate($0, in: req.language) } ?? p.due, status: req.t(p.status.catalogueKey),
            overdue: p.status.isOpen && (p.dueDate ?? today) < today,
            reviews: reviews.map { ReviewLine(month: $0.month, status: $0.status.map { req.t($0.catalogueKey) }, note: $0.note, by: $0.writtenBy,
                                              at: MalaysianTime.dateTime($0.writtenAt, in: req.language)) },
            canManage: req.staff?.allows(.manageSatisfaction) == true,
            next: [Choice(value: "", label: req.t("proposal.keepStatus"), selected: true)]
                + p.status.next.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: false) },
            reviewAction: SiteURL.satisfaction(.reviewProposal(p.id!.uuidString)).path, done: p.status == .done, published: p.published,
            saidMS: p.saidMS, saidEN: p.saidEN, didMS: p.didMS, didEN: p.didEN,
            publishAction: SiteURL.satisfaction(.publishProposal(p.id!.uuidString)).path, back: SiteURL.satisfaction(.proposals).path))
    }

    func review(req: Request) async throws -> Response {
        let p = try await proposal(req)
        let f = req.formFields()
        let status = f["status"].flatMap { $0.isEmpty ? nil : ProposalStatus(rawValue: $0) }
        do {
            try await ProposalDesk(app: req.application).review(p, note: f["note"] ?? "", to: status, by: req.staff!)
            try await req.flash("success", req.t("proposal.reviewed"))
        } catch ProposalDesk.Failure.noteRequired {
            try await req.flash("error", req.t("proposal.error.note"))
        } catch ProposalDesk.Failure.notAllowed {
            try await req.flash("error", req.t("proposal.error.status"))
        }
        return req.seeOther(.satisfaction(.proposal(p.id!.uuidString)))
    }

    func publish(req: Request) async throws -> Response {
        let p = try await proposal(req)
        let f = req.formFields()
        do {
            try await ProposalDesk(app: req.application).publish(p, said: (f["saidMs"] ?? "", f["saidEn"] ?? ""), did: (f["didMs"] ?? "", f["didEn"] ?? ""),
                                                                 published: f["published"] == "on")
            try await req.flash("success", req.t(p.published ? "proposal.published" : "proposal.saved"))
        } catch ProposalDesk.Failure.notDone {
            try await req.flash("error", req.t("proposal.error.notDone"))
        } catch ProposalDesk.Failure.textMissing {
            try await req.flash("error", req.t("proposal.error.text"))
        }
        return req.seeOther(.satisfaction(.proposal(p.id!.uuidString)))
    }

    struct Improvement: Encodable, Sendable { let said: String; let did: String; let when: String }
    struct PublicPage: Encodable, Sendable { let layout: LayoutContext; let items: [Improvement]; let feedbackHref: String }

    /// PKPA 1/2008 §3 function 6: publicise the improvements made.
    func youSaidWeDid(req: Request) async throws -> View {
        let done = try await ImprovementProposal.query(on: req.db).filter(\.$published == true).filter(\.$status == .done)
            .sort(\.$doneAt, .descending).limit(100).all()
        return try await req.view.render("Satisfaction/you-said-we-did", PublicPage(
            layout: await LayoutContext.make(for: req, title: req.t("proposal.public.title")),
            items: done.map { p in
                Improvement(said: req.language == .en ? p.saidEN : p.saidMS, did: req.language == .en ? p.didEN : p.didMS,
                            when: p.doneAt.map { MalaysianTime.longDate(LocalDate($0), in: req.language) } ?? "")
            }, feedbackHref: SiteURL.cases(.portal).path))
    }

    struct ProposalDTO: Content {
        let id: UUID
        let title: String
        let source: ProposalSource
        let status: ProposalStatus
        let owner: String
        let due: String
        let overdue: Bool
        let published: Bool
        let createdAt: Date
        let doneAt: Date?
    }

    func api(req: Request) async throws -> [ProposalDTO] {
        var query = ImprovementProposal.query(on: req.db).sort(\.$due)
        if let text = req.query[String.self, at: "status"], !text.isEmpty {
            guard let status = ProposalStatus(rawValue: text) else {
                throw ValidationFailure(["status": "proposed, approved, in_progress, done or dropped"], reason: "Unknown status", status: .badRequest)
            }
            query = query.filter(\.$status == status)
        }
        let today = LocalDate(req.application.clock.now())
        let names = try await Staff.byID(\.name, on: req.db)
        return try await query.all().map { p in
            ProposalDTO(id: p.id!, title: p.title, source: p.source, status: p.status, owner: names[p.ownerID] ?? "", due: p.due,
                        overdue: p.status.isOpen && (p.dueDate ?? today) < today, published: p.published, createdAt: p.createdAt, doneAt: p.doneAt)
        }
    }
}
