import Foundation
import Testing

/// The storage seam (docs/architecture.md): capability code reaches the engines only through LayanStorage. Its
/// internals (our SQLite driver, prepared PostgreSQL statements) are `internal` there, so the compiler refuses them;
/// SwiftPM's explicit-import check does not cover products, so these hold the rest of the line.
@Suite struct StorageSeamTests {
    static let capabilityCode = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Layan")

    static func sources() throws -> [(file: String, text: String)] {
        let files = FileManager.default.enumerator(at: capabilityCode, includingPropertiesForKeys: nil)!
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" }
        return try files.map { ($0.path.replacingOccurrences(of: capabilityCode.path + "/", with: ""), try String(contentsOf: $0, encoding: .utf8)) }
    }

    static func offenders(_ pattern: String) throws -> [String] {
        let regex = try Regex(pattern)
        return try sources().flatMap { source in
            source.text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                .filter { $0.element.contains(regex) }.map { "\(source.file):\($0.offset + 1): \($0.element)" }
        }
    }

    @Test func capabilityCodeImportsNoDriver() throws {
        // given the modules only LayanStorage may import
        let drivers = "^(@testable )?import (PostgresNIO|PostgresKit|FluentPostgresDriver|FluentSQLiteDriver|SQLiteKit|SQLiteNIO|VaporCSQLite|FluentSQL)$"
        // when every file of Sources/Layan is read
        let found = try Self.offenders(drivers)
        // then none imports one
        #expect(found == [], "\(found.joined(separator: "\n"))")
    }

    @Test func capabilityCodeNeverCastsADatabase() throws {
        // given a database is reached as `db.sql`
        // when every file of Sources/Layan is read
        let found = try Self.offenders(#"as[!?] (any )?(SQLDatabase|PostgresDatabase)"#)
        // then none casts one
        #expect(found == [], "\(found.joined(separator: "\n"))")
    }

    @Test func capabilityCodeNeverAsksWhichEngineItIsOn() throws {
        // given what differs between engines is a behaviour of LayanStorage (claimingRows, withLease, RowTrigger, …)
        // when every file of Sources/Layan is read
        let found = try Self.offenders(#"dialect\.name|\.engine\b|PostgresDatabase|DirectSQLite"#)
        // then none switches on the engine (configure picks each capability's store from the settings)
        #expect(found == [], "\(found.joined(separator: "\n"))")
    }

    @Test func capabilityCodeOpensTransactionsThroughTheSeam() throws {
        // given Fluent's `transaction` waits for good on PostgreSQL when its connection is lost (PostgresTransaction)
        // when every file of Sources/Layan is read
        let found = try Self.offenders(#"\.transaction\s*[({]"#)
        // then each transaction is a `writeTransaction`
        #expect(found == [], "\(found.joined(separator: "\n"))")
    }

    @Test func theScanSeesTheCapabilityCode() throws {
        // given the folder the other tests read
        // when it is listed
        let files = try Self.sources().map(\.file)
        // then it holds the capability code, so an empty scan cannot pass them
        #expect(files.count > 50 && files.contains("Cases/CaseEngine.swift"))
    }
}
