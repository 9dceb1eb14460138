import Fluent
import LayanCore
import SQLKit
import Vapor

/// Administrators add staff, set their roles, deactivate them and reset their passwords.
struct StaffAdminController: RouteCollection {
    static let pageSize = 50
    static let form = FormFields(("name", "staff.name"), ("email", "staff.email"), ("phone", "staff.phone"), ("extension", "staff.extension"), ("serviceGroup", "staff.serviceGroup"), ("divisionId", "staff.division"), ("branchId", "staff.branch"), ("roles", "staff.roles"), ("duties", "staff.duties"))
    static let fields = form.order

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.access(.staff(.manageStaff))
        admin.get(.adminStaffList, use: list)
        admin.get(.adminNewStaff, use: newStaff)
        admin.post(.adminStaffList, use: create)
        admin.get(.adminStaff(":id"), use: edit)
        admin.post(.adminStaff(":id"), use: update)
        admin.post(.adminResetPassword(":id"), use: resetPassword)
    }

    struct Row: Encodable, Sendable {
        let href: String; let name: String; let email: String; let roles: String; let branch: String; let active: Bool
    }

    struct ListPage: Encodable, Sendable {
        let layout: LayoutContext
        let rows: [Row]
        let q: String
        let roles: [Choice]
        let newHref: String
        let previous: String?
        let next: String?
        let total: Int
    }

    struct FormPage: Encodable, Sendable {
        let layout: LayoutContext
        let form: FormContext
        let action: String
        let heading: String
        let groups: [Choice]
        let divisions: [Choice]
        let branches: [Choice]
        let roles: [Choice]
        let active: Bool
        let resetAction: String?
    }

    struct SecretPage: Encodable, Sendable {
        let layout: LayoutContext
        let heading: String
        let name: String
        let email: String
        let password: String
        let back: String
    }

    func list(req: Request) async throws -> View {
        let q = (req.query[String.self, at: "q"] ?? "").trimmingCharacters(in: .whitespaces)
        let role = req.query[String.self, at: "role"].flatMap(StaffRole.init(rawValue:))
        let page = max(1, req.query[Int.self, at: "page"] ?? 1)
        var query = Staff.query(on: req.db).with(\.$branch)
        if !q.isEmpty {
            let pattern = "%\(q.lowercased())%"
            query = query.group(.or) { or in
                or.filter(.sql(unsafeRaw: "LOWER(staff.name)"), .custom("LIKE"), .bind(pattern))
                or.filter(.sql(unsafeRaw: "LOWER(staff.email)"), .custom("LIKE"), .bind(pattern))
            }
        }
        var all = try await query.sort(\.$name).all()
        if let role { all = all.filter { $0.roles.contains(role) } }
        let total = all.count
        let rows = all.dropFirst((page - 1) * Self.pageSize).prefix(Self.pageSize).map { staff in
            Row(href: SiteURL.adminStaff(staff.id!.uuidString).path, name: staff.name, email: staff.email,
                roles: staff.roles.map { req.t($0.catalogueKey) }.joined(separator: ", "), branch: staff.branch?.name ?? "—", active: staff.active)
        }
        func link(_ p: Int) -> String {
            var items = ["page=\(p)"]
            if !q.isEmpty { items.append("q=\(q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")") }
            if let role { items.append("role=\(role.rawValue)") }
            return SiteURL.adminStaffList.path + "?" + items.joined(separator: "&")
        }
        return try await req.view.render("Organisation/staffList", ListPage(
            layout: await LayoutContext.make(for: req, title: req.t("staff.title")), rows: Array(rows), q: q,
            roles: StaffRole.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: $0 == role) },
            newHref: SiteURL.adminNewStaff.path,
            previous: page > 1 ? link(page - 1) : nil, next: page * Self.pageSize < total ? link(page + 1) : nil, total: total))
    }

    func newStaff(req: Request) async throws -> View {
        try await req.view.render("Organisation/staff", try await formPage(req, staff: nil, values: ["serviceGroup": ServiceGroup.support.rawValue], roles: [], active: true))
    }

    func edit(req: Request) async throws -> View {
        let staff = try await find(req)
        let values = ["name": staff.name, "email": staff.email, "phone": staff.phone ?? "", "extension": staff.phoneExtension ?? "",
                      "serviceGroup": staff.serviceGroup.rawValue, "divisionId": staff.$division.id?.uuidString ?? "",
                      "branchId": staff.$branch.id?.uuidString ?? "", "duties": staff.duties ?? ""]
        return try await req.view.render("Organisation/staff", try await formPage(req, staff: staff, values: values, roles: Set(staff.roles), active: staff.active))
    }

    private func find(_ req: Request) async throws -> Staff { try await req.find(Staff.self) }

    private func formPage(_ req: Request, staff: Staff?, values: [String: String], roles: Set<StaffRole>, active: Bool,
                          errors: [String: String] = [:]) async throws -> FormPage {
        let divisions = try await Division.query(on: req.db).sort(\.$code).all()
        let branches = try await Branch.query(on: req.db).sort(\.$code).all()
        return FormPage(
            layout: await LayoutContext.make(for: req, title: staff?.name ?? req.t("staff.new")),
            form: try await req.form(values: values, errors: errors, fields: Self.form),
            action: staff.map { SiteURL.adminStaff($0.id!.uuidString).path } ?? SiteURL.adminStaffList.path,
            heading: staff?.name ?? req.t("staff.new"),
            groups: ServiceGroup.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: values["serviceGroup"] == $0.rawValue) },
            divisions: divisions.map { Choice(value: $0.id!.uuidString, label: req.language == .ms ? $0.nameMs : $0.nameEn, selected: values["divisionId"] == $0.id!.uuidString) },
            branches: branches.map { Choice(value: $0.id!.uuidString, label: $0.name, selected: values["branchId"] == $0.id!.uuidString) },
            roles: StaffRole.allCases.map { Choice(value: $0.rawValue, label: req.t($0.catalogueKey), selected: roles.contains($0)) },
            active: active,
            resetAction: staff.map { SiteURL.adminResetPassword($0.id!.uuidString).path })
    }

    struct Submitted: Content {
        var roles: [String]?
        var active: String?
    }

    func create(req: Request) async throws -> Response { try await save(req, existing: nil) }
    func update(req: Request) async throws -> Response { try await save(req, existing: try await find(req)) }

    private func save(_ req: Request, existing: Staff?) async throws -> Response {
        let submitted = (try? req.content.decode(Submitted.self)) ?? Submitted()
        var scalar = [String: String]()
        for field in Self.fields where field != "roles" { scalar[field] = (req.content[String.self, at: field] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        var check = FormValidator(req, fields: scalar)
        let name = check.text("name"), email = check.email("email"), phone = check.phone("phone")
        let ext = check.text("extension", max: 10, required: false)
        if let ext, !ext.allSatisfy(\.isNumber) { check.fail("extension", "staff.error.extension") }
        let group = check.choice("serviceGroup", as: ServiceGroup.self)
        let divisionID = check.uuid("divisionId"), branchID = check.uuid("branchId")
        let duties = check.text("duties", max: 500, required: false)
        let roles = (submitted.roles ?? []).compactMap(StaffRole.init(rawValue:))
        if roles.isEmpty || roles.count != (submitted.roles ?? []).count { check.fail("roles", "staff.error.roles") }
        if let divisionID, try await Division.find(divisionID, on: req.db) == nil { check.fail("divisionId", "form.error.choose") }
        if let branchID, try await Branch.find(branchID, on: req.db) == nil { check.fail("branchId", "form.error.choose") }
        if let email, try await Staff.query(on: req.db).filter(\.$email == email).filter(\.$id != existing?.id ?? UUID()).count() > 0 {
            check.fail("email", "form.error.taken")
        }
        let active = existing == nil ? true : submitted.active == "on"
        // An administrator cannot lock themselves out by removing their own administrator role or account.
        if let existing, existing.id == req.staff?.id, !roles.contains(.administrator) || !active {
            check.fail("roles", "staff.error.selfLockout")
        }
        guard check.isValid, let name, let email, let group else {
            let page = try await formPage(req, staff: existing, values: scalar, roles: Set(roles), active: active, errors: check.errors)
            return try await req.render("Organisation/staff", page, status: .unprocessableEntity)
        }
        let staff = existing ?? Staff()
        let before = existing?.auditSnapshot
        staff.name = name; staff.email = email; staff.phone = phone; staff.phoneExtension = ext; staff.serviceGroup = group
        staff.$division.id = divisionID; staff.$branch.id = branchID; staff.roles = roles; staff.duties = duties; staff.active = active
        var temporaryPassword: String?
        if existing == nil {
            let password = TemporaryPassword.make()
            staff.passwordHash = try await req.application.passwordHasher.hash(password, on: req)
            temporaryPassword = password
        }
        try await Audit.save(staff, before: before, by: req) { db in
            // A deactivated officer is signed out everywhere at once.
            if !active, let id = staff.id { try await WebSession.query(on: db).filter(\.$staff.$id == id).delete() }
        }
        if let temporaryPassword {
            return try await secretPage(req, staff: staff, password: temporaryPassword, heading: req.t("staff.created"), status: .created)
        }
        try await req.flash("success", req.t("form.saved"))
        return req.seeOther(.adminStaffList)
    }

    func resetPassword(req: Request) async throws -> Response {
        let staff = try await find(req)
        let password = TemporaryPassword.make()
        staff.passwordHash = try await req.application.passwordHasher.hash(password, on: req)
        try await req.db.writeTransaction { db in
            try await staff.save(on: db)
            // Whoever held the old password is signed out everywhere.
            try await WebSession.query(on: db).filter(\.$staff.$id == staff.id!).delete()
            try await Audit.record(.passwordReset, entity: "staff", id: staff.id?.uuidString, by: req, on: db)
        }
        return try await secretPage(req, staff: staff, password: password, heading: req.t("staff.passwordReset"), status: .ok)
    }

    /// Shows a new password once; it is not stored anywhere in clear, not even in the session.
    private func secretPage(_ req: Request, staff: Staff, password: String, heading: String, status: HTTPResponseStatus) async throws -> Response {
        let response = try await req.render("Organisation/staffSecret", SecretPage(
            layout: await LayoutContext.make(for: req, title: heading), heading: heading, name: staff.name, email: staff.email,
            password: password, back: SiteURL.adminStaffList.path), status: status)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

/// A temporary password an administrator hands to an officer: four groups of letters and digits without
/// look-alikes (0/O, 1/l/I), 19 characters, well above the 12-character minimum.
enum TemporaryPassword {
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyz23456789")

    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in String((0..<4).map { _ in alphabet.randomElement(using: &generator)! }) }.joined(separator: "-")
    }
}
