import Fluent
import Foundation
import LayanCore

/// A branch office (pejabat cawangan). Its state sets its weekend and holidays.
final class Branch: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "branches"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "state") var state: MalaysianState
    @Field(key: "address") var address: String
    @Field(key: "phone") var phone: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    init(id: UUID? = nil, code: String, name: String, state: MalaysianState, address: String, phone: String) {
        self.id = id
        self.code = code
        self.name = name
        self.state = state
        self.address = address
        self.phone = phone
    }
}
