import Fluent
import Foundation
import LayanStorage
import SQLKit

/// The outbox's own SQL: claiming due messages for one instance.
enum OutboxStore {
    /// Marks due messages as being sent by this instance until `until`, and answers them: rows locked past other
    /// claimers on PostgreSQL (`claimingRows`), the write lock on SQLite, so two instances never send one twice.
    static func claim(due now: Date, until: Date, limit: Int, on db: any Database) async throws -> [OutboxMessage] {
        try await db.writeTransaction { db in
            let sql = db.sql
            let rows = try await sql.raw("""
                SELECT id FROM outbox WHERE state IN ('pending', 'sending') AND next_attempt_at <= \(bind: now)
                ORDER BY next_attempt_at LIMIT \(unsafeRaw: String(limit))\(sql.claimingRows)
                """).all()
            let ids = try rows.map { try $0.decode(column: "id", as: UUID.self) }
            guard !ids.isEmpty else { return [] }
            try await OutboxMessage.query(on: db).filter(\.$id ~~ ids)
                .set(\.$state, to: .sending).set(\.$nextAttemptAt, to: until).update()
            return try await OutboxMessage.query(on: db).filter(\.$id ~~ ids).all()
        }
    }
}
