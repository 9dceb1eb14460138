import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// A helpdesk article in Malay and English (PKPA 1/2008 §4c: the helpdesk knows the organisation's functions),
/// public or internal, by service; or a canned reply staff insert into their replies.
final class KnowledgeArticle: Model, Audited, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "kb_articles"
    static let auditEntity = "kb_article"

    enum Kind: String, Codable, Sendable, CaseIterable { case article, cannedReply = "canned_reply" }

    @ID(key: .id) var id: UUID?
    @Field(key: "kind") var kind: Kind
    @Field(key: "title_ms") var titleMs: String
    @Field(key: "title_en") var titleEn: String
    @Field(key: "body_ms") var bodyMs: String
    @Field(key: "body_en") var bodyEn: String
    @Field(key: "public") var isPublic: Bool
    @OptionalField(key: "service") var service: String?
    @Field(key: "active") var active: Bool
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    func title(in language: Language) -> String { language == .ms ? titleMs : titleEn }
    func body(in language: Language) -> String { language == .ms ? bodyMs : bodyEn }

    var auditSnapshot: [String: String?] {
        ["kind": kind.rawValue, "title_ms": titleMs, "title_en": titleEn, "public": "\(isPublic)", "service": service, "active": "\(active)"]
    }

    /// Articles whose title, body or service contain every word of the query, in either language; LIKE with
    /// the wildcards escaped, which serves a helpdesk's few thousand articles on both engines.
    /// `kind` nil: articles and canned replies alike (the staff list).
    static func search(_ query: String, publicOnly: Bool, kind: Kind? = .article, limit: Int = 20, on db: any Database) async throws -> [KnowledgeArticle] {
        var select = db.sql.select().column("id").from(schema).where("active", .equal, SQLLiteral.boolean(true))
        if let kind { select = select.where("kind", .equal, kind.rawValue) }
        if publicOnly { select = select.where("public", .equal, SQLLiteral.boolean(true)) }
        select = TextSearch.matchAll(TextSearch.words(query), in: ["title_ms", "title_en", "body_ms", "body_en", "service"], on: select)
        let ids = try await select.orderBy("title_ms").limit(limit).all().map { try $0.decode(column: "id", as: UUID.self) }
        return try await KnowledgeArticle.query(on: db).filter(\.$id ~~ ids).sort(\.$titleMs).all()
    }
}

/// An inquiry answered from an article keeps the link, so the knowledge base shows which articles answer people.
final class CaseArticleLink: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "case_article_links"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var caseRecord: CaseRecord
    @Parent(key: "article_id") var article: KnowledgeArticle
    @Field(key: "at") var at: Date

    init() {}
}
