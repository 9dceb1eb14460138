import Fluent
import LayanCore
import Vapor

/// Sign-in, sign-out, the staff start page and changing one's own password.
struct AccountsController: RouteCollection {
    static let signInForm = FormFields(("email", "signIn.email"), ("password", "signIn.password"))
    static let passwordForm = FormFields(("current", "password.current"), ("new", "password.new"), ("confirm", "password.confirm"))
    static let passwordFields = passwordForm.order

    struct SignInPage: Encodable, Sendable {
        let layout: LayoutContext
        let form: FormContext
        let next: String
        let action: String
    }

    struct StaffHomePage: Encodable, Sendable {
        struct Tile: Encodable, Sendable { let href: String; let title: String; let summary: String }
        let layout: LayoutContext
        let name: String
        let roles: [String]
        let tiles: [Tile]
        /// PKPA 1/2008: the charter is reviewed every 12 months — overdue on every dashboard, the days left for its managers.
        let charterReview: String?
        let charterOverdue: Bool
    }

    struct PasswordPage: Encodable, Sendable {
        let layout: LayoutContext
        let form: FormContext
        let action: String
        let minimum: Int
    }

    func boot(routes: any RoutesBuilder) throws {
        let open = routes.access(.anyone)
        open.get(.signIn, use: signInPage)
        open.post(.signIn, use: signIn)
        open.post(.signOut, use: signOut)
        let staff = routes.access(.staff(.staffHome))
        staff.get(.staffHome, use: staffHome)
        staff.get(.changePassword, use: passwordPage)
        staff.post(.changePassword, use: changePassword)
    }

    // MARK: sign-in

    func signInPage(req: Request) async throws -> Response {
        if req.staff != nil { return req.seeOther(.staffHome) }
        let next = SafeRedirect.path(req.query[String.self, at: "next"], fallback: SiteURL.staffHome.path)
        return try await renderSignIn(req, form: try await req.form(), next: next)
    }

    func renderSignIn(_ req: Request, form: FormContext, next: String, status: HTTPResponseStatus = .ok) async throws -> Response {
        let page = SignInPage(layout: await LayoutContext.make(for: req, title: req.t("signIn.title")),
                              form: form, next: next, action: SiteURL.signIn.path)
        return try await req.render("Accounts/signIn", page, status: status)
    }

    func signIn(req: Request) async throws -> Response {
        let fields = req.formFields()
        let next = SafeRedirect.path(fields["next"], fallback: SiteURL.staffHome.path)
        let typedEmail = fields["email"] ?? ""
        var errors: [String: String] = [:]
        let email = EmailAddress.normalised(typedEmail)
        if typedEmail.isEmpty { errors["email"] = req.t("signIn.error.emailRequired") }
        else if email == nil { errors["email"] = req.t("signIn.error.emailInvalid") }
        let password = req.content[String.self, at: "password"] ?? ""
        if password.isEmpty { errors["password"] = req.t("signIn.error.passwordRequired") }
        guard errors.isEmpty, let email else {
            return try await renderSignIn(req, form: try await req.form(values: ["email": typedEmail], errors: errors, fields: Self.signInForm),
                                          next: next, status: .unprocessableEntity)
        }

        // PKPA 1/2008 (security): customer data stays with authorised staff, so guessing is throttled.
        let now = req.application.clock.now()
        let ip = req.clientAddress
        let throttle = req.application.settings.loginThrottle
        // The attempt is counted before the password is checked, so a burst sent at once is held to the limit too.
        guard let attemptID = try await LoginAttemptStore.reserve(email: email, ip: ip, at: now, throttle: throttle, on: req.db) else {
            try await Audit.record(.signInFailed, entity: "staff", id: nil, changes: ["reason": .init(before: nil, after: "throttled")],
                                   by: req, actorOverride: email)
            let form = try await req.form(values: ["email": email], errors: ["email": req.t("signIn.error.throttled", ["minutes": "\(Int(throttle.window / 60))"])])
            let response = try await renderSignIn(req, form: form, next: next, status: .tooManyRequests)
            response.headers.replaceOrAdd(name: .retryAfter, value: "\(Int(throttle.window))")
            return response
        }

        let staff = try await Staff.query(on: req.db).filter(\.$email == email).filter(\.$active == true).first()
        let valid = await req.application.passwordHasher.verify(password, against: staff?.passwordHash, on: req)
        guard valid, let staff else {
            try await Audit.record(.signInFailed, entity: "staff", id: staff?.id?.uuidString, by: req, actorOverride: email)
            let form = try await req.form(values: ["email": email], errors: ["password": req.t("signIn.error.wrong")], fields: Self.signInForm)
            return try await renderSignIn(req, form: form, next: next, status: .unauthorized)
        }
        try await LoginAttemptStore.succeeded(attemptID, on: req.db)
        try await req.startSession(for: staff)
        try await Audit.record(.signIn, entity: "staff", id: staff.id?.uuidString, by: req)
        return req.seeOther(next)
    }

    func signOut(req: Request) async throws -> Response {
        if let staff = req.staff {
            try await Audit.record(.signOut, entity: "staff", id: staff.id.uuidString, by: req)
        }
        try await req.endSession()
        return req.seeOther(.home)
    }

    // MARK: staff home

    func staffHome(req: Request) async throws -> View {
        let staff = req.staff!
        // Each role's work first, then the agency's set-up: a first-time user finds every feature from here.
        let candidates: [(SiteURL, String, Permission)] = [
            (.cases(.list), "cases", .viewCases),
            (.cases(.new), "newCase", .handleCases),
            (.cases(.duty), "duty", .superviseCases),
            (.cases(.recoveries), "recoveries", .handleCases),
            (.cases(.articles), "articles", .handleCases),
            (.channels(.intake), "intake", .viewCases),
            (.channels(.paperFormEntry), "paperFormEntry", .handleCases),
            (.channels(.paperForms), "paperForms", .handleCases),
            (.queue(.console), "console", .operateCounter),
            (.queue(.supervise), "supervise", .superviseQueue),
            (.telephone(.console), "telephone", .answerTelephone),
            (.telephone(.messages), "phoneMessages", .staffHome),
            (.telephone(.wallboard), "wallboard", .superviseTelephone),
            (.telephone(.figures), "telephoneFigures", .superviseTelephone),
            (.telephone(.importLog), "telephoneImport", .superviseTelephone),
            (.telephone(.pbx), "pbx", .superviseTelephone),
            (.charterDesk(.achievement), "charter", .viewCharter),
            (.charterDesk(.edit), "charterEdit", .manageCharter),
            (.directory, "directory", .viewDirectory),
            (.adminStaffList, "staff", .manageStaff),
            (.adminBranches, "branches", .manageOrganisation),
            (.adminDivisions, "divisions", .manageOrganisation),
            (.queue(.setup), "queueSetup", .manageOrganisation),
            (.adminAgency, "agency", .manageOrganisation),
            (.adminCalendar, "calendar", .manageCalendar),
            (.adminAudit, "audit", .viewAuditTrail),
            (.channels(.open311Services), "open311", .manageOrganisation),
            (.adminAPITokens, "apiTokens", .manageAPITokens),
            (.changePassword, "password", .staffHome),
        ]
        let tiles = candidates.filter { staff.allows($0.2) }.map {
            StaffHomePage.Tile(href: $0.0.path, title: req.t("staffHome.tile.\($0.1).title"), summary: req.t("staffHome.tile.\($0.1).summary"))
        }
        let review = CharterReviewContext(try await CharterEngine(app: req.application).inForce(on: LocalDate(req.application.clock.now())), req)
        var notice: String?
        if let review, review.overdue { notice = req.t("staff.charterReview.overdue", ["due": review.due]) }
        else if let review, staff.allows(.manageCharter) { notice = req.t("staff.charterReview.left", ["days": "\(review.daysLeft)", "due": review.due]) }
        let page = StaffHomePage(layout: await LayoutContext.make(for: req, title: req.t("staffHome.title")),
                                 name: staff.name, roles: staff.roles.map { req.t($0.catalogueKey) }, tiles: tiles,
                                 charterReview: notice, charterOverdue: review?.overdue ?? false)
        return try await req.view.render("Accounts/staffHome", page)
    }

    // MARK: own password

    func passwordPage(req: Request) async throws -> View {
        let page = PasswordPage(layout: await LayoutContext.make(for: req, title: req.t("password.title")),
                                form: try await req.form(), action: SiteURL.changePassword.path, minimum: PasswordPolicy.minimumCharacters)
        return try await req.view.render("Accounts/password", page)
    }

    func changePassword(req: Request) async throws -> Response {
        let identity = req.staff!
        let current = req.content[String.self, at: "current"] ?? ""
        let new = req.content[String.self, at: "new"] ?? ""
        let confirm = req.content[String.self, at: "confirm"] ?? ""
        guard let staff = try await Staff.find(identity.id, on: req.db) else { throw Abort(.unauthorized) }
        var errors: [String: String] = [:]
        if !(await req.application.passwordHasher.verify(current, against: staff.passwordHash, on: req)) {
            errors["current"] = req.t("password.error.current")
        }
        if let problem = PasswordPolicy.problem(with: new) { errors["new"] = req.t(problem.rawValue) }
        else if new != confirm { errors["confirm"] = req.t("password.error.mismatch") }
        else if new == current { errors["new"] = req.t("password.error.same") }
        guard errors.isEmpty else {
            let page = PasswordPage(layout: await LayoutContext.make(for: req, title: req.t("password.title")),
                                    form: try await req.form(errors: errors, fields: Self.passwordForm),
                                    action: SiteURL.changePassword.path, minimum: PasswordPolicy.minimumCharacters)
            return try await req.render("Accounts/password", page, status: .unprocessableEntity)
        }
        staff.passwordHash = try await req.application.passwordHasher.hash(new, on: req)
        let currentSession = req.sessionState.record?.id
        try await req.db.writeTransaction { db in
            try await staff.save(on: db)
            // Other browsers signed in as this officer are signed out.
            try await WebSession.query(on: db).filter(\.$staff.$id == identity.id).filter(\.$id != currentSession ?? UUID()).delete()
            try await Audit.record(.passwordChanged, entity: "staff", id: identity.id.uuidString, by: req, on: db)
        }
        try await req.flash("success", req.t("password.changed"))
        return req.seeOther(.staffHome)
    }
}
