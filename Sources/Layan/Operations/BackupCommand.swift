import LayanStorage
import Vapor

/// `layan backup --to FILE` (while serving) and `layan backup --verify FILE` (issue #21, item 2).
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "to", help: "Write a backup of the database, attachments included, to this new file.")
        var to: String?
        @Option(name: "verify", help: "Read a backup through and say what it holds.")
        var verify: String?
    }

    var help: String { "Backs up the database (--to FILE) or checks a backup (--verify FILE)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let target = context.application.settings.database
        switch (signature.to, signature.verify) {
        case let (file?, nil):
            try await DatabaseBackup.write(target, to: file)
            let found = try await DatabaseBackup.verify(file)
            context.console.print("Backup written to \(file) and read back: \(Self.describe(found)).")
        case let (nil, file?):
            let found = try await DatabaseBackup.verify(file)
            context.console.print("\(file) is a whole \(found.engine.rawValue) backup: \(Self.describe(found)).")
            for table in found.tables { context.console.print("  \(table.name)\(table.rows.map { ": \($0) rows" } ?? "")") }
        default:
            throw Abort(.badRequest, reason: "Give --to FILE to back up, or --verify FILE to check a backup.")
        }
    }

    static func describe(_ found: DatabaseBackup.Verification) -> String {
        // Rows and migrations where the backup can say without a restore (a SQLite file can; an archive cannot).
        let rows = found.tables.compactMap(\.rows)
        return "\(found.tables.count) tables" + (rows.isEmpty ? "" : ", \(rows.reduce(0, +)) rows") + (found.migrations.map { ", \($0.count) migrations" } ?? "")
    }
}

/// `layan restore FILE`: replaces the database with a backup, after reading it through. Stop every Layan server first.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "The backup to restore (from `layan backup --to`); `--yes` restores without asking.")
        var file: String
    }

    var help: String { "Replaces the whole database with a backup (stop the servers first)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let found = try await DatabaseBackup.verify(signature.file)
        context.console.print("\(signature.file): \(BackupCommand.describe(found)).")
        guard context.console.confirm("Replace everything in this database with it?") else {
            return context.console.warning("Cancelled: nothing changed.")
        }
        try await DatabaseBackup.restore(signature.file, into: app.settings.database)
        let pending = try await app.migrator.previewPrepareBatch().get().count
        context.console.print("Restored." + (pending > 0 ? " The backup is from an earlier release: run `layan migrate` (\(pending) to run)." : ""))
    }
}
