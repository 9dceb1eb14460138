import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// Every change to the charter: the draft edited, a version published (checked against PKPA's five qualities first,
/// the targets the queue and cases work to set from it), a miss explained, a month published.
struct CharterEngine {
    let app: Application
    var db: any Database { app.db }

    enum Failure: Error, Equatable {
        case findings([CharterQualityCheck.Finding])
        case effectiveTooEarly
        case noteRequired
        case unexplainedMisses(Int)
        case monthNotOver
        case reasonEmpty
        case notManual
        case badFigure
        case evidence(AttachmentPolicy.Problem)
    }

    /// Evidence for a manual figure: a PDF, JPEG or PNG of at most 10 MB.
    static let evidencePolicy = AttachmentPolicy(maximumBytes: 10 * 1024 * 1024, maximumFiles: 1)

    /// A manual commitment's figure for a month (and branch, or the agency), with its evidence; replaces an earlier one.
    func enterManual(lineage: UUID, month: CharterMonth, branchID: UUID?, met: Int, total: Int, evidenceName: String, evidence: [UInt8],
                     by staff: StaffIdentity) async throws {
        guard try await CharterCommitmentRecord.query(on: db).filter(\.$lineage == lineage).filter(\.$metric == .manual).first() != nil else {
            throw Failure.notManual
        }
        guard month.first <= LocalDate(app.clock.now()), total >= 0, total <= 10_000_000, met >= 0, met <= total else { throw Failure.badFigure }
        let kind: AttachmentPolicy.Kind
        switch Self.evidencePolicy.check(evidence) {
        case let .success(found): kind = found
        case let .failure(problem): throw Failure.evidence(problem)
        }
        let now = app.clock.now()
        try await db.writeTransaction { db in
            try await CharterManualFigure.query(on: db).filter(\.$lineage == lineage).filter(\.$month == month.key).filter(\.$branchID == branchID).delete()
            let figure = CharterManualFigure()
            figure.lineage = lineage; figure.month = month.key; figure.branchID = branchID; figure.met = met; figure.total = total
            figure.evidenceName = AttachmentPolicy.safeName(evidenceName); figure.evidenceType = kind.rawValue; figure.evidence = Data(evidence)
            figure.enteredBy = staff.name; figure.enteredAt = now
            try await figure.create(on: db)
        }
        app.charterTables.forget()
    }

    /// The version in force on `day`, if any.
    func inForce(on day: LocalDate) async throws -> CharterVersion? {
        try await CharterAchievementStore(db: db).versions().last { ($0.effective.map { $0 <= day }) ?? false }
    }

    /// The draft being edited, made from the version in force (or empty) when there is none.
    func draft() async throws -> CharterVersion {
        if let draft = try await CharterVersion.query(on: db).filter(\.$status == .draft).with(\.$commitments).first() { return draft }
        let latest = try await CharterVersion.query(on: db).sort(\.$number, .descending).with(\.$commitments).first()
        let draft = CharterVersion(number: (latest?.number ?? 0) + 1, changeNote: "")
        do {
            try await db.writeTransaction { db in
                try await draft.create(on: db)
                for old in latest?.commitments.sorted(by: { $0.position < $1.position }) ?? [] {
                    try await CharterCommitmentRecord(versionID: draft.id!, position: old.position, draft: old.draft, lineage: old.lineage).create(on: db)
                }
            }
        } catch {
            // Two managers opened the editor at once: the other made the draft (its number is unique).
            if let other = try await CharterVersion.query(on: db).filter(\.$status == .draft).with(\.$commitments).first() { return other }
            throw error
        }
        return try await CharterVersion.query(on: db).filter(\.$id == draft.id!).with(\.$commitments).first()!
    }

    /// Replaces the draft's commitments. A row keeps its lineage (its line in the 12-month table) while it measures the
    /// same metric; bound to another metric it is a new commitment with a line of its own.
    func save(_ rows: [(lineage: UUID?, draft: CharterCommitmentDraft)], note: String) async throws {
        let version = try await draft()
        let known = Dictionary(try await CharterCommitmentRecord.query(on: db).all().map { ($0.lineage, $0.metric) }, uniquingKeysWith: { a, _ in a })
        let rows = rows.map { row in (lineage: row.lineage.flatMap { known[$0] == row.draft.metric ? $0 : nil }, draft: row.draft) }
        try await db.writeTransaction { db in
            try await CharterCommitmentRecord.query(on: db).filter(\.$version.$id == version.id!).delete()
            for (i, row) in rows.enumerated() {
                try await CharterCommitmentRecord(versionID: version.id!, position: i, draft: row.draft, lineage: row.lineage ?? UUID()).create(on: db)
            }
            version.changeNote = note
            try await version.save(on: db)
        }
    }

    /// The findings for the draft: PKPA's qualities, with "practical?" judged on the last three whole months.
    func findings(for version: CharterVersion, today: LocalDate) async throws -> [CharterQualityCheck.Finding] {
        let commitments = version.commitments.sorted { $0.position < $1.position }
        let months = CharterMonth(containing: today).previous.lastMonths(3)
        // The draft measured as if it had been in force then.
        let trial = CharterVersion(number: version.number, changeNote: "")
        trial.effectiveFrom = months[0].first.iso
        trial.$commitments.value = commitments
        let figures = try await CharterAchievementStore(db: db).figures(months: months, today: today, versions: [trial])
        return CharterQualityCheck.findings(commitments.map(\.draft)) { i in
            let lineage = commitments[i].lineage
            var byBranch: [String: CharterCell] = [:]
            for figure in figures where figure.lineage == lineage {
                let key = figure.branchID?.uuidString ?? ""
                byBranch[key] = byBranch[key].map { $0 + figure.cell } ?? figure.cell
            }
            // Each branch against its own target.
            let judged = byBranch.values.compactMap { cell in cell.percentMet.map { $0 >= Double(cell.targetPercent) } }
            return judged.isEmpty ? nil : judged.contains(true)
        }
    }

    /// Publishes the draft from `effective` (today or later): the version before is superseded on that day, and the
    /// queue's and cases' targets follow the new standards.
    func publish(effective: LocalDate, note: String, acceptWarnings: Bool, by staff: StaffIdentity, today: LocalDate) async throws -> CharterVersion {
        let version = try await draft()
        let findings = try await findings(for: version, today: today)
        if findings.contains(where: \.isError) || (!acceptWarnings && !findings.isEmpty) { throw Failure.findings(findings) }
        guard effective >= today else { throw Failure.effectiveTooEarly }
        let previous = try await CharterVersion.query(on: db).filter(\.$status == .published).all()
        // PKPA 1/2008: a review records what changed and why.
        if !previous.isEmpty, note.trimmed.isEmpty { throw Failure.noteRequired }
        let now = app.clock.now()
        try await db.writeTransaction { db in
            // One published ahead of its day leaves the one in force alone until then (CharterReviewJob).
            for old in previous where effective == today {
                old.status = .superseded
                try await old.save(on: db)
            }
            version.status = .published
            version.effectiveFrom = effective.iso
            version.publishedAt = now
            version.publishedBy = staff.name
            version.changeNote = note.trimmed
            try await version.save(on: db)
            if effective == today { try await applyTargets(version.commitments, on: db) }
        }
        app.charterTables.forget()
        return version
    }

    /// The queue services and case types work to the standards in force (PKPA 1/2008: the charter is what is measured),
    /// each branch to its own where the charter gives it one.
    func applyTargets(_ commitments: [CharterCommitmentRecord], on db: any Database) async throws {
        // A branch's case days hold only while a version in force gives them.
        try await CaseBranchStandard.query(on: db).delete()
        for commitment in commitments {
            guard let standard = commitment.standard else { continue }
            let draft = commitment.draft
            switch commitment.metric {
            case .counterWait:
                var query = QueueService.query(on: db)
                if !commitment.subject.isEmpty { query = query.filter(\.$letter == commitment.subject) }
                try await query.set(\.$targetWaitMinutes, to: standard).update()
                for own in draft.branchStandards {
                    guard let minutes = own.standard else { continue }
                    var query = QueueService.query(on: db).filter(\.$branch.$id == own.branchID)
                    if !commitment.subject.isEmpty { query = query.filter(\.$letter == commitment.subject) }
                    try await query.set(\.$targetWaitMinutes, to: minutes).update()
                }
            case .caseAcknowledged, .caseResolved:
                let subject = CaseSubject(commitment.subject)
                guard subject.categoryID == nil else { continue }
                let acknowledge = commitment.metric == .caseAcknowledged
                for type in subject.type.map({ [$0] }) ?? CaseType.allCases {
                    let row = try await CaseTypeStandard.query(on: db).filter(\.$type == type).first() ?? {
                        let row = CaseTypeStandard(); row.type = type
                        row.acknowledgeDays = ServiceStandard.pkpaDefault.acknowledgeWorkingDays; row.resolveDays = ServiceStandard.pkpaDefault.resolveWorkingDays
                        return row
                    }()
                    if acknowledge { row.acknowledgeDays = standard } else { row.resolveDays = standard }
                    try await row.save(on: db)
                    for own in draft.branchStandards {
                        guard let days = own.standard else { continue }
                        let branchRow = try await CaseBranchStandard.query(on: db).filter(\.$type == type).filter(\.$branchID == own.branchID).first() ?? {
                            let row = CaseBranchStandard(); row.type = type; row.branchID = own.branchID
                            return row
                        }()
                        if acknowledge { branchRow.acknowledgeDays = days } else { branchRow.resolveDays = days }
                        try await branchRow.save(on: db)
                    }
                }
            case .telephoneAnswer:
                let settings = try await TelephoneSettings.current(on: db)
                settings.answerWithinSeconds = standard
                try await settings.saveCountingAgain(on: db)
            case .counterService, .messageReturned, .manual:
                continue
            }
        }
    }

    /// An officer's reason for one missed transaction (replacing an earlier one).
    func explain(metric: CharterMetric, recordID: String, reason: String, by staff: StaffIdentity) async throws {
        let text = reason.trimmed
        guard !text.isEmpty else { throw Failure.reasonEmpty }
        let now = app.clock.now()
        try await db.writeTransaction { db in
            try await CharterMissReason.query(on: db).filter(\.$metric == metric).filter(\.$recordID == recordID).delete()
            try await CharterMissReason(metric: metric, recordID: recordID, reason: text, by: staff.name, at: now).create(on: db)
        }
    }

    /// One reason for every miss of a commitment's month (and branch) that has none yet; returns how many it explained.
    func explainAll(lineage: UUID, month: CharterMonth, branchID: UUID?, reason: String, by staff: StaffIdentity) async throws -> Int {
        let text = reason.trimmed
        guard !text.isEmpty else { throw Failure.reasonEmpty }
        let misses = try await CharterMissList(db: db).misses(lineage: lineage, month: month, branchID: branchID, today: LocalDate(app.clock.now()),
                                                             limit: Int.max).filter { $0.reason == nil }
        let now = app.clock.now()
        try await db.writeTransaction { db in
            let rows = misses.map { CharterMissReason(metric: $0.metric, recordID: $0.recordID, reason: text, by: staff.name, at: now) }
            // In groups: a month at national scale can hold tens of thousands of misses.
            for start in stride(from: 0, to: rows.count, by: 500) { try await Array(rows[start..<min(rows.count, start + 500)]).create(on: db) }
        }
        return misses.count
    }

    /// Publishes a finished month's achievement (issue #19: not while a missed transaction has no reason).
    func publish(month: CharterMonth, by staff: StaffIdentity) async throws {
        let today = LocalDate(app.clock.now())
        guard month.next <= today else { throw Failure.monthNotOver }
        let unexplained = try await CharterMissList(db: db).unexplained(month: month, today: today)
        guard unexplained == 0 else { throw Failure.unexplainedMisses(unexplained) }
        if try await CharterPublishedMonth.find(month.key, on: db) != nil { return }
        let row = CharterPublishedMonth()
        row.id = month.key; row.publishedAt = app.clock.now(); row.publishedBy = staff.name
        try await row.create(on: db)
    }
}
