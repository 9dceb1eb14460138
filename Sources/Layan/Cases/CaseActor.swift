import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// Who acts on a case: an officer, the customer, or Layan itself (jobs).
enum CaseActor: Sendable {
    case staff(StaffIdentity)
    case customer
    case system

    var staffID: UUID? { if case let .staff(s) = self { s.id } else { nil } }
    var name: String { if case let .staff(s) = self { s.name } else { "" } }
}
