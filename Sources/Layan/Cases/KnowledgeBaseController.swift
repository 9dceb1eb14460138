import Fluent
import LayanCore
import SQLKit
import Vapor

/// The helpdesk knowledge base: staff search, write and edit articles and canned replies; the public searches
/// the public articles (the portal sends an inquiry here first, so a question already answered is not filed).
struct KnowledgeBaseController: RouteCollection {
    static let form = FormFields(("kind", "kb.kind"), ("titleMs", "kb.titleMs"), ("titleEn", "kb.titleEn"), ("bodyMs", "kb.bodyMs"), ("bodyEn", "kb.bodyEn"), ("service", "case.field.service"))
    static let fields = form.order

    func boot(routes: any RoutesBuilder) throws {
        let open = routes.access(.anyone)
        open.get(.cases(.help), use: publicSearch)
        open.get(.cases(.helpArticle(":articleID")), use: publicArticle)
        let staff = routes.access(.staff(.handleCases))
        staff.get(.cases(.articles), use: staffList)
        staff.get(.cases(.newArticle), use: newArticle)
        staff.post(.cases(.newArticle), use: create)
        staff.get(.cases(.article(":articleID")), use: edit)
        staff.post(.cases(.article(":articleID")), use: update)
    }

    struct Hit: Encodable, Sendable { let title: String; let excerpt: String; let href: String; let service: String?; let isPublic: Bool; let kind: String }

    static func hit(_ article: KnowledgeArticle, _ req: Request, href: String) -> Hit {
        let body = article.body(in: req.language)
        return Hit(title: article.title(in: req.language), excerpt: body.count > 220 ? String(body.prefix(220)) + "…" : body, href: href,
                   service: article.service, isPublic: article.isPublic, kind: req.t("kb.kind.\(article.kind.rawValue)"))
    }

    struct PublicPage: Encodable, Sendable {
        let layout: LayoutContext; let q: String; let hits: [Hit]; let searched: Bool; let askHref: String; let fromInquiry: Bool
        /// Before a search: the answers most often given to inquiries, so the page is useful at once.
        let popular: [Hit]
    }

    /// Public articles by how often officers answered an inquiry with them (`case_article_links`), then by title.
    static func mostUsed(_ req: Request, limit: Int = 8) async throws -> [KnowledgeArticle] {
        let articles = try await KnowledgeArticle.query(on: req.db).filter(\.$kind == .article).filter(\.$isPublic == true)
            .filter(\.$active == true).all()
        var uses: [UUID: Int] = [:]
        for row in try await req.db.sql.select().column("article_id").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "uses")
            .from(CaseArticleLink.schema).groupBy("article_id").all() {
            uses[try row.decode(column: "article_id", as: UUID.self)] = try row.decode(column: "uses", as: Int.self)
        }
        return Array(articles.sorted { (uses[$0.id!] ?? 0, $1.title(in: req.language)) > (uses[$1.id!] ?? 0, $0.title(in: req.language)) }.prefix(limit))
    }

    func publicSearch(req: Request) async throws -> View {
        let q = String((req.query[String.self, at: "q"] ?? "").trimmed.prefix(200))
        let hits = q.isEmpty ? [] : try await KnowledgeArticle.search(q, publicOnly: true, on: req.db).map { Self.hit($0, req, href: SiteURL.cases(.helpArticle($0.id!.uuidString)).path) }
        let ask = SiteURL.cases(.newPublic).path(["type": "inquiry", "searched": "1", "subject": q])
        return try await req.view.render("Cases/help", PublicPage(layout: await LayoutContext.make(for: req, title: req.t("kb.public.title")), q: q,
                                                                  hits: hits, searched: !q.isEmpty, askHref: ask,
                                                                  fromInquiry: req.query[String.self, at: "from"] == "inquiry",
                                                                  popular: q.isEmpty ? try await Self.mostUsed(req).map { Self.hit($0, req, href: SiteURL.cases(.helpArticle($0.id!.uuidString)).path) } : []))
    }

    struct ArticlePage: Encodable, Sendable { let layout: LayoutContext; let title: String; let body: String; let service: String?; let updated: String; let backHref: String; let askHref: String }

    func publicArticle(req: Request) async throws -> View {
        guard let id = req.parameters.get("articleID", as: UUID.self), let article = try await KnowledgeArticle.find(id, on: req.db),
              article.isPublic, article.active, article.kind == .article else { throw Abort(.notFound) }
        return try await req.view.render("Cases/article", ArticlePage(
            layout: await LayoutContext.make(for: req, title: article.title(in: req.language)), title: article.title(in: req.language),
            body: article.body(in: req.language), service: article.service, updated: MalaysianTime.longDate(article.updatedAt, in: req.language),
            backHref: SiteURL.cases(.help).path, askHref: SiteURL.cases(.newPublic).path(["type": "inquiry", "searched": "1"])))
    }

    struct StaffListPage: Encodable, Sendable { let layout: LayoutContext; let q: String; let hits: [Hit]; let newHref: String }

    func staffList(req: Request) async throws -> View {
        let q = String((req.query[String.self, at: "q"] ?? "").trimmed.prefix(200))
        let articles = try await KnowledgeArticle.search(q, publicOnly: false, kind: nil, limit: 200, on: req.db)
        return try await req.view.render("Cases/kb", StaffListPage(layout: await LayoutContext.make(for: req, title: req.t("kb.title")), q: q,
                                                                   hits: articles.map { Self.hit($0, req, href: SiteURL.cases(.article($0.id!.uuidString)).path) }, newHref: SiteURL.cases(.newArticle).path))
    }

    struct EditPage: Encodable, Sendable { let layout: LayoutContext; let form: FormContext; let action: String; let kinds: [Choice]; let heading: String }

    private func editPage(_ req: Request, form: FormContext, action: String, heading: String) async throws -> EditPage {
        EditPage(layout: await LayoutContext.make(for: req, title: heading), form: form, action: action,
                 kinds: KnowledgeArticle.Kind.allCases.map { Choice(value: $0.rawValue, label: req.t("kb.kind.\($0.rawValue)"), selected: (form.values["kind"] ?? "article") == $0.rawValue) },
                 heading: heading)
    }

    func newArticle(req: Request) async throws -> View {
        try await req.view.render("Cases/kbEdit", try await editPage(req, form: try await req.form(values: ["public": "on", "active": "on"]), action: SiteURL.cases(.newArticle).path, heading: req.t("kb.new")))
    }

    func edit(req: Request) async throws -> View {
        let article = try await req.find(KnowledgeArticle.self, parameter: "articleID")
        let values = ["kind": article.kind.rawValue, "titleMs": article.titleMs, "titleEn": article.titleEn, "bodyMs": article.bodyMs, "bodyEn": article.bodyEn,
                      "service": article.service ?? "", "public": article.isPublic ? "on" : "", "active": article.active ? "on" : ""]
        return try await req.view.render("Cases/kbEdit", try await editPage(req, form: try await req.form(values: values), action: SiteURL.cases(.article(article.id!.uuidString)).path, heading: article.titleMs))
    }

    func create(req: Request) async throws -> Response { try await save(req, article: nil) }
    func update(req: Request) async throws -> Response { try await save(req, article: try await req.find(KnowledgeArticle.self, parameter: "articleID")) }

    private func save(_ req: Request, article existing: KnowledgeArticle?) async throws -> Response {
        var check = FormValidator(req)
        let kind = check.choice("kind", as: KnowledgeArticle.Kind.self)
        let titleMs = check.text("titleMs"), titleEn = check.text("titleEn")
        let bodyMs = check.text("bodyMs", max: 20_000), bodyEn = check.text("bodyEn", max: 20_000)
        let service = check.text("service", required: false)
        guard check.isValid, let kind, let titleMs, let titleEn, let bodyMs, let bodyEn else {
            let action = SiteURL.cases(existing.map { .article($0.id!.uuidString) } ?? .newArticle).path
            let page = try await editPage(req, form: try await req.form(values: check.fields, errors: check.errors, fields: Self.form), action: action, heading: req.t("kb.new"))
            return try await req.render("Cases/kbEdit", page, status: .unprocessableEntity)
        }
        let article = existing ?? KnowledgeArticle()
        let before = existing?.auditSnapshot
        article.kind = kind
        article.titleMs = titleMs; article.titleEn = titleEn; article.bodyMs = bodyMs; article.bodyEn = bodyEn
        article.service = service
        article.isPublic = check.fields["public"] == "on" && kind == .article
        article.active = existing == nil || check.fields["active"] == "on"
        article.updatedAt = req.application.clock.now()
        try await Audit.save(article, before: before, by: req)
        try await req.flash("success", req.t("kb.saved"))
        return req.seeOther(.cases(.articles))
    }
}
