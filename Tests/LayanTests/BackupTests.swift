import Fluent
import Foundation
import LayanStorage
import SQLKit
import Testing
import Vapor
@testable import Layan
@testable import LayanCore

/// Backups (issue #21, item 2): `layan backup --to`, `--verify` and `layan restore`, on both engines.
@Suite struct BackupTests {
    static func scratchFile(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("layan-backup-\(UUID().uuidString)-\(name)").path
    }

    /// The demo agency and one case with an attachment: what a backup must bring back.
    static func agencyWithAnAttachment(_ app: Application) async throws -> UUID {
        _ = try await DemoLoader.load(on: app.db, application: app)
        let record = try #require(try await CaseRecord.query(on: app.db).first())
        let attachment = CaseAttachment()
        attachment.$caseRecord.id = record.id!; attachment.fileName = "gambar.png"; attachment.contentType = "image/png"
        attachment.data = Data((0..<4096).map { UInt8($0 % 251) }); attachment.size = attachment.data.count
        attachment.isPublic = false; attachment.at = app.clock.now()
        try await attachment.create(on: app.db)
        return record.id!
    }

    @Test func aBackupRestoresEveryTableAsItWasAttachmentsIncluded() async throws {
        try await withLayan { app in
            // given the demo agency's year of records and a case with an attachment
            let caseID = try await Self.agencyWithAnAttachment(app)
            let before = try await TableContents.all(app.db.sql)
            let file = Self.scratchFile("round-trip")
            defer { try? FileManager.default.removeItem(atPath: file) }
            // when it is backed up, and then the case and its attachment are deleted and a branch is added
            try await runCommand(app, ["backup", "--to", file])
            try await CaseAttachment.query(on: app.db).delete()
            try await CaseRecord.find(caseID, on: app.db)?.delete(on: app.db)
            try await Branch(code: "NEW", name: "Baru", state: .perlis, address: "Jalan 1", phone: "04-000 0000").create(on: app.db)
            #expect(try await TableContents.all(app.db.sql) != before)
            // and the backup is restored
            try await runCommand(app, ["restore", file, "--yes"])
            // then every table holds exactly what it held, the attachment's bytes too
            let after = try await TableContents.all(app.db.sql)
            let differing = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
            #expect(differing.isEmpty, "tables that differ: \(differing)")
            #expect(try await CaseAttachment.query(on: app.db).first()?.data.count == 4096)
        }
    }

    @Test func aBackupTakenWhileTicketsAreIssuedHoldsOneMomentWhole() async throws {
        try await withLayan { app in
            // given a kiosk issuing tickets without pause
            let q = try await QueueFixture.make(app)
            let issuing = Task {
                for _ in 0..<300 { _ = try await q.engine(app).issue(branch: q.branch, serviceID: q.registration.id!, category: .regular, channel: "kiosk") }
            }
            try await Task.sleep(for: .milliseconds(100))
            // when a backup is taken meanwhile, and restored once the kiosk is done
            let file = Self.scratchFile("while-serving")
            defer { try? FileManager.default.removeItem(atPath: file) }
            try await DatabaseBackup.write(app.settings.database, to: file)
            try await issuing.value
            try await runCommand(app, ["restore", file, "--yes"])
            // then the backup is one moment: the waiting count the triggers keep equals the waiting tickets in it
            struct Count: Decodable { let n: Int }
            let kept = try await app.db.sql.raw("SELECT CAST(COALESCE(SUM(waiting), 0) AS BIGINT) AS n FROM queue_waiting").first(decoding: Count.self)?.n
            let tickets = try await Ticket.query(on: app.db).filter(\.$status == .waiting).count()
            #expect(kept == tickets && tickets <= 300)
            // and no ticket number is used twice in it
            let numbers = try await Ticket.query(on: app.db).all().map(\.number)
            #expect(Set(numbers).count == numbers.count)
        }
    }

    @Test func verifyReadsTheWholeBackupAndSaysWhatItHolds() async throws {
        try await withLayan { app in
            // given a backup of the demo agency
            _ = try await Self.agencyWithAnAttachment(app)
            let file = Self.scratchFile("verify")
            defer { try? FileManager.default.removeItem(atPath: file) }
            try await DatabaseBackup.write(app.settings.database, to: file)
            // when it is verified
            let found = try await DatabaseBackup.verify(file)
            // then it names the tables, cases and attachments among them
            #expect(found.tables.contains { $0.name == "cases" } && found.tables.contains { $0.name == "case_attachments" })
            if found.engine == .sqlite {
                #expect(found.tables.first { $0.name == "case_attachments" }?.rows == 1)
                #expect(found.migrations?.count == LayanMigrations.all(cipher: app.personalDataCipher).count)
            }
            // and a second backup will not overwrite it
            await #expect(throws: DatabaseBackup.Failure.self) { try await DatabaseBackup.write(app.settings.database, to: file) }
        }
    }

    @Test func aDamagedBackupIsRefusedAndTheDatabaseKept() async throws {
        try await withLayan { app in
            // given a backup cut short (a full disk, a copy interrupted)
            _ = try await DemoLoader.load(on: app.db, application: app)
            let file = Self.scratchFile("damaged")
            defer { try? FileManager.default.removeItem(atPath: file) }
            try await DatabaseBackup.write(app.settings.database, to: file)
            let whole = try Data(contentsOf: URL(fileURLWithPath: file))
            try whole.prefix(whole.count / 2).write(to: URL(fileURLWithPath: file))
            let before = try await TableContents.all(app.db.sql)
            // when it is verified or restored; then both refuse it
            await #expect(throws: (any Error).self) { try await DatabaseBackup.verify(file) }
            await #expect(throws: (any Error).self) { try await runCommand(app, ["restore", file, "--yes"]) }
            // and the database is untouched
            #expect(try await TableContents.all(app.db.sql) == before)
        }
    }
}
