import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

struct CreateKnowledgeBase: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(KnowledgeArticle.schema)
            .id()
            .field("kind", .string, .required)
            .field("title_ms", .string, .required)
            .field("title_en", .string, .required)
            .field("body_ms", .string, .required)
            .field("body_en", .string, .required)
            .field("public", .bool, .required)
            .field("service", .string)
            .field("active", .bool, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await database.schema(CaseArticleLink.schema)
            .id()
            .field("case_id", .uuid, .required, .references(CaseRecord.schema, .id, onDelete: .cascade))
            .field("article_id", .uuid, .required, .references(KnowledgeArticle.schema, .id, onDelete: .cascade))
            .field("at", .datetime, .required)
            .unique(on: "case_id", "article_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CaseArticleLink.schema).delete()
        try await database.schema(KnowledgeArticle.schema).delete()
    }
}
