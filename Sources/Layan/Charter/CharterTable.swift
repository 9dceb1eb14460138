import Fluent
import Foundation
import LayanCore
import NIOConcurrencyHelpers
import Vapor

/// The achievement table as agencies publish it (shared/references.md): a row per commitment, a cell per month with
/// met / transactions, % met and the state C, TC, DT or TB, and the year's sum — for the agency or one branch. One
/// reading serves the public page, the staff page, the CSV and the API, so they cannot disagree.
struct CharterTable: Sendable {
    struct Row: Sendable {
        let lineage: UUID
        let commitment: CharterCommitmentRecord
        /// Oldest month first, one per month asked for.
        let cells: [CharterCell]
        let year: CharterCell
    }

    let months: [CharterMonth]
    let rows: [Row]
    /// The version in force on the last day read (its words head the rows), and the review it owes.
    let inForce: CharterVersion?

    /// Reads the table for `months` (oldest first) and `branchID` (nil: the whole agency), as of `today`.
    static func read(on db: any Database, months: [CharterMonth], branchID: UUID?, today: LocalDate) async throws -> CharterTable {
        let store = CharterAchievementStore(db: db)
        let versions = try await store.versions()
        let figures = try await store.figures(months: months, today: today, branchID: branchID, versions: versions)
        let lastDay = min(months.last!.next.adding(days: -1), today)
        let inForce = versions.last { ($0.effective.map { $0 <= lastDay }) ?? false }
        // Rows: the commitments in force, then those of older versions in the range that were dropped since.
        var commitments: [CharterCommitmentRecord] = (inForce?.commitments ?? []).sorted { $0.position < $1.position }
        let periods = CharterAchievementStore.periods(versions, from: months.first!.first, until: months.last!.next)
        for period in periods.reversed() {
            for old in period.version.commitments.sorted(by: { $0.position < $1.position }) where !commitments.contains(where: { $0.lineage == old.lineage }) {
                commitments.append(old)
            }
        }
        let rows = commitments.map { commitment in
            let cells = months.map { month in
                let matching = figures.filter { $0.lineage == commitment.lineage && $0.month == month.key && (branchID == nil || $0.branchID == branchID) }
                let target = Self.target(of: commitment.lineage, in: month, periods: periods, branchID: branchID) ?? commitment.draft.targetPercent(at: branchID)
                return matching.reduce(CharterCell(met: 0, missed: 0, open: 0, targetPercent: target)) { $0 + $1.cell }
            }
            let year = cells.reduce(CharterCell(met: 0, missed: 0, open: 0, targetPercent: commitment.draft.targetPercent(at: branchID))) { $0 + $1 }
            return Row(lineage: commitment.lineage, commitment: commitment, cells: cells, year: year)
        }
        return CharterTable(months: months, rows: rows, inForce: inForce)
    }

    /// The target share in force at the end of `month` for a commitment (the branch's own, where it has one).
    private static func target(of lineage: UUID, in month: CharterMonth, periods: [CharterAchievementStore.Period], branchID: UUID?) -> Int? {
        periods.last { $0.from < month.next && $0.until > month.first }?.version.commitments.first { $0.lineage == lineage }?.draft.targetPercent(at: branchID)
    }

    /// The standard as people read it: "15 minit" / "15 minutes".
    static func standardText(_ commitment: CharterCommitmentRecord, _ req: Request) -> String {
        guard let standard = commitment.standard, let unit = commitment.draft.unit else { return "—" }
        return unitText(standard, unit, req)
    }

    static func unitText(_ number: Int, _ unit: CharterUnit, _ req: Request) -> String {
        "\(number) \(req.t(unit.catalogueKey + (number == 1 ? ".one" : "")))"
    }

    /// The branches keeping their own standard or target, as people read them ("At PG — Pulau Pinang: standard 20 minutes, target 85 %").
    static func branchLines(_ commitment: CharterCommitmentRecord, names: [UUID: String], _ req: Request) -> [String] {
        let draft = commitment.draft
        return draft.branchStandards.compactMap { own in
            guard let name = names[own.branchID], let standard = draft.standard(at: own.branchID), let unit = draft.unit else { return nil }
            return req.t("charter.branchOwn", ["branch": name, "standard": unitText(standard, unit, req),
                                               "target": "\(draft.targetPercent(at: own.branchID))"])
        }
    }


    /// CSV as a spreadsheet opens it: a line per commitment and month.
    func csv(_ req: Request) -> String {
        var lines = ["commitment,metric,standard,target_percent,month,transactions,met,missed,open,percent_met,state"]
        for row in rows {
            for (month, cell) in zip(months, row.cells) {
                lines.append([CSV.field(row.commitment.text(in: req.language)), row.commitment.metric.rawValue, "\(row.commitment.standard ?? 0)",
                              "\(cell.targetPercent)", month.key, "\(cell.transactions)", "\(cell.met)", "\(cell.missed)", "\(cell.open)",
                              cell.percentMet.map { String(format: "%.1f", $0) } ?? "", cell.state.rawValue].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}

/// The tables pages show, kept a minute: twelve months at national scale take seconds to sum (docs/benchmarks.md), and
/// a figure a minute old is what a monthly report needs. Publishing a version or entering a manual figure forgets them;
/// the API always reads afresh.
final class CharterTableCache: Sendable {
    static let lifetime: Duration = .seconds(60)
    private let kept = NIOLockedValueBox<[String: (at: ContinuousClock.Instant, table: CharterTable)]>([:])

    func table(on db: any Database, months: [CharterMonth], branchID: UUID?, today: LocalDate) async throws -> CharterTable {
        let key = "\(months.first!.key)|\(months.last!.key)|\(branchID?.uuidString ?? "")|\(today.iso)"
        let now = ContinuousClock.now
        if let entry = kept.withLockedValue({ $0[key] }), now - entry.at < Self.lifetime { return entry.table }
        let table = try await CharterTable.read(on: db, months: months, branchID: branchID, today: today)
        kept.withLockedValue { entries in
            entries = entries.filter { now - $0.value.at < Self.lifetime }
            entries[key] = (now, table)
        }
        return table
    }

    func forget() { kept.withLockedValue { $0 = [:] } }
}

extension Application {
    private struct CharterTableCacheKey: StorageKey { typealias Value = CharterTableCache }

    /// Set in `configure`.
    var charterTables: CharterTableCache {
        get { storage[CharterTableCacheKey.self]! }
        set { storage[CharterTableCacheKey.self] = newValue }
    }
}
