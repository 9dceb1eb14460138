import Fluent
import Foundation
import LayanStorage
import SQLKit

/// Seals the identity numbers stored before they were encrypted (issue 15, item 5). Rows go a thousand at a time, so a
/// large table is not rewritten in one statement.
struct EncryptIdentityNumbers: AsyncMigration, LargeTableMigration {
    let cipher: PersonalDataCipher
    var largeTableNote: String { "rewrites cases' identity numbers, 1,000 rows per batch" }

    func prepare(on database: any Database) async throws {
        struct Row: Decodable { let id: UUID; let customer_id_document: String }
        let sql = database.sql
        while true {
            let rows = try await sql.raw("""
                SELECT id, customer_id_document FROM cases WHERE customer_id_document IS NOT NULL
                AND customer_id_document NOT LIKE \(bind: PersonalDataCipher.prefix + "%") LIMIT 1000
                """).all(decoding: Row.self)
            guard !rows.isEmpty else { return }
            for row in rows {
                try await sql.raw("UPDATE cases SET customer_id_document = \(bind: cipher.seal(row.customer_id_document)) WHERE id = \(bind: row.id)").run()
            }
        }
    }

    /// Opens them again, for a database taken back to the release before.
    func revert(on database: any Database) async throws {
        struct Row: Decodable { let id: UUID; let customer_id_document: String }
        let sql = database.sql
        let rows = try await sql.raw("SELECT id, customer_id_document FROM cases WHERE customer_id_document LIKE \(bind: PersonalDataCipher.prefix + "%")")
            .all(decoding: Row.self)
        for row in rows {
            try await sql.raw("UPDATE cases SET customer_id_document = \(bind: cipher.open(row.customer_id_document)) WHERE id = \(bind: row.id)").run()
        }
    }
}
