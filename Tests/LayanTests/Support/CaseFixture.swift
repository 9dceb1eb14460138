import Fluent
import Foundation
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// A Selangor branch with two duty officers on today's rota, a head of unit, and an API token for cases.
struct CaseFixture {
    let branch: Branch
    let dutyOfficers: [Staff]
    let head: Staff
    let token: String

    static func make(_ app: Application, onDuty: Int = 2) async throws -> CaseFixture {
        let branch = Branch(code: "SHA", name: "Shah Alam", state: .selangor, address: "Jalan Indah", phone: "03-5510 2000")
        try await branch.create(on: app.db)
        let hash = try await app.passwordHasher.hash(TestStaff.password, app: app)
        var officers: [Staff] = []
        for i in 1...max(onDuty, 2) {
            let officer = Staff(name: "Pegawai Kes \(i)", email: "kes\(i)@test.layan.my", serviceGroup: .managementProfessional,
                                branchID: branch.id, roles: [.caseOfficer], passwordHash: hash)
            try await officer.create(on: app.db)
            officers.append(officer)
        }
        let today = LocalDate(app.clock.now())
        for officer in officers.prefix(onDuty) {
            try await DutyShift(branchID: branch.id!, staffID: officer.id!, date: today).create(on: app.db)
        }
        let head = Staff(name: "Ketua Unit", email: "ketua@test.layan.my", serviceGroup: .managementProfessional, branchID: branch.id,
                         roles: [.headOfUnit], passwordHash: hash)
        try await head.create(on: app.db)
        let (record, secret) = APIToken.make(name: "cases", scopes: [.casesRead, .casesWrite, .casesAssign], createdBy: nil, at: app.clock.now())
        try await record.create(on: app.db)
        return CaseFixture(branch: branch, dutyOfficers: officers, head: head, token: secret)
    }

    var auth: HTTPHeaders { ["Authorization": "Bearer \(token)", "Content-Type": "application/json"] }

    func complaint(_ overrides: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = [
            "type": "complaint", "channel": "phone", "subject": "Lampu jalan rosak", "description": "Lampu jalan di Jalan 7 rosak sejak seminggu.",
            "branch": "SHA", "customer": ["name": "Siti Aminah", "email": "siti@example.my", "phone": "012-345 6789", "language": "ms"],
        ]
        for (key, value) in overrides { body[key] = value }
        return body
    }

    func json(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(data: try! JSONSerialization.data(withJSONObject: object))
    }

    func engine(_ app: Application) -> CaseEngine { CaseEngine(app: app) }
}
