import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// Issue 15, item 4: officers act only where they serve. The route × role walk (`AccessTests`) extended to branch ×
/// role: officers of one branch try every route that names another branch's record by id.
@Suite struct BranchScopeTests {
    struct Attacker { let role: StaffRole; let email: String }

    static func officer(_ role: StaffRole, at branch: Branch, _ app: Application) async throws -> Attacker {
        let email = "\(role.rawValue).\(branch.code.lowercased())@test.layan.my"
        let hash = try await app.passwordHasher.hash(TestStaff.password, app: app)
        try await Staff(name: "\(role.rawValue) \(branch.code)", email: email, serviceGroup: .support, branchID: branch.id, roles: [role],
                        passwordHash: hash).create(on: app.db)
        return Attacker(role: role, email: email)
    }

    @Test func officersOfOneBranchCannotActOnAnothersRecordsByID() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            // given Shah Alam's case and duty shift, and Kota Bharu's counters with a customer called to counter 1
            let cases = try await CaseFixture.make(app)
            let queue = try await QueueFixture.make(app, officers: 1)
            let shahAlamCase = try await cases.engine(app).create(NewCase(type: .complaint, channel: .web, subject: "s", details: "d", name: "Siti",
                                                                          email: "siti@example.my", branchID: cases.branch.id!), by: .customer)
            let shift = try #require(try await DutyShift.query(on: app.db).filter(\.$branch.$id == cases.branch.id!).first())
            let kotaBharuOfficer = try await queue.officer(1, app)
            _ = try await queue.engine(app).issue(branch: queue.branch, serviceID: queue.registration.id!, category: .regular, channel: "kiosk")
            _ = try await queue.engine(app).openCounter(queue.counters[0].id!, officer: kotaBharuOfficer)
            let called = try #require(try await queue.engine(app).callNext(counterID: queue.counters[0].id!, officer: kotaBharuOfficer))
            // and officers of every role that handles records, at the other branch
            let atKotaBharu = [try await Self.officer(.caseOfficer, at: queue.branch, app), try await Self.officer(.telephoneOperator, at: queue.branch, app),
                               try await Self.officer(.supervisor, at: queue.branch, app), try await Self.officer(.counterOfficer, at: queue.branch, app)]
            let atShahAlam = [try await Self.officer(.counterOfficer, at: cases.branch, app), try await Self.officer(.supervisor, at: cases.branch, app)]
            let eventsBefore = try await CaseEvent.query(on: app.db).count()
            // when each tries every route that takes such a record, with the other branch's ids
            var tried = 0
            // Routes open to anyone, or proven by the request itself (a ticket's key, a signed link), are not the staff's to scope.
            for route in app.routes.all where route.access != .anyone {
                if case .integration = route.access { continue }
                let names = route.path.compactMap { component -> String? in if case let .parameter(name) = component { name } else { nil } }
                guard !names.isEmpty else { continue }
                let caseRoute = names.contains("caseID") || names.contains("shiftID")
                let queueRoute = names.contains("counterID") || names.contains("ticketID") || names.contains("code")
                guard caseRoute != queueRoute, Set(names).isSubset(of: ["caseID", "attachmentID", "shiftID", "counterID", "ticketID", "action", "code"]) else { continue }
                let values: [String: String] = [
                    "caseID": shahAlamCase.id!.uuidString, "attachmentID": UUID().uuidString, "shiftID": shift.id!.uuidString,
                    "counterID": queue.counters[1].id!.uuidString, "ticketID": called.id!.uuidString, "code": queue.branch.code,
                    "action": names.contains("ticketID") ? "recall" : "open",
                ]
                let path = "/" + route.path.map { component -> String in
                    if case let .parameter(name) = component { return values[name]! }
                    return component.description
                }.joined(separator: "/")
                for attacker in caseRoute ? atKotaBharu : atShahAlam {
                    let browser = TestBrowser(app)
                    try await browser.signIn(attacker.email)
                    try await browser.get("/staff")
                    let headers: HTTPHeaders = ["X-CSRF-Token": browser.lastCSRF ?? "", "Content-Type": "application/json", "Accept": "application/json"]
                    // One body every such route would take: a transition, a message, an assignment, a transfer.
                    let body = #"{"action":"acknowledge","body":"x","staffId":"\#(cases.dutyOfficers[0].id!)","serviceId":"\#(queue.licences.id!)"}"#
                    let response = try await browser.send(route.method, path, headers: headers, body: ByteBuffer(string: body))
                    // then every one is refused
                    #expect(response.status == .forbidden, "\(attacker.role.rawValue) of the other branch: \(route.method) \(path) → \(response.status)")
                    tried += 1
                }
            }
            // and nothing of the other branch changed
            #expect(tried > 30)
            #expect(try await CaseRecord.find(shahAlamCase.id, on: app.db)?.status == .new)
            #expect(try await CaseEvent.query(on: app.db).count() == eventsBefore)
            #expect(try await DutyShift.find(shift.id, on: app.db) != nil)
            #expect(try await Counter.find(queue.counters[1].id, on: app.db)?.status == .closed)
            #expect(try await Ticket.find(called.id, on: app.db)?.recalls == 0)
        }
    }

    @Test func everyCaseAListShowsOpensForTheOfficerWhoListedIt() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            // given cases of two units at Shah Alam, one naming no unit, and one at Kota Bharu
            let cases = try await CaseFixture.make(app)
            let licences = Division(code: "BLP", nameMs: "Lesen", nameEn: "Licences"), registry = Division(code: "BPD", nameMs: "Daftar", nameEn: "Registry")
            try await licences.create(on: app.db)
            try await registry.create(on: app.db)
            let kotaBharu = Branch(code: "KBR", name: "Kota Bharu", state: .kelantan, address: "Jalan Sultan", phone: "09-748 1000")
            try await kotaBharu.create(on: app.db)
            var filed: [String: UUID] = [:]
            for (name, branch, unit) in [("licences", cases.branch, licences.id), ("registry", cases.branch, registry.id), ("none", cases.branch, nil),
                                         ("kotaBharu", kotaBharu, licences.id)] as [(String, Branch, UUID?)] {
                var new = NewCase(type: .complaint, channel: .web, subject: name, details: "d", name: "Siti", email: "siti@example.my", branchID: branch.id!)
                new.divisionID = unit
                filed[name] = try await cases.engine(app).create(new, by: .customer).id
            }
            // and a case officer of the licences unit at Shah Alam, and a head of the licences unit
            let hash = try await app.passwordHasher.hash(TestStaff.password, app: app)
            try await Staff(name: "Pegawai BLP", email: "blp@test.layan.my", serviceGroup: .support, divisionID: licences.id, branchID: cases.branch.id,
                            roles: [.caseOfficer], passwordHash: hash).create(on: app.db)
            try await Staff(name: "Ketua BLP", email: "ketua.blp@test.layan.my", serviceGroup: .managementProfessional, divisionID: licences.id,
                            branchID: cases.branch.id, roles: [.headOfUnit], passwordHash: hash).create(on: app.db)
            for (email, expected) in [("blp@test.layan.my", ["licences", "none"]), ("ketua.blp@test.layan.my", ["licences", "none", "kotaBharu"])] {
                let browser = TestBrowser(app)
                try await browser.signIn(email)
                // when the officer lists cases
                let list = try await browser.get("/api/v1/cases?limit=100", headers: ["Accept": "application/json"])
                struct Item: Decodable { let id: UUID }
                struct Page: Decodable { let items: [Item] }
                let shown = try list.content.decode(Page.self).items.map(\.id)
                // then the list holds exactly the cases in reach, and each of them opens
                #expect(Set(shown) == Set(expected.compactMap { filed[$0] }), "\(email)")
                for id in shown {
                    #expect(try await browser.get("/cases/\(id)").status == .ok, "\(email) opens \(id)")
                }
            }
        }
    }

    @Test func theScopeFollowsTheRole() {
        // given two branches and two units
        let (putrajaya, kotaBharu, unitA, unitB) = (UUID(), UUID(), UUID(), UUID())
        // when each role's reach is asked about a record of Putrajaya in unit A
        func allows(_ role: StaffRole, branch: UUID?, unit: UUID?) -> Bool {
            RecordScope(roles: [role], branch: branch, unit: unit).allows(branch: putrajaya, unit: unitA)
        }
        // then an officer reaches their own branch and unit, a supervisor their branch, a head of unit their unit, the agency all
        #expect(allows(.caseOfficer, branch: putrajaya, unit: unitA))
        #expect(!allows(.caseOfficer, branch: putrajaya, unit: unitB))
        #expect(!allows(.caseOfficer, branch: kotaBharu, unit: unitA))
        #expect(allows(.supervisor, branch: putrajaya, unit: unitB))
        #expect(!allows(.supervisor, branch: kotaBharu, unit: nil))
        #expect(allows(.headOfUnit, branch: kotaBharu, unit: unitA))
        #expect(!allows(.headOfUnit, branch: putrajaya, unit: unitB))
        #expect(allows(.administrator, branch: kotaBharu, unit: unitB))
        #expect(allows(.managementViewer, branch: kotaBharu, unit: nil))
        // and a record that names no unit is within its branch's officers' reach
        #expect(RecordScope(roles: [.caseOfficer], branch: putrajaya, unit: unitB).allows(branch: putrajaya, unit: nil))
        #expect(RecordScope(roles: [.caseOfficer, .supervisor], branch: putrajaya, unit: unitB).allows(branch: putrajaya, unit: unitA))
    }
}
