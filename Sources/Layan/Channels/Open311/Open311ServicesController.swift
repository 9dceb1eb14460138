import Fluent
import Foundation
import LayanCore
import Vapor

/// Administrators choose what the agency offers through Open311: each service maps to a case type (and
/// category), goes to a branch, and may ask for extra fields. Unpublished services vanish from `services` but
/// keep their past requests readable.
struct Open311ServicesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.access(.staff(.manageOrganisation))
        admin.get(.channels(.open311Services), use: list)
        admin.get(.channels(.newOpen311Service), use: new)
        admin.post(.channels(.open311Services), use: create)
        admin.get(.channels(.open311Service(":id")), use: edit)
        admin.post(.channels(.open311Service(":id")), use: update)
    }

    struct Row: Encodable, Sendable {
        let href: String, code: String, name: String, type: String, branch: String, published: Bool, attributes: Int
    }
    struct ListPage: Encodable, Sendable {
        let layout: LayoutContext; let services: [Row]; let newHref: String; let endpoint: String
    }
    struct EditPage: Encodable, Sendable {
        let layout: LayoutContext; let form: FormContext; let action: String; let heading: String
        let types: [Choice]; let categories: [Choice]; let branches: [Choice]; let published: Bool
    }

    static let form = FormFields(
        ("code", "open311.code"), ("nameMs", "open311.nameMs"), ("nameEn", "open311.nameEn"), ("type", "open311.type"),
        ("categoryId", "open311.category"), ("branchId", "open311.branch"), ("descriptionMs", "open311.descriptionMs"),
        ("descriptionEn", "open311.descriptionEn"), ("group", "open311.group"), ("keywords", "open311.keywords"),
        ("position", "open311.position"), ("attributes", "open311.attributes"))

    func list(req: Request) async throws -> View {
        let branches = Dictionary(uniqueKeysWithValues: try await Branch.query(on: req.db).all().map { ($0.id!, $0.name) })
        let services = try await Open311ServiceRecord.query(on: req.db).sort(\.$position).sort(\.$code).all().map {
            Row(href: SiteURL.channels(.open311Service($0.id!.uuidString)).path, code: $0.code, name: $0.name(in: req.language),
                type: req.t($0.type.catalogueKey), branch: branches[$0.$branch.id] ?? "", published: $0.published, attributes: $0.attributes.count)
        }
        return try await req.view.render("Channels/open311Services", ListPage(
            layout: await LayoutContext.make(for: req, title: req.t("open311.title")), services: services,
            newHref: SiteURL.channels(.newOpen311Service).path,
            endpoint: req.application.settings.messaging.publicBaseURL + SiteURL.open311(.discovery("json")).path))
    }

    func new(req: Request) async throws -> View {
        try await req.view.render("Channels/open311Service", try await page(req, values: ["position": "1"], errors: [:], published: true, existing: nil))
    }

    func edit(req: Request) async throws -> View {
        let service = try await req.find(Open311ServiceRecord.self)
        let values = [
            "code": service.code, "nameMs": service.nameMs, "nameEn": service.nameEn, "type": service.type.rawValue,
            "categoryId": service.$category.id?.uuidString ?? "", "branchId": service.$branch.id.uuidString,
            "descriptionMs": service.descriptionMs, "descriptionEn": service.descriptionEn, "group": service.group,
            "keywords": service.keywords, "position": String(service.position), "attributes": Open311AttributeLines.text(of: service.attributes),
        ]
        return try await req.view.render("Channels/open311Service", try await page(req, values: values, errors: [:], published: service.published, existing: service))
    }

    func create(req: Request) async throws -> Response { try await save(req, existing: nil) }
    func update(req: Request) async throws -> Response { try await save(req, existing: try await req.find(Open311ServiceRecord.self)) }

    private func page(_ req: Request, values: [String: String], errors: [String: String], published: Bool,
                      existing: Open311ServiceRecord?) async throws -> EditPage {
        let categories = try await CaseCategory.query(on: req.db).filter(\.$active == true).sort(\.$type).sort(\.$code).all()
        let branches = try await Branch.query(on: req.db).sort(\.$code).all()
        let heading = existing?.name(in: req.language) ?? req.t("open311.new")
        return EditPage(
            layout: await LayoutContext.make(for: req, title: heading),
            form: try await req.form(values: values, errors: errors, fields: Self.form),
            action: existing.map { SiteURL.channels(.open311Service($0.id!.uuidString)).path } ?? SiteURL.channels(.open311Services).path,
            heading: heading,
            types: CaseType.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: values["type"] == $0.rawValue) },
            categories: categories.map { Choice(value: $0.id!.uuidString, label: req.t($0.type.catalogueKey) + ": " + $0.name(in: req.language),
                                                selected: values["categoryId"] == $0.id!.uuidString) },
            branches: branches.map { Choice(value: $0.id!.uuidString, label: "\($0.code) — \($0.name)", selected: values["branchId"] == $0.id!.uuidString) },
            published: published)
    }

    private func save(_ req: Request, existing: Open311ServiceRecord?) async throws -> Response {
        var check = FormValidator(req)
        let code = check.text("code", max: 64)
        if let code, !Open311Attribute.isCode(code) { check.fail("code", "open311.error.code") }
        let nameMs = check.text("nameMs"), nameEn = check.text("nameEn")
        let type = check.choice("type", as: CaseType.self)
        let categoryID = check.uuid("categoryId")
        let branchID = check.uuid("branchId", required: true)
        let descriptionMs = check.text("descriptionMs", max: 1000, required: false), descriptionEn = check.text("descriptionEn", max: 1000, required: false)
        let group = check.text("group", max: 100, required: false), keywords = check.text("keywords", max: 500, required: false)
        let position = Int(check.fields["position"] ?? "") ?? 0
        if !(0...999).contains(position) { check.fail("position", "open311.error.position") }
        var attributes: [Open311Attribute] = []
        if let text = check.text("attributes", max: 20_000, required: false) {
            switch Open311AttributeLines.parse(text) {
            case let .success(parsed): attributes = parsed
            case let .failure(problem): check.fail("attributes", problem.catalogueKey, ["line": String(problem.line)])
            }
        }
        if let code, try await Open311ServiceRecord.query(on: req.db).filter(\.$code == code).filter(\.$id != existing?.id ?? UUID()).count() > 0 {
            check.fail("code", "form.error.taken")
        }
        if let categoryID {
            let category = try await CaseCategory.find(categoryID, on: req.db)
            if category == nil || category?.type != type { check.fail("categoryId", "open311.error.category") }
        }
        if let branchID, try await Branch.find(branchID, on: req.db) == nil { check.fail("branchId", "form.error.choose") }
        let published = check.fields["published"] != nil
        guard check.isValid, let code, let nameMs, let nameEn, let type, let branchID else {
            return try await req.render("Channels/open311Service", try await page(req, values: check.fields, errors: check.errors, published: published,
                                                                                  existing: existing), status: .unprocessableEntity)
        }
        let service = existing ?? Open311ServiceRecord()
        let before = existing?.auditSnapshot
        service.code = code; service.nameMs = nameMs; service.nameEn = nameEn; service.type = type
        service.$category.id = categoryID; service.$branch.id = branchID
        service.descriptionMs = descriptionMs ?? ""; service.descriptionEn = descriptionEn ?? ""
        service.group = group ?? ""; service.keywords = keywords ?? ""; service.position = position
        service.published = published; service.attributes = attributes; service.updatedAt = req.application.clock.now()
        try await Audit.save(service, before: before, by: req)
        try await req.flash("success", req.t("form.saved"))
        return req.seeOther(.channels(.open311Services))
    }
}
