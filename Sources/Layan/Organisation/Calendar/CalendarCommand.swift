import Fluent
import Foundation
import LayanCore
import Vapor

/// `layan calendar …`: lets an administrator check the working-day calendar from a terminal, ad-hoc
/// holidays included.
struct CalendarCommandGroup: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] = [
        "is-working-day": IsWorkingDayCommand(),
        "add-working-days": AddWorkingDaysCommand(),
        "holidays": HolidaysCommand(),
    ]
    var help: String { "Answers working-day questions for a state (weekends, public and special holidays)." }

    static func state(_ text: String?) throws -> MalaysianState {
        guard let text, let state = MalaysianState(lenient: text) else {
            throw CommandFailure("--state must be a state code or name: \(MalaysianState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return state
    }

    static func date(_ text: String) throws -> LocalDate {
        guard let date = LocalDate(text) else { throw CommandFailure("Not a date: \(text) (use YYYY-MM-DD or DD/MM/YYYY)") }
        return date
    }

    static func warnIfOutside(_ date: LocalDate, _ calendar: WorkingCalendar, _ console: any Console) {
        if !calendar.holidays.covers(date) {
            console.warning("No public-holiday data for \(date.year): only weekends and special holidays count.")
        }
    }
}

struct IsWorkingDayCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "state", help: "State code or name, e.g. KTN, Selangor") var state: String?
        @Argument(name: "date", help: "YYYY-MM-DD or DD/MM/YYYY") var date: String
    }

    var help: String { "Says whether a date is a working day in a state, and why not." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let state = try CalendarCommandGroup.state(signature.state)
        let date = try CalendarCommandGroup.date(signature.date)
        let calendar = try await context.application.calendarService.calendar(on: context.application.db)
        CalendarCommandGroup.warnIfOutside(date, calendar, context.console)
        let weekday = MalaysianTime.weekday(date.startInstant, in: .en)
        switch calendar.kind(of: date, in: state) {
        case .working:
            context.console.print("yes: \(date) (\(weekday)) is a working day in \(state.name)")
        case .weekend:
            context.console.print("no: \(date) (\(weekday)) is the weekend in \(state.name)")
        case let .holiday(holidays):
            context.console.print("no: \(date) (\(weekday)) is a holiday in \(state.name): \(holidays.map(\.nameEn).joined(separator: "; "))")
        }
    }
}

struct AddWorkingDaysCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "state", help: "State code or name") var state: String?
        @Argument(name: "date", help: "YYYY-MM-DD or DD/MM/YYYY") var date: String
        @Argument(name: "days", help: "Working days to add (negative to go back)") var days: Int
    }

    var help: String { "Prints the date N working days after a date in a state." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let state = try CalendarCommandGroup.state(signature.state)
        let date = try CalendarCommandGroup.date(signature.date)
        let calendar = try await context.application.calendarService.calendar(on: context.application.db)
        let result = calendar.adding(workingDays: signature.days, to: date, in: state)
        CalendarCommandGroup.warnIfOutside(result, calendar, context.console)
        context.console.print("\(result) (\(MalaysianTime.weekday(result.startInstant, in: .en)))")
    }
}

struct HolidaysCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "state", help: "State code or name; every state when left out") var state: String?
        @Option(name: "year", help: "The year") var year: Int?
        @Flag(name: "json", help: "Print JSON: {state: [{date, ms, en, adHoc}]}") var json: Bool
    }

    var help: String { "Lists the holidays of a year, per state." }

    struct Entry: Encodable { let date: String; let ms: String; let en: String; let adHoc: Bool }

    func run(using context: CommandContext, signature: Signature) async throws {
        let calendar = try await context.application.calendarService.calendar(on: context.application.db)
        let states = try signature.state.map { [try CalendarCommandGroup.state($0)] } ?? MalaysianState.allCases
        guard let year = signature.year else { throw CommandFailure("--year is required") }
        var result: [String: [Entry]] = [:]
        for state in states {
            result[state.rawValue] = calendar.holidays.holidays(in: state, year: year).map {
                Entry(date: $0.date.iso, ms: $0.nameMs, en: $0.nameEn, adHoc: $0.adHoc)
            }
        }
        if signature.json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            context.console.print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            for state in states {
                context.console.print("\(state.name):")
                for entry in result[state.rawValue] ?? [] { context.console.print("  \(entry.date)  \(entry.en)\(entry.adHoc ? " (special)" : "")") }
            }
        }
    }
}
