import Fluent
import LayanCore
import Vapor

/// `layan user create --email … --name … --role …`: the password is read from standard input, so it
/// never appears in the shell history or the process list.
struct UserCommandGroup: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["create": CreateUserCommand()]
    var help: String { "Manages staff accounts." }
}

struct CreateUserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The officer's e-mail, used to sign in.") var email: String?
        @Option(name: "name", help: "The officer's full name.") var name: String?
        @Option(name: "role", help: "One of: \(StaffRole.allCases.map(\.rawValue).joined(separator: ", ")).") var role: String?
        @Option(name: "group", help: "management_professional or support (default support).") var group: String?
    }

    var help: String { "Creates a staff account; reads the password from standard input." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let email = signature.email.flatMap(EmailAddress.normalised) else {
            throw CommandFailure("--email must be a valid e-mail address")
        }
        guard let name = signature.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else {
            throw CommandFailure("--name is required")
        }
        guard let role = signature.role.flatMap(StaffRole.init(rawValue:)) else {
            throw CommandFailure("--role must be one of: \(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let group = signature.group.flatMap(ServiceGroup.init(rawValue:)) ?? .support
        guard let password = readLine(strippingNewline: true) else {
            throw CommandFailure("Give the password on standard input")
        }
        if let problem = PasswordPolicy.problem(with: password) {
            throw CommandFailure(app.catalogue.text(problem.rawValue, .en))
        }
        if try await Staff.query(on: app.db).filter(\.$email == email).count() > 0 {
            throw CommandFailure("A user with e-mail \(email) already exists")
        }
        let hash = try await app.password.async(on: app.threadPool, hopTo: app.eventLoopGroup.next()).hash(password)
        let staff = Staff(name: name, email: email, serviceGroup: group, roles: [role], passwordHash: hash)
        try await staff.create(on: app.db)
        context.console.print("Created \(role.rawValue) \(email)")
    }
}

/// A command's error: the message is for the person at the terminal.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
