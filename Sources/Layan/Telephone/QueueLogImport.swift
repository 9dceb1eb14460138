import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// Takes `queue_log` lines in — from `layan telephone import`, the upload page or the API — and stores the calls
/// they finish, in batches, each call once (docs/telephone.md). Lines arrive in chunks of bytes and are split here,
/// so a file of any size is read with flat memory; calls still in progress are carried to the next import.
struct QueueLogImport {
    let app: Application
    var db: any Database { app.db }

    struct Problem: Content, Equatable { let line: Int; let text: String; let reason: String }

    struct Report: Content {
        var linesRead = 0
        var callsAdded = 0
        var callsAlreadyStored = 0
        /// Records the live feed made, corrected from the log.
        var callsCorrected = 0
        var agentEvents = 0
        var skippedEvents = 0
        var callsInProgress = 0
        var callBacksOpened = 0
        var problemCount = 0
        /// The first hundred; the count says how many there were.
        var problems: [Problem] = []
    }

    /// Refused whole: not a `queue_log` at all.
    struct WrongFormat: Error, AbortError {
        var status: HTTPResponseStatus { .unprocessableEntity }
        var reason: String { "This is not an Asterisk queue_log: its lines are not epoch|callid|queue|agent|EVENT|… separated by '|'" }
    }

    /// Calls per write transaction: one commit (one sync of the log) per batch. Measured: 10,000 imported faster than
    /// 5,000 or 20,000, and 20,000 nearly doubled the import's peak memory (docs/benchmarks.md).
    static let batchSize = 10000
    static let problemsKept = 100
    /// Lines looked at before deciding whether the file is a queue_log at all.
    static let formatSample = 20

    final class State: @unchecked Sendable {
        // @unchecked: one import's state, used by the one task that runs the import.
        var reader = QueueLogReader()
        var report = Report()
        var calls: [PBXCall] = []
        var agentEvents: [QueueLogReader.AgentEvent] = []
        var remainder: [UInt8] = []
        var sample: [[UInt8]] = []
        var checked = false
        var lineNumber = 0
        var extensions: [String: UUID] = [:]
        var names: [String: UUID] = [:]
        /// Each agent's officer, worked out once per import (a PBX has a few dozen agents, a file a million lines).
        var staffByAgent: [String: UUID?] = [:]
        /// The batch being written while the next is read (two cores: reading and writing overlap).
        var writing: Task<CallWriter.Outcome, any Error>?
        var writingEvents = 0
        var batches = 0
    }

    /// Reads `chunks` of bytes to the end and stores every call they finish.
    func run<Chunks: AsyncSequence>(_ chunks: Chunks) async throws -> Report where Chunks.Element == [UInt8] {
        let state = State()
        try await loadStaff(into: state)
        for line in try await TelephoneStore(db: db).openLines() {
            if case let .success(parsed) = QueueLogLine.parse(line) { take(state.reader.read(parsed), into: state) }
        }
        for try await chunk in chunks {
            try await feed(chunk, into: state)
        }
        if !state.remainder.isEmpty { let last = state.remainder; state.remainder = []; try await lines([last[...]], into: state) }
        if !state.checked { try check(state) }
        state.calls += state.reader.finish()
        try await flush(state)
        try await settle(state)
        let inProgress = state.reader.linesInProgress()
        try await db.writeTransaction { db in try await TelephoneStore(db: db).keepOpenLines(inProgress, on: db.sql) }
        state.report.callsInProgress = Set(inProgress.map(\.callID)).count
        state.report.skippedEvents = state.reader.skippedEvents
        return state.report
    }

    /// One file from disk, a megabyte at a time.
    func run(file path: String) async throws -> Report {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CommandFailure("cannot open \(path)") }
        defer { try? handle.close() }
        return try await run(FileChunks(handle: handle))
    }

    /// A file read a megabyte at a time as the import asks for it (an AsyncStream filled up front would hold it all).
    struct FileChunks: AsyncSequence, AsyncIteratorProtocol {
        let handle: FileHandle
        func makeAsyncIterator() -> FileChunks { self }
        mutating func next() async throws -> [UInt8]? {
            guard let data = try handle.read(upToCount: 1 << 20), !data.isEmpty else { return nil }
            return Array(data)
        }
    }

    private func feed(_ chunk: [UInt8], into state: State) async throws {
        var bytes = state.remainder
        bytes.append(contentsOf: chunk)
        var found: [ArraySlice<UInt8>] = []
        var start = 0
        while let newline = bytes[start...].firstIndex(of: 10) {
            found.append(bytes[start..<newline])
            start = newline + 1
        }
        state.remainder = Array(bytes[start...])
        // A "line" of a megabyte is not a queue_log line; it is reported, not held.
        if state.remainder.count > 1 << 20 { found.append(state.remainder[...]); state.remainder = [] }
        try await lines(found, into: state)
    }

    private func lines(_ found: [ArraySlice<UInt8>], into state: State) async throws {
        for line in found {
            state.lineNumber += 1
            if !state.checked {
                state.sample.append(Array(line))
                if state.sample.filter({ !$0.allSatisfy { $0 == 13 || $0 == 32 } }).count >= Self.formatSample { try check(state) }
            }
            if line.allSatisfy({ $0 == 13 || $0 == 32 }) { continue }
            state.report.linesRead += 1
            switch QueueLogLine.parse(line) {
            case let .success(parsed):
                take(state.reader.read(parsed), into: state)
            case let .failure(problem):
                state.report.problemCount += 1
                if state.report.problems.count < Self.problemsKept {
                    state.report.problems.append(Problem(line: state.lineNumber, text: String(decoding: line.prefix(200), as: UTF8.self),
                                                         reason: problem.description))
                }
            }
            if state.checked, state.calls.count >= Self.batchSize || state.agentEvents.count >= Self.batchSize { try await flush(state) }
        }
    }

    private func check(_ state: State) throws {
        state.checked = true
        guard QueueLogFormat.looksRight(state.sample.map { $0[...] }) else { throw WrongFormat() }
        state.sample = []
    }

    private func take(_ read: (calls: [PBXCall], agentEvent: QueueLogReader.AgentEvent?), into state: State) {
        state.calls += read.calls
        if let event = read.agentEvent { state.agentEvents.append(event) }
    }

    private func loadStaff(into state: State) async throws {
        for staff in try await Staff.query(on: db).filter(\.$active == true).all() {
            if let exten = staff.phoneExtension?.trimmed, !exten.isEmpty { state.extensions[exten] = staff.id }
            state.names[staff.name.lowercased()] = staff.id
        }
    }

    private func flush(_ state: State) async throws {
        let calls = state.calls, events = state.agentEvents
        state.calls = []; state.agentEvents = []
        let new = calls.map { call in
            TelephoneCall.New(call: call, staffID: call.agent.flatMap { agent in
                if let known = state.staffByAgent[agent] { return known }
                let staff = CallerNumber.memberExtension(agent).flatMap { state.extensions[$0] } ?? state.names[agent.lowercased()]
                state.staffByAgent[agent] = staff
                return staff
            }, source: .queueLog)
        }
        // One batch written at a time, in order: each sees the one before it stored (repeats, returns after a transfer).
        try await settle(state)
        // The planner's picture of the calls table kept up as an import doubles it (1, 2, 4, … batches).
        state.batches += 1
        if state.batches & (state.batches - 1) == 0 { try await db.sql.tableGrew(TelephoneCall.schema) }
        let app = app
        state.writing = Task { try await CallWriter(app: app).write(new, agentEvents: events) }
        state.writingEvents = events.count
    }

    /// Waits for the batch being written and adds its outcome to the report.
    private func settle(_ state: State) async throws {
        guard let writing = state.writing else { return }
        state.writing = nil
        let outcome = try await writing.value
        state.report.callsAdded += outcome.added
        state.report.callsAlreadyStored += outcome.alreadyStored
        state.report.callsCorrected += outcome.corrected
        state.report.callBacksOpened += outcome.callBacks
        state.report.agentEvents += state.writingEvents
    }
}

/// Writes finished calls from any source in one transaction per batch: each call once (a repeat from the log or the
/// live feed is recognised by its PBX id, queue and join time within two seconds), a return after a transfer marked,
/// and a call-back opened for each recent caller the queue did not answer.
struct CallWriter {
    let app: Application

    struct Outcome: Sendable { var added = 0, alreadyStored = 0, corrected = 0, callBacks = 0 }

    /// Call-backs are opened for calls of the last two days only: importing a year of history opens none.
    static let callBackHorizon: TimeInterval = 2 * 86_400

    @discardableResult
    func write(_ calls: [TelephoneCall.New], agentEvents: [QueueLogReader.AgentEvent] = []) async throws -> Outcome {
        guard !calls.isEmpty || !agentEvents.isEmpty else { return Outcome() }
        let now = app.clock.now()
        let standard = try await TelephoneSettings.current(on: app.db).standard
        let calendar = try await app.calendarService.calendar(on: app.db, now: now)
        let state = try await PhoneMessages.state(app, on: app.db)
        return try await app.db.writeTransaction { db in
            let store = TelephoneStore(db: db)
            let stored = try await store.stored(callIDs: Array(Set(calls.map(\.call.callID))))
            var byCall = Dictionary(grouping: stored, by: \.callID)
            var outcome = Outcome()
            var fresh: [TelephoneCall.New] = []
            var corrected: Set<TelephoneCallCounts.Group> = []
            for var new in calls {
                let call = new.call
                if let same = byCall[call.callID]?.first(where: { call.isSameCall(as: ($0.callID, $0.queue, $0.enteredAt)) }) {
                    if same.source == .live, new.source == .queueLog {
                        try await store.replace(key: same.key, with: new, on: db.sql)
                        corrected.insert(same.group); corrected.insert(.init(call))
                        outcome.corrected += 1
                    } else {
                        outcome.alreadyStored += 1
                    }
                    continue
                }
                // PKPA 1/2008, telephone rule 3: a transfer nobody answered comes back; the earlier part may be in an earlier file.
                if !call.returnedAfterTransfer, byCall[call.callID]?.contains(where: {
                    $0.outcome == .transferred && $0.enteredAt < call.enteredAt && call.enteredAt - $0.enteredAt <= QueueLogReader.returnWindow
                }) == true {
                    var marked = call; marked.returnedAfterTransfer = true
                    new = TelephoneCall.New(call: marked, staffID: new.staffID, source: new.source, note: new.note, caseID: new.caseID)
                }
                byCall[call.callID, default: []].append(.init(callID: call.callID, queue: call.queue, enteredAt: call.enteredAt, source: new.source,
                                                              outcome: call.outcome, key: call.key, agent: call.agent))
                fresh.append(new)
            }
            // Only the rows this transaction wrote are counted (another writer may have stored one a moment before).
            let written = try await db.sql.insertSkippingDuplicates(fresh, as: TelephoneCall.shape, returning: "call_key")
            try await TelephoneCallCounts.add(callKeys: written, standard: standard, on: db.sql)
            try await TelephoneCallCounts.recount(corrected, standard: standard, on: db.sql)
            outcome.added = written.count
            if !agentEvents.isEmpty { try await store.insertAgentEvents(agentEvents, on: db.sql) }
            outcome.callBacks = try await PhoneMessages.openCallBacks(for: fresh.map(\.call).filter {
                now.timeIntervalSince1970 - Double($0.enteredAt) <= Self.callBackHorizon
            }, now: now, standard: standard, calendar: calendar, state: state, on: db)
            return outcome
        }
    }
}
