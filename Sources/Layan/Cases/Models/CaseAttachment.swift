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
    /// A checked file as values, written without a model.
    struct New: Sendable {
        let caseID: UUID
        let fileName: String
        let kind: AttachmentPolicy.Kind
        let bytes: [UInt8]
        let isPublic: Bool
        let at: Date
    }

    /// Where each value of a new file is stored.
    static let shape = TableShape<New>(schema, [
        .init("id") { UUID.timeOrdered(at: $0.at) }, .init("case_id") { $0.caseID }, .init("file_name") { $0.fileName },
        .init("content_type") { $0.kind.rawValue }, .init("size") { $0.bytes.count }, .init("data") { Data($0.bytes) },
        .init("public") { $0.isPublic }, .init("at") { $0.at },
    ])
}
