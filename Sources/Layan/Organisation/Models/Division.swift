import Fluent
import Foundation

/// A division (bahagian) of the agency.
final class Division: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "divisions"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name_ms") var nameMs: String
    @Field(key: "name_en") var nameEn: String

    init() {}

    init(id: UUID? = nil, code: String, nameMs: String, nameEn: String) {
        self.id = id
        self.code = code
        self.nameMs = nameMs
        self.nameEn = nameEn
    }
}
