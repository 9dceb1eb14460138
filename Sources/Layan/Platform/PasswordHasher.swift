import NIOPosix
import Vapor

/// Bcrypt on a thread pool of its own (design.md), so a burst of sign-ins cannot starve the pool that
/// database and file work use, and never on an event loop.
struct PasswordHasher: Sendable {
    let pool: NIOThreadPool
    /// A real hash of a random password, verified against when the account does not exist, so a failed
    /// sign-in takes as long whether or not the e-mail is known.
    let decoy: String

    func hash(_ password: String, on request: Request) async throws -> String {
        try await request.application.password.async(on: pool, hopTo: request.eventLoop).hash(password)
    }

    func hash(_ password: String, app: Application) async throws -> String {
        try await app.password.async(on: pool, hopTo: app.eventLoopGroup.next()).hash(password)
    }

    func verify(_ password: String, against hash: String?, on request: Request) async -> Bool {
        let result = try? await request.application.password.async(on: pool, hopTo: request.eventLoop)
            .verify(password, created: hash ?? decoy)
        return hash != nil && result == true
    }
}

extension Application {
    private struct PasswordHasherKey: StorageKey { typealias Value = PasswordHasher }

    var passwordHasher: PasswordHasher {
        get { storage[PasswordHasherKey.self]! }
        set { storage[PasswordHasherKey.self] = newValue }
    }
}

/// Stops the password pool when the application shuts down.
struct PasswordPoolLifecycle: LifecycleHandler {
    let pool: NIOThreadPool
    func shutdownAsync(_ application: Application) async {
        try? await pool.shutdownGracefully()
    }
}
