import Fluent
import LayanCore
import Vapor

/// API tokens for integrations: created with scopes, shown once, stored hashed, revocable.
struct APITokensController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.access(.staff(.manageAPITokens))
        admin.get(.adminAPITokens, use: page)
        admin.post(.adminAPITokens, use: create)
        admin.post(.adminRevokeToken(":id"), use: revoke)
    }

    struct Row: Encodable, Sendable {
        let name: String; let hint: String; let scopes: String; let created: String; let lastUsed: String; let revoked: Bool; let revokeAction: String
    }

    struct Page: Encodable, Sendable {
        let layout: LayoutContext
        let form: FormContext
        let scopes: [Choice]
        let tokens: [Row]
        let action: String
        let secret: String?
    }

    struct Submitted: Content { var scopes: [String]? }

    func page(req: Request) async throws -> View {
        try await req.view.render("Accounts/apiTokens", try await context(req, form: try await req.form(), chosen: [], secret: nil))
    }

    private func context(_ req: Request, form: FormContext, chosen: Set<APIScope>, secret: String?) async throws -> Page {
        let tokens = try await APIToken.query(on: req.db).sort(\.$createdAt, .descending).all().map { token in
            Row(name: token.name, hint: token.hint + "…", scopes: token.scopes.map(\.rawValue).joined(separator: ", "),
                created: MalaysianTime.dateTime(token.createdAt, in: req.language),
                lastUsed: token.lastUsedAt.map { MalaysianTime.dateTime($0, in: req.language) } ?? "—",
                revoked: token.revokedAt != nil, revokeAction: SiteURL.adminRevokeToken(token.id!.uuidString).path)
        }
        return Page(layout: await LayoutContext.make(for: req, title: req.t("tokens.title")), form: form,
                    scopes: APIScope.allCases.map { Choice(value: $0.rawValue, label: "\($0.rawValue): \(req.t($0.catalogueKey))", selected: chosen.contains($0)) },
                    tokens: tokens, action: SiteURL.adminAPITokens.path, secret: secret)
    }

    func create(req: Request) async throws -> Response {
        let submitted = (try? req.content.decode(Submitted.self)) ?? Submitted()
        var check = FormValidator(req, fields: ["name": (req.content[String.self, at: "name"] ?? "").trimmingCharacters(in: .whitespaces)])
        let name = check.text("name", max: 100)
        let scopes = (submitted.scopes ?? []).compactMap(APIScope.init(rawValue:))
        if scopes.isEmpty || scopes.count != (submitted.scopes ?? []).count { check.fail("scopes", "tokens.error.scopes") }
        guard check.isValid, let name else {
            let page = try await context(req, form: try await req.form(values: check.fields, errors: check.errors, fields: FormFields(("name", "tokens.name"), ("scopes", "tokens.scopes"))),
                                         chosen: Set(scopes), secret: nil)
            return try await req.render("Accounts/apiTokens", page, status: .unprocessableEntity)
        }
        let (token, secret) = APIToken.make(name: name, scopes: scopes, createdBy: req.staff?.id, at: req.application.clock.now())
        try await req.db.writeTransaction { db in
            try await token.create(on: db)
            try await Audit.record(.tokenCreated, entity: "api_token", id: token.id?.uuidString,
                                   changes: ["name": .init(before: nil, after: name), "scopes": .init(before: nil, after: scopes.map(\.rawValue).joined(separator: ","))],
                                   by: req, on: db)
        }
        let response = try await req.render("Accounts/apiTokens", try await context(req, form: try await req.form(), chosen: [], secret: secret), status: .created)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func revoke(req: Request) async throws -> Response {
        let token = try await req.find(APIToken.self)
        if token.revokedAt == nil, let id = token.id {
            token.revokedAt = req.application.clock.now()
            try await req.db.writeTransaction { db in
                try await token.save(on: db)
                try await Audit.record(.tokenRevoked, entity: "api_token", id: id.uuidString, by: req, on: db)
            }
            req.application.verifiedTokens.forgetAll()
        }
        try await req.flash("success", req.t("tokens.revoked"))
        return req.seeOther(.adminAPITokens)
    }
}
