import Fluent
import Vapor

/// Where a case that came by a channel without a branch goes (SMS, WhatsApp, Messenger, X, e-mail): the branch of
/// `LAYAN_CHANNEL_BRANCH`, else the first branch by code.
enum ChannelBranch {
    static func find(_ app: Application, on db: any Database) async throws -> Branch {
        if let code = app.settings.channelBranchCode, let branch = try await Branch.query(on: db).filter(\.$code == code).first() { return branch }
        guard let first = try await Branch.query(on: db).sort(\.$code).first() else { throw Abort(.serviceUnavailable, reason: "No branch is set up") }
        return first
    }
}
