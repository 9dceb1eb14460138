import Fluent
import LayanStorage
import SQLKit

/// Keeps satisfaction's counts by report dimension (issue #20, item 8): one row per month, branch and the line a
/// report shows (the branch itself, a counter, an officer, a service or case type, a channel) instead of one per
/// month × counter × officer × service × channel, which a year's report by branch had to add up two million times.
/// A rating now moves five small counts instead of one; the counts are rebuilt from the records, not copied.
struct RollUpSatisfactionCounts: AsyncMigration, LargeTableMigration {
    var largeTableNote: String {
        "reads every counter rating, served ticket and case survey: one grouped INSERT … SELECT per count and report line (35)"
    }
    static let table = "satisfaction_rollup"

    /// The lines a report can show; a report by month reads the `branch` rows.
    enum Dimension: String, CaseIterable, Sendable {
        case branch, counter, officer, service, channel

        /// The line's key for `answer`'s row, or nil where the dimension does not apply (a case has no counter).
        func key(_ answer: [String: String]) -> String? {
            let atCounter = answer["source"] == "'counter'"
            return switch self {
            case .branch: "CAST(\(answer["branch_id"]!) AS TEXT)"
            case .counter: atCounter ? "CAST(\(answer["counter_id"]!) AS TEXT)" : nil
            case .officer: "CAST(\(answer["officer_id"]!) AS TEXT)"
            // A counter's service, a case's type: what the customer came for.
            case .service: atCounter ? "CAST(\(answer["service_id"]!) AS TEXT)" : answer["case_type"]!
            case .channel: answer["channel"]!
            }
        }
    }

    /// The rollup's columns for `answer` under `dimension`, as expressions of `row`.
    static func columns(_ answer: CreateSatisfaction.CountedAnswer, _ dimension: Dimension, row: String) -> [(String, String)]? {
        let fine = Dictionary(uniqueKeysWithValues: answer.key(row))
        guard let k = dimension.key(fine) else { return nil }
        return [("dimension", "'\(dimension.rawValue)'"), ("month", fine["month"]!), ("source", fine["source"]!), ("question", fine["question"]!),
                ("branch_id", fine["branch_id"]!), ("k", k), ("score", fine["score"]!)]
    }

    static func kept(_ answer: CreateSatisfaction.CountedAnswer) -> KeptCount {
        let cells = Dimension.allCases.compactMap { dimension -> KeptCount.Cell? in
            guard let names = columns(answer, dimension, row: "NEW")?.map(\.0) else { return nil }
            return KeptCount.Cell(counter: .init(table: table, columns: names.joined(separator: ", ") + ", n") { row in
                columns(answer, dimension, row: row)!.map(\.1).joined(separator: ", ") + ", 0"
            }, adjust: { row, delta in
                "UPDATE \(table) SET n = n \(delta) 1 WHERE " + columns(answer, dimension, row: row)!.map { "\($0.0) = \($0.1)" }.joined(separator: " AND ") + ";"
            })
        }
        return KeptCount(source: answer.source, watched: answer.watched, sqliteTriggerPrefix: "rollup_\(answer.name)",
                         postgresFunction: "layan_rollup_\(answer.name)", postgresTrigger: "rollup_\(answer.name)", counts: answer.counts, cells: cells)
    }

    static var allKept: [KeptCount] { CreateSatisfaction.allAnswers.map(kept) }

    /// Counts the records themselves into `table`: one `INSERT … SELECT … GROUP BY` per answer (and dimension).
    static func recount(into table: String, _ answer: CreateSatisfaction.CountedAnswer, columns: [(String, String)], on sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO \(unsafeRaw: table) (\(unsafeRaw: columns.map(\.0).joined(separator: ", ")), n)
            SELECT \(unsafeRaw: columns.map(\.1).joined(separator: ", ")), COUNT(*) FROM \(unsafeRaw: answer.source) r WHERE \(unsafeRaw: answer.counts("r"))
            GROUP BY \(unsafeRaw: (1...columns.count).map(String.init).joined(separator: ", "))
            """).run()
    }

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.raw("""
            CREATE TABLE \(unsafeRaw: Self.table) (dimension TEXT NOT NULL, month TEXT NOT NULL, source TEXT NOT NULL, question TEXT NOT NULL,
              branch_id UUID NOT NULL, k TEXT NOT NULL, score BIGINT NOT NULL, n BIGINT NOT NULL,
              PRIMARY KEY (dimension, month, source, question, branch_id, k, score))
            """).run()
        for kept in CreateSatisfaction.allKept { try await kept.remove(on: sql) }
        for kept in Self.allKept { try await kept.install(on: sql) }
        for answer in CreateSatisfaction.allAnswers {
            for dimension in Dimension.allCases {
                guard let columns = Self.columns(answer, dimension, row: "r") else { continue }
                try await Self.recount(into: Self.table, answer, columns: columns, on: sql)
            }
        }
        try await sql.drop(table: CreateSatisfaction.counts).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for kept in Self.allKept { try await kept.remove(on: sql) }
        try await sql.drop(table: Self.table).run()
        try await CreateSatisfaction.createCounts(on: sql)
        for kept in CreateSatisfaction.allKept { try await kept.install(on: sql) }
        for answer in CreateSatisfaction.allAnswers {
            // A case's `none` counter is a quoted literal: typed, so the SELECT gives a UUID, not text.
            let typed = answer.key("r").map { column, value in (column, column.hasSuffix("_id") ? sql.asUUID(value) : value) }
            try await Self.recount(into: CreateSatisfaction.counts, answer, columns: typed, on: sql)
        }
    }
}
