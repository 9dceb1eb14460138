import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit

/// A counter service of a branch (perkhidmatan kaunter), with its letter on the ticket and the Client
/// Charter's waiting-time target.
final class QueueService: Model, Audited, @unchecked Sendable {
    // @unchecked: Fluent models are mutable classes; each instance is used by one task at a time.
    static let schema = "queue_services"
    static let auditEntity = "queue_service"

    @ID(key: .id) var id: UUID?
    @Parent(key: "branch_id") var branch: Branch
    @Field(key: "letter") var letter: String
    @Field(key: "name_ms") var nameMs: String
    @Field(key: "name_en") var nameEn: String
    /// Client Charter: the longest a customer should wait for this service.
    @Field(key: "target_wait_minutes") var targetWaitMinutes: Int
    /// Handling time learned from served tickets (exponential moving average).
    @Field(key: "average_handling_seconds") var averageHandlingSeconds: Double
    @Field(key: "handling_samples") var handlingSamples: Int
    @Field(key: "active") var active: Bool

    init() {}

    init(branchID: UUID, letter: String, nameMs: String, nameEn: String, targetWaitMinutes: Int, averageHandlingSeconds: Double = 300) {
        self.$branch.id = branchID
        self.letter = letter
        self.nameMs = nameMs
        self.nameEn = nameEn
        self.targetWaitMinutes = targetWaitMinutes
        self.averageHandlingSeconds = averageHandlingSeconds
        self.handlingSamples = 0
        self.active = true
    }

    func name(in language: Language) -> String { language == .ms ? nameMs : nameEn }

    var auditSnapshot: [String: String?] {
        ["letter": letter, "name_ms": nameMs, "name_en": nameEn, "target_wait_minutes": "\(targetWaitMinutes)", "active": "\(active)"]
    }
}
