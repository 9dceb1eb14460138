import Fluent
import LayanCore
import Vapor

/// `layan token create --name N --scope S [--scope S …]`: an API token for an integration (a kiosk, an
/// IVR, a benchmark), printed once, stored hashed — the same as the administrators' page creates.
struct TokenCommandGroup: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["create": CreateTokenCommand()]
    var help: String { "Manages API tokens." }
}

struct CreateTokenCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "name", help: "What uses the token") var name: String?
        @Option(name: "scope", help: "Comma-separated scopes: \(APIScope.allCases.map(\.rawValue).joined(separator: ", "))") var scope: String?
    }

    var help: String { "Creates an API token and prints it once." }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let name = signature.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty, name.count <= 100 else {
            throw CommandFailure("--name is required (at most 100 characters)")
        }
        let raw = (signature.scope ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let scopes = raw.compactMap(APIScope.init(rawValue:))
        guard !scopes.isEmpty, scopes.count == raw.count else {
            throw CommandFailure("--scope must list one or more of: \(APIScope.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let (token, secret) = APIToken.make(name: name, scopes: scopes, createdBy: nil, at: context.application.clock.now())
        try await token.create(on: context.application.db)
        context.console.print(secret)
    }
}
