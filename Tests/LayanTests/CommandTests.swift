import ConsoleKit
import Fluent
import Foundation
import Testing
import Vapor
@testable import Layan
@testable import LayanCore

/// Runs a `layan` command in-process against the test database, with `stdin` as standard input.
func runCommand(_ app: Application, _ arguments: [String]) async throws {
    // The application's console: ConsoleKit's `--yes` sets its answer there.
    var context = CommandContext(console: app.console, input: CommandInput(arguments: ["layan"] + arguments))
    context.application = app
    try await app.console.run(app.asyncCommands.group(), with: context)
}

@Suite struct UserCommandTests {
    @Test func refusesBadArgumentsWithoutCreatingAnything() async throws {
        try await withLayan { app in
            await #expect(throws: (any Error).self) { try await runCommand(app, ["user", "create", "--email", "not-an-email", "--name", "X", "--role", "administrator"]) }
            await #expect(throws: (any Error).self) { try await runCommand(app, ["user", "create", "--email", "a@b.my", "--name", "X", "--role", "king"]) }
            await #expect(throws: (any Error).self) { try await runCommand(app, ["user", "create", "--email", "a@b.my", "--role", "administrator"]) }
            let count = try await Staff.query(on: app.db).count()
            #expect(count == 0)
        }
    }

    @Test func calendarCommandsRefuseUnknownStatesAndDates() async throws {
        try await withLayan { app in
            await #expect(throws: (any Error).self) { try await runCommand(app, ["calendar", "is-working-day", "--state", "Atlantis", "2026-01-01"]) }
            await #expect(throws: (any Error).self) { try await runCommand(app, ["calendar", "is-working-day", "--state", "KTN", "2026-02-30"]) }
            try await runCommand(app, ["calendar", "is-working-day", "--state", "KTN", "2026-01-01"])
        }
    }
}
