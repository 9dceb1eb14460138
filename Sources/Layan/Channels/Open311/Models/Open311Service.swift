import Fluent
import Foundation
import LayanCore
import LayanStorage

/// A service the agency offers through Open311: a case type (and category) a client may report, the branch
/// that receives its requests, and the extra fields its definition asks for. Administrators choose which are
/// published; an unpublished service stays in place so its past requests keep their service_code.
final class Open311ServiceRecord: Model, Audited, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "open311_services"
    static let auditEntity = "open311_service"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "type") var type: CaseType
    @OptionalParent(key: "category_id") var category: CaseCategory?
    @Parent(key: "branch_id") var branch: Branch
    @Field(key: "name_ms") var nameMs: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "description_ms") var descriptionMs: String
    @Field(key: "description_en") var descriptionEn: String
    @Field(key: "group_name") var group: String
    @Field(key: "keywords") var keywords: String
    @Field(key: "published") var published: Bool
    @Field(key: "position") var position: Int
    /// The definition's attributes as JSON (`[Open311Attribute]`): read and written whole, never queried.
    @Field(key: "attributes") var attributesJSON: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var attributes: [Open311Attribute] {
        get { JSONColumn.read(attributesJSON) ?? [] }
        set { attributesJSON = JSONColumn.text(newValue) }
    }

    func name(in language: Language) -> String { language == .ms ? nameMs : nameEn }
    func description(in language: Language) -> String { language == .ms ? descriptionMs : descriptionEn }

    var auditSnapshot: [String: String?] {
        ["code": code, "type": type.rawValue, "category_id": $category.id?.uuidString, "branch_id": $branch.id.uuidString,
         "name_ms": nameMs, "name_en": nameEn, "group": group, "keywords": keywords, "published": "\(published)", "attributes": attributesJSON]
    }
}

/// What an Open311 request brought besides the case itself: where, the client's ids, the media link and the
/// answers to the service's attributes. One row per case filed through Open311, keyed by the case.
final class Open311RequestRecord: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "open311_requests"

    @ID(custom: "case_id", generatedBy: .user) var id: UUID?
    @Field(key: "service_code") var serviceCode: String
    /// For `GET tokens/{token}`: a handle a client may keep instead of the request id.
    @Field(key: "token") var token: String
    @OptionalField(key: "lat") var latitude: Double?
    @OptionalField(key: "long") var longitude: Double?
    @OptionalField(key: "address") var address: String?
    @OptionalField(key: "address_id") var addressID: String?
    @OptionalField(key: "media_url") var mediaURL: String?
    @OptionalField(key: "device_id") var deviceID: String?
    @OptionalField(key: "account_id") var accountID: String?
    @Field(key: "answers") var answersJSON: String
    @Field(key: "requested_at") var requestedAt: Date

    init() {}

    var answers: [String: [String]] {
        get { JSONColumn.read(answersJSON) ?? [:] }
        set { answersJSON = JSONColumn.text(newValue) }
    }
}

extension Open311RequestRecord {
    /// A request's row as values, written with its case (`NewCase.channelRows`) once the case has its id.
    struct New: Sendable {
        var caseID = UUID()
        let serviceCode: String
        let token: String
        let location: Open311Submission.Location
        let mediaURL: String?
        let deviceID: String?
        let accountID: String?
        let answers: [String: [String]]
        let at: Date

        func forCase(_ id: UUID) -> New { var row = self; row.caseID = id; return row }

        var answersJSON: String { JSONColumn.text(answers) }
    }

    static let shape = TableShape<New>(schema, [
        .init("case_id") { $0.caseID }, .init("service_code") { $0.serviceCode }, .init("token") { $0.token },
        .init("lat") { $0.location.latitude }, .init("long") { $0.location.longitude }, .init("address") { $0.location.address },
        .init("address_id") { $0.location.addressID }, .init("media_url") { $0.mediaURL }, .init("device_id") { $0.deviceID },
        .init("account_id") { $0.accountID }, .init("answers") { $0.answersJSON }, .init("requested_at") { $0.at },
    ])
}

/// A value kept as JSON text in one column: read and written whole, never queried.
enum JSONColumn {
    static func read<T: Decodable>(_ text: String) -> T? { try? JSONDecoder().decode(T.self, from: Data(text.utf8)) }
    /// Our own Codable values always encode; "null" only if one ever did not.
    static func text<T: Encodable>(_ value: T) -> String {
        String(decoding: (try? JSONEncoder().encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}
