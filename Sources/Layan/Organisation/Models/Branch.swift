import Fluent
import Foundation
import LayanCore
import SQLKit

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
    /// Opening hours per weekday with the midday break; weekend or extended hours are days like any other.
    @OptionalField(key: "hours") var storedHours: OfficeHours?

    /// The branch's hours, or the federal standard week for its state until someone sets them.
    var hours: OfficeHours {
        storedHours ?? OfficeHours.standard(for: state, on: LocalDate(Date()))
    }

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

extension Branch: Audited {
    static let auditEntity = "branch"

    var auditSnapshot: [String: String?] {
        let hoursText = storedHours.flatMap { try? String(decoding: JSONEncoder().encode($0), as: UTF8.self) }
        return ["code": code, "name": name, "state": state.rawValue, "address": address, "phone": phone, "hours": hoursText]
    }
}

extension Division: Audited {
    static let auditEntity = "division"
    var auditSnapshot: [String: String?] { ["code": code, "name_ms": nameMs, "name_en": nameEn] }
}

extension Agency: Audited {
    static let auditEntity = "agency"
    var auditSnapshot: [String: String?] { ["name_ms": nameMs, "name_en": nameEn, "about_ms": aboutMs, "about_en": aboutEn] }
}

/// What most requests need of a branch (its id, code, name and state), read as one SQLKit row: cheaper than the
/// full model on every request that names a branch.
struct BranchRef: Decodable, Sendable {
    let id: UUID
    let code: String
    let name: String
    let state: MalaysianState

    // Hand-written (not SQLKit's builder, which escapes each identifier by string replacement): read for new cases
    // (`CaseSetupCache`), at most once a second.
    static func all(on sql: any SQLDatabase) async throws -> [BranchRef] {
        try await sql.raw("SELECT id, code, name, state FROM \(unsafeRaw: Branch.schema)").all(decoding: BranchRef.self)
    }
}
