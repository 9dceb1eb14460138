import Foundation
import LayanCore
import Vapor

/// `layan telephone import FILE…`: reads Asterisk `queue_log` files in order (e.g. `queue_log.1` then `queue_log`
/// after a rotation), streamed, each call stored once however often a file is imported (docs/telephone.md).
struct TelephoneCommandGroup: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = ["import": TelephoneImportCommand()]
    var help: String { "Imports call records from the PBX." }
}

/// Takes any number of files, so it reads the command line itself (a signature has a fixed number of arguments).
struct TelephoneImportCommand: AnyAsyncCommand {
    var help: String { "Imports Asterisk queue_log files (oldest first): layan telephone import FILE…" }

    func outputAutoComplete(using context: inout CommandContext) throws {}

    func outputHelp(using context: inout CommandContext) throws {
        context.console.print("Usage: layan telephone import FILE… (oldest first)")
    }

    func run(using context: inout CommandContext) async throws {
        let files = context.input.arguments
        guard !files.isEmpty else { throw CommandFailure("give one or more queue_log files, oldest first") }
        var failed = false
        for path in files {
            do {
                let report = try await QueueLogImport(app: context.application).run(file: path)
                context.console.print("\(path): \(report.linesRead) lines, \(report.callsAdded) calls added, \(report.callsAlreadyStored) already stored, "
                                      + "\(report.callsCorrected) corrected, \(report.agentEvents) agent events, \(report.callsInProgress) in progress, "
                                      + "\(report.callBacksOpened) call-backs opened, \(report.problemCount) lines not read")
                for problem in report.problems { context.console.print("  line \(problem.line): \(problem.reason): \(problem.text)") }
            } catch is QueueLogImport.WrongFormat {
                context.console.error("\(path): \(QueueLogImport.WrongFormat().reason)")
                failed = true
            } catch let failure as CommandFailure {
                context.console.error("\(path): \(failure)")
                failed = true
            }
        }
        if failed { throw CommandFailure("some files were not imported") }
    }
}
