import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// A file sent with a case, kept in the database so it is stored, or not, with the case itself.
final class CaseAttachment: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "case_attachments"

    @ID(key: .id) var id: UUID?
    @Parent(key: "case_id") var caseRecord: CaseRecord
    @Field(key: "file_name") var fileName: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "data") var data: Data
    @Field(key: "public") var isPublic: Bool
    @Field(key: "at") var at: Date

    init() {}
}

extension CaseAttachment {
    static let insertColumns = ["id", "case_id", "file_name", "content_type", "size", "data", "public", "at"]
}
