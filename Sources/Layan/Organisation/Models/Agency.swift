import Fluent
import Foundation
import LayanCore
import Vapor

/// The agency's profile: one row.
final class Agency: Model, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "agencies"

    @ID(key: .id) var id: UUID?
    @Field(key: "name_ms") var nameMs: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "about_ms") var aboutMs: String
    @Field(key: "about_en") var aboutEn: String
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    init(nameMs: String, nameEn: String, aboutMs: String, aboutEn: String) {
        self.nameMs = nameMs
        self.nameEn = nameEn
        self.aboutMs = aboutMs
        self.aboutEn = aboutEn
    }
}

/// The agency's names and description, cached: every page's header shows them.
struct AgencyNames: Sendable {
    var nameMs: String
    var nameEn: String
    var aboutMs: String
    var aboutEn: String

    func name(in language: Language) -> String { language == .ms ? nameMs : nameEn }
    func about(in language: Language) -> String { language == .ms ? aboutMs : aboutEn }
}

actor AgencyProfileCache {
    private var cached: AgencyNames?
    private let fallback: AgencyNames

    init(fallback: AgencyNames) { self.fallback = fallback }

    /// The stored profile, or the catalogue's placeholder while none is set up (or the database is down).
    func current(on db: any Database) async -> AgencyNames {
        if let cached { return cached }
        guard let agency = try? await Agency.query(on: db).first() else { return fallback }
        let names = AgencyNames(nameMs: agency.nameMs, nameEn: agency.nameEn, aboutMs: agency.aboutMs, aboutEn: agency.aboutEn)
        cached = names
        return names
    }

    func invalidate() { cached = nil }
}

extension Application {
    private struct AgencyProfileKey: StorageKey { typealias Value = AgencyProfileCache }

    var agencyProfile: AgencyProfileCache {
        get { storage[AgencyProfileKey.self]! }
        set { storage[AgencyProfileKey.self] = newValue }
    }
}
