import Fluent
import Foundation
import LayanCore
import Vapor

/// The whole months a report covers, from a request's `from` and `to` (`YYYY-MM`; by default the twelve months to this
/// one), at most three years; and the branch it is for, by code. Malformed input is 400; well-formed but not
/// answerable (backwards, too long, an unknown branch) is 422.
struct MonthRange: Sendable {
    static let maximumMonths = 36

    let months: [CharterMonth]
    var from: CharterMonth { months[0] }
    var to: CharterMonth { months[months.count - 1] }

    init(_ req: Request, today: LocalDate) throws {
        func month(_ name: String, _ fallback: CharterMonth) throws -> CharterMonth {
            guard let text = req.query[String.self, at: name], !text.isEmpty else { return fallback }
            guard let month = CharterMonth(key: text) else {
                throw ValidationFailure([name: "is not a month (YYYY-MM)"], reason: "Give \(name) as YYYY-MM", status: .badRequest)
            }
            return month
        }
        let to = try month("to", CharterMonth(containing: today))
        let from = try month("from", to.lastMonths(12)[0])
        guard from.first <= to.first else { throw ValidationFailure(["from": "is after to"], reason: "from must not be after to") }
        var months = [from]
        while months.last!.first < to.first {
            months.append(months.last!.following)
            if months.count > Self.maximumMonths {
                throw ValidationFailure(["from": "more than \(Self.maximumMonths) months"], reason: "Ask for \(Self.maximumMonths) months at most")
            }
        }
        self.months = months
    }

    /// The branch a request's `branch` code names (nil: the whole agency).
    static func branch(_ req: Request) async throws -> (id: UUID?, code: String) {
        guard let code = req.query[String.self, at: "branch"]?.uppercased(), !code.isEmpty else { return (nil, "") }
        guard let branch = try await Branch.query(on: req.db).filter(\.$code == code).first() else {
            throw ValidationFailure(["branch": "no branch has this code"], reason: "Unknown branch \(code)")
        }
        return (branch.id, code)
    }
}
