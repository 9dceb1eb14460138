import Fluent
import Foundation
import LayanCore
import LayanStorage
import NIOConcurrencyHelpers
import SQLKit

/// PostgreSQL: new cases that arrive while others are being written wait their turn and are then filed together —
/// the duty desks read, the reference numbers reserved and every row written in one statement each for the lot,
/// instead of three round trips per case (group filing, as a database groups commits).
///
/// Each round trip cost Layan and the backend more than the rows it carried (perf, session 7), and under load cases
/// arrive faster than one round trip. A case waits at most for the batch ahead of it; alone, it is written at once.
/// Each case stays all or nothing: a batch is one statement, and when it fails each of its cases is filed again
/// alone, so one bad case fails by itself. Numbers reserved by a failed batch are skipped.
final class PostgresCaseStore: CaseStore {
    /// Cases per batch.
    let maximumBatch: Int
    /// Attachment bytes per batch, a case's own files aside: a statement's values must stay well under PostgreSQL's
    /// 1 GB message, and one case's 40 MB of files should not hold up sixty others.
    let maximumBatchBytes: Int
    /// Batches written at once. One keeps batches large, and the backend writing while Layan reads the next requests.
    let writers: Int
    private let state = NIOLockedValueBox(State())

    private struct State {
        var waiting: [Waiting] = []
        var writing = 0
        var batches = 0
    }

    /// Batches written so far (tests, to see cases grouped).
    var batchesWritten: Int { state.withLockedValue { $0.batches } }

    private struct Waiting: Sendable {
        var filing: CaseFiling
        let db: any Database
        let calendar: WorkingCalendar
        let answer: CheckedContinuation<FiledCase, any Error>
        var number = 0
    }

    init(maximumBatch: Int = 64, maximumBatchBytes: Int = 8 << 20, writers: Int = 1) {
        self.maximumBatch = maximumBatch
        self.maximumBatchBytes = maximumBatchBytes
        self.writers = writers
    }

    /// Files `filing` with whatever else is waiting; answers once its rows are stored.
    func file(_ filing: CaseFiling, calendar: WorkingCalendar, on db: any Database) async throws -> FiledCase {
        try await withCheckedThrowingContinuation { answer in
            let startsWriter = state.withLockedValue { state in
                state.waiting.append(Waiting(filing: filing, db: db, calendar: calendar, answer: answer))
                guard state.writing < writers else { return false }
                state.writing += 1
                return true
            }
            guard startsWriter else { return }
            // On the connections' own event loop: each statement's answer resumes the writer without a thread hop.
            Task { try? await db.nearItsConnections { await self.writeWhileWaiting() } }
        }
    }

    /// Writes batches until nobody waits.
    private func writeWhileWaiting() async {
        while true {
            let batch = state.withLockedValue { state -> [Waiting] in
                var (count, bytes) = (0, 0)
                while count < min(state.waiting.count, maximumBatch) {
                    bytes += state.waiting[count].filing.attachmentBytes
                    if count > 0 && bytes > maximumBatchBytes { break }
                    count += 1
                }
                let batch = Array(state.waiting.prefix(count))
                state.waiting.removeFirst(count)
                if batch.isEmpty { state.writing -= 1 } else { state.batches += 1 }
                return batch
            }
            guard !batch.isEmpty else { return }
            await write(batch)
        }
    }

    private func write(_ batch: [Waiting]) async {
        var batch = batch
        let sql = batch[0].db.sql
        do {
            // The duty desks and the numbers are independent: read on two connections at once.
            let arrived = batch, counts = Dictionary(batch.map { ($0.filing.series, 1) }, uniquingKeysWith: +)
            async let assignees = dutyOfficers(for: arrived, on: sql)
            async let reserved = CaseFilingSQL.reserveNumbers(counts, on: sql)
            var next = try await reserved
            // Numbers in order of arrival within each series: a block's last number goes to the last case to arrive.
            for (index, assignee) in try await assignees.enumerated().reversed() {
                batch[index].filing.assignee = assignee
                batch[index].number = next[batch[index].filing.series]!
                next[batch[index].filing.series]! -= 1
            }
            // By officer: each row's trigger locks its officer's load row, so concurrent batches take them in one order.
            batch.sort { ($0.filing.assignee?.uuidString ?? "~") < ($1.filing.assignee?.uuidString ?? "~") }
            var filed: [FiledCase] = []
            var rows = InsertBatch()
            for waiting in batch {
                let (one, its) = waiting.filing.rows(number: waiting.number)
                filed.append(one)
                rows.append(its)
            }
            do {
                try await rows.writeAsOneStatement(on: sql)
            } catch where batch.count > 1 {
                // One case spoiled the statement: each again alone, so only that one fails.
                for waiting in batch {
                    do { waiting.answer.resume(returning: try await Self.writeAlone(waiting.filing, on: sql)) }
                    catch { waiting.answer.resume(throwing: error) }
                }
                return
            }
            for (waiting, one) in zip(batch, filed) { waiting.answer.resume(returning: one) }
        } catch {
            for waiting in batch { waiting.answer.resume(throwing: error) }
        }
    }

    /// Each case's duty officer: the batch shared among each branch's officers, counting each case as it is given.
    private func dutyOfficers(for batch: [Waiting], on sql: any SQLDatabase) async throws -> [UUID?] {
        var assignees = [UUID?](repeating: nil, count: batch.count)
        // Cases filed either side of midnight belong to different days' rotas.
        for day in Set(batch.map(\.filing.today)) {
            let those = batch.indices.filter { batch[$0].filing.today == day }
            let branches = Dictionary(those.map { (batch[$0].filing.branchID, batch[$0].filing.branchState) }, uniquingKeysWith: { a, _ in a })
            var desks = try await CaseFilingSQL.dutyDesks(for: branches, today: day, calendar: batch[those[0]].calendar, on: sql)
            for index in those {
                let filing = batch[index].filing
                assignees[index] = desks[filing.branchID]?
                    .assign(division: filing.new.divisionID?.uuidString, at: filing.now.timeIntervalSince1970)
                    .flatMap(UUID.init(uuidString:))
            }
        }
        return assignees
    }

    private static func writeAlone(_ filing: CaseFiling, on sql: any SQLDatabase) async throws -> FiledCase {
        let (filed, rows) = filing.rows(number: try await CaseFilingSQL.nextNumber(for: filing.series, on: sql))
        try await rows.writeAsOneStatement(on: sql)
        return filed
    }
}
