import Foundation
import LayanCore
import Vapor

/// The achievement table as a page shows it: month headings, a row per commitment with its standard and target,
/// and per month the state (C, TC, DT, TB), met / transactions and % met — a link to the misses on staff pages.
struct CharterGrid: Encodable, Sendable {
    struct Month: Encodable, Sendable { let key: String; let label: String }
    struct Cell: Encodable, Sendable {
        let state: String
        let stateLabel: String
        let count: String
        let percent: String?
        let href: String?
    }
    struct Row: Encodable, Sendable {
        let text: String
        let standard: String
        let target: Int
        let cells: [Cell]
        let year: Cell
        let trend: Trend
    }

    /// The row's % met month by month as a small line drawn by Layan (no script needed), with the target beside it.
    struct Trend: Encodable, Sendable {
        static let width = 120.0, height = 32.0
        let points: String
        let targetY: String
        let label: String

        init(_ cells: [CharterCell], target: Int, label: String) {
            let step = cells.count > 1 ? Self.width / Double(cells.count - 1) : 0
            func y(_ percent: Double) -> String { String(format: "%.1f", Self.height - percent / 100 * Self.height) }
            points = cells.enumerated().compactMap { i, cell in cell.percentMet.map { String(format: "%.1f", Double(i) * step) + "," + y($0) } }
                .joined(separator: " ")
            targetY = y(Double(target))
            self.label = label
        }
    }

    let months: [Month]
    let rows: [Row]

    /// `missesHref` gives the misses link of a commitment and month (staff pages), or nil (the public page).
    init(_ table: CharterTable, _ req: Request, missesHref: ((UUID, CharterMonth) -> String)? = nil) {
        months = table.months.map { Month(key: $0.key, label: MalaysianTime.month($0.first, in: req.language)) }
        rows = table.rows.map { row in
            let cells = zip(table.months, row.cells).map { month, cell in
                Self.cell(cell, req, href: cell.missed > 0 ? missesHref?(row.lineage, month) : nil)
            }
            let percents = row.cells.map { $0.percentMet.map { String(format: "%.1f %%", $0) } ?? "TB" }.joined(separator: ", ")
            return Row(text: row.commitment.text(in: req.language), standard: CharterTable.standardText(row.commitment, req),
                       target: row.commitment.targetPercent, cells: cells, year: Self.cell(row.year, req, href: nil),
                       trend: Trend(row.cells, target: row.commitment.targetPercent, label: req.t("charter.trend", ["months": percents])))
        }
    }

    static func cell(_ cell: CharterCell, _ req: Request, href: String?) -> Cell {
        Cell(state: cell.state.rawValue, stateLabel: req.t("charter.state.\(cell.state.rawValue)"),
             count: cell.transactions == 0 ? "—" : "\(cell.met)/\(cell.transactions)",
             percent: cell.percentMet.map { String(format: "%.1f %%", $0) }, href: href)
    }
}

/// The review a version owes, as pages show it (PKPA 1/2008: at least once every 12 months).
struct CharterReviewContext: Encodable, Sendable {
    let version: Int
    let effective: String
    let due: String
    let daysLeft: Int
    let overdue: Bool
    let soon: Bool

    init?(_ version: CharterVersion?, _ req: Request) {
        guard let version, let effective = version.effective, let review = version.review else { return nil }
        let today = LocalDate(req.application.clock.now())
        self.version = version.number
        self.effective = MalaysianTime.longDate(effective, in: req.language)
        due = MalaysianTime.longDate(review.due, in: req.language)
        daysLeft = review.daysLeft(on: today)
        overdue = review.isOverdue(on: today)
        soon = !overdue && daysLeft <= CharterReview.reminderDays.max()!
    }
}
