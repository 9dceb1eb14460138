import Fluent
import Foundation
import LayanCore

/// A member of staff, who is also a user of Layan.
final class Staff: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "staff"

    @ID(key: .id) var id: UUID?
    @Field(key: "name") var name: String
    @Field(key: "email") var email: String
    @Field(key: "phone") var phone: String?
    @Field(key: "extension") var phoneExtension: String?
    @Field(key: "service_group") var serviceGroup: ServiceGroup
    @OptionalParent(key: "division_id") var division: Division?
    @OptionalParent(key: "branch_id") var branch: Branch?
    @Field(key: "roles") var roles: [StaffRole]
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "active") var active: Bool
    /// The services and matters this officer handles, as the directory searches them ("lesen perniagaan").
    @OptionalField(key: "duties") var duties: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(id: UUID? = nil, name: String, email: String, phone: String? = nil, phoneExtension: String? = nil,
         serviceGroup: ServiceGroup, divisionID: UUID? = nil, branchID: UUID? = nil, roles: [StaffRole],
         passwordHash: String, active: Bool = true) {
        self.id = id
        self.name = name
        self.email = email
        self.phone = phone
        self.phoneExtension = phoneExtension
        self.serviceGroup = serviceGroup
        self.$division.id = divisionID
        self.$branch.id = branchID
        self.roles = roles
        self.passwordHash = passwordHash
        self.active = active
    }
}

extension Staff: Audited {
    static let auditEntity = "staff"

    /// The fields the audit trail compares (never the password hash).
    var auditSnapshot: [String: String?] {
        ["name": name, "email": email, "phone": phone, "extension": phoneExtension, "service_group": serviceGroup.rawValue,
         "division_id": $division.id?.uuidString, "branch_id": $branch.id?.uuidString,
         "roles": roles.map(\.rawValue).sorted().joined(separator: ","), "active": active ? "true" : "false", "duties": duties]
    }
}
