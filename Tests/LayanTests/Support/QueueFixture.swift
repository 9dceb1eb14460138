import Fluent
import Foundation
import Vapor
@testable import Layan
@testable import LayanCore

/// A branch with two services and three counters (one priority), and counter officers to work them.
struct QueueFixture {
    let branch: Branch
    let registration: QueueService
    let licences: QueueService
    let counters: [Counter]

    static func make(_ app: Application, officers: Int = 3) async throws -> QueueFixture {
        let branch = Branch(code: "KBR", name: "Kota Bharu", state: .kelantan, address: "Jalan Sultan", phone: "09-748 2000")
        try await branch.create(on: app.db)
        let registration = QueueService(branchID: branch.id!, letter: "A", nameMs: "Pendaftaran", nameEn: "Registration", targetWaitMinutes: 15, averageHandlingSeconds: 240)
        let licences = QueueService(branchID: branch.id!, letter: "B", nameMs: "Lesen", nameEn: "Licences", targetWaitMinutes: 20, averageHandlingSeconds: 300)
        try await registration.create(on: app.db)
        try await licences.create(on: app.db)
        let counters = [
            Counter(branchID: branch.id!, number: 1, type: .priority, serviceIDs: [registration.id!, licences.id!]),
            Counter(branchID: branch.id!, number: 2, type: .regular, serviceIDs: [registration.id!]),
            Counter(branchID: branch.id!, number: 3, type: .regular, serviceIDs: [registration.id!, licences.id!]),
        ]
        for counter in counters { try await counter.create(on: app.db) }
        for i in 0..<officers {
            let hash = try await app.passwordHasher.hash(TestStaff.password, app: app)
            try await Staff(name: "Pegawai Kaunter \(i + 1)", email: "kaunter\(i + 1)@test.layan.my", serviceGroup: .support,
                            branchID: branch.id, roles: [.counterOfficer], passwordHash: hash).create(on: app.db)
        }
        return QueueFixture(branch: branch, registration: registration, licences: licences, counters: counters)
    }

    func officer(_ i: Int, _ app: Application) async throws -> StaffIdentity {
        let staff = try await Staff.query(on: app.db).filter(\.$email == "kaunter\(i)@test.layan.my").first()!
        return StaffIdentity(staff: staff)
    }

    func engine(_ app: Application) -> QueueEngine {
        QueueEngine(app: app)
    }
}
