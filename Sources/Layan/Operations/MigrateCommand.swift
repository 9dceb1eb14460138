import Fluent
import Vapor

/// A migration that reads or rewrites a table that grows with use, saying how (issue #21, item 5): `layan migrate
/// --dry-run` prints it beside the migration's name, so an operator knows which upgrade to run out of hours.
protocol LargeTableMigration {
    /// What it reads or rewrites, and how: in batches, or in one set-based statement per table.
    var largeTableNote: String { get }
}

/// `layan migrate`: runs the pending migrations (ConsoleKit's `--yes` without asking); `--dry-run` lists them and changes nothing;
/// `--revert` takes back the last batch. Replaces Fluent's command, which has no dry run.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "dry-run", help: "List the migrations that would run, and what large tables they touch; change nothing.")
        var dryRun: Bool
        @Flag(name: "revert", help: "Revert the last batch of migrations.")
        var revert: Bool
    }

    var help: String { "Runs pending migrations (--dry-run lists them; --revert takes back the last batch)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let migrator = context.application.migrator
        try await migrator.setupIfNeeded().get()
        let listed = signature.revert ? try await migrator.previewRevertLastBatch().get() : try await migrator.previewPrepareBatch().get()
        guard !listed.isEmpty else {
            return context.console.print(signature.revert ? "No migrations to revert." : "No pending migrations.")
        }
        context.console.print(signature.revert ? "Would revert \(listed.count) migration(s):" : "Would run \(listed.count) migration(s), in this order:")
        for (migration, _) in listed {
            context.console.print("  \(signature.revert ? "-" : "+") \(migration.name)")
            if let large = migration as? any LargeTableMigration { context.console.print("      large tables: \(large.largeTableNote)") }
        }
        if signature.dryRun { return context.console.print("Dry run: nothing changed.") }
        // ConsoleKit's own `--yes` answers this.
        guard context.console.confirm("Continue?") else { return context.console.warning("Cancelled: nothing changed.") }
        if signature.revert { try await migrator.revertLastBatch().get() } else { try await migrator.prepareBatch().get() }
        context.console.print("Done.")
    }
}
