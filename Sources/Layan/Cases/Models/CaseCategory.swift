import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// A complaint category (or a category of another case type), seeded with the Public Complaints Bureau's list.
/// Its own service standard, when set, overrides the type's (issue #5, item 4).
final class CaseCategory: Model, Audited, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "case_categories"
    static let auditEntity = "case_category"

    @ID(key: .id) var id: UUID?
    @Field(key: "type") var type: CaseType
    @Field(key: "code") var code: String
    @Field(key: "name_ms") var nameMs: String
    @Field(key: "name_en") var nameEn: String
    @OptionalField(key: "acknowledge_days") var acknowledgeDays: Int?
    @OptionalField(key: "resolve_days") var resolveDays: Int?
    @Field(key: "active") var active: Bool

    init() {}

    init(type: CaseType, code: String, nameMs: String, nameEn: String) {
        self.type = type
        self.code = code
        self.nameMs = nameMs
        self.nameEn = nameEn
        self.active = true
    }

    func name(in language: Language) -> String { language == .ms ? nameMs : nameEn }

    var standardOverride: ServiceStandard? {
        guard acknowledgeDays != nil || resolveDays != nil else { return nil }
        return ServiceStandard(acknowledgeWorkingDays: acknowledgeDays ?? ServiceStandard.pkpaDefault.acknowledgeWorkingDays,
                               resolveWorkingDays: resolveDays ?? ServiceStandard.pkpaDefault.resolveWorkingDays)
    }

    var auditSnapshot: [String: String?] {
        ["type": type.rawValue, "code": code, "name_ms": nameMs, "name_en": nameEn,
         "acknowledge_days": acknowledgeDays.map(String.init), "resolve_days": resolveDays.map(String.init), "active": "\(active)"]
    }
}
