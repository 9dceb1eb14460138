import Fluent
import LayanStorage
import SQLKit
import Vapor

/// Where a case that came by a channel without a branch goes (SMS, WhatsApp, Messenger, X, e-mail): the branch of
/// `LAYAN_CHANNEL_BRANCH`, else the first branch by code.
enum ChannelBranch {
    static func find(_ app: Application, on db: any Database) async throws -> Branch {
        guard let branch = try await Branch.find(id(app, on: db), on: db) else { throw Abort(.serviceUnavailable, reason: "No branch is set up") }
        return branch
    }

    /// The branch's id alone, read by hand: every message a channel delivers asks (a model costs more than the message).
    static func id(_ app: Application, on db: any Database) async throws -> UUID {
        let sql = db.sql
        if let code = app.settings.channelBranchCode,
           let row = try await sql.hotRows("SELECT id FROM \(Branch.schema) WHERE code = ?", [code]).first { return try row.decode(column: "id", as: UUID.self) }
        guard let first = try await sql.hotRows("SELECT id FROM \(Branch.schema) ORDER BY code LIMIT 1", []).first else {
            throw Abort(.serviceUnavailable, reason: "No branch is set up")
        }
        return try first.decode(column: "id", as: UUID.self)
    }
}
