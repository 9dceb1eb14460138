import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// The demo agency's Client Charter: version 1 published two years ago, version 2 from last year's review (the
/// counter's payment standard tightened, a telephone commitment added), its next review due within the month, and
/// a year of complaints and inquiries behind the achievement table, with reasons written for most misses and the
/// months before last published.
enum DemoCharter {
    struct Line {
        let ms: String, en: String, metric: CharterMetric, standard: Int
        var unit: CharterUnit? = nil
        let target: Int, subject: String
        /// Branches with their own standard or target, by code.
        var own: [(branch: String, standard: Int?, target: Int?)] = []
    }

    static let first: [Line] = [
        Line(ms: "Pelanggan kaunter pendaftaran dipanggil dalam tempoh 15 minit selepas mengambil nombor.",
             en: "Registration customers are called within 15 minutes of taking a number.", metric: .counterWait, standard: 15, target: 90, subject: "A"),
        Line(ms: "Pelanggan kaunter lesen dan permit dipanggil dalam tempoh 20 minit.", en: "Licence and permit customers are called within 20 minutes.",
             metric: .counterWait, standard: 20, target: 90, subject: "B"),
        Line(ms: "Pelanggan kaunter bayaran dipanggil dalam tempoh 15 minit.", en: "Payment customers are called within 15 minutes.",
             metric: .counterWait, standard: 15, target: 90, subject: "C"),
        Line(ms: "Aduan diakui terima dalam tempoh 1 hari bekerja.", en: "Complaints are acknowledged within 1 working day.",
             metric: .caseAcknowledged, standard: 1, target: 95, subject: "complaint"),
        Line(ms: "Aduan diselesaikan dalam tempoh 15 hari bekerja.", en: "Complaints are resolved within 15 working days.",
             metric: .caseResolved, standard: 15, target: 90, subject: "complaint"),
        Line(ms: "Pertanyaan dijawab dalam tempoh 7 hari bekerja.", en: "Inquiries are answered within 7 working days.",
             metric: .caseResolved, standard: 7, target: 90, subject: "inquiry"),
    ]

    /// Last year's review: payments called within 10 minutes, service at the counter and the telephone measured too;
    /// Kota Bharu, with one licensing officer, promises licences within 30 minutes at 85 %.
    static var second: [Line] {
        var lines = first
        lines[1].own = [("KBR", 30, 85)]
        lines[2] = Line(ms: "Pelanggan kaunter bayaran dipanggil dalam tempoh 10 minit.", en: "Payment customers are called within 10 minutes.",
                        metric: .counterWait, standard: 10, target: 90, subject: "C")
        lines.insert(Line(ms: "Urusan di kaunter pendaftaran selesai dalam tempoh 10 minit.", en: "Registration is completed at the counter within 10 minutes.",
                          metric: .counterService, standard: 10, target: 85, subject: "A"), at: 3)
        lines.append(Line(ms: "Panggilan telefon dijawab dalam tempoh 10 saat.", en: "Telephone calls are answered within 10 seconds.",
                          metric: .telephoneAnswer, standard: 10, target: 80, subject: ""))
        lines.append(Line(ms: "Pesanan untuk pegawai yang tiada dibalas dalam tempoh 1 hari bekerja.", en: "Messages for absent officers are returned within 1 working day.",
                          metric: .messageReturned, standard: 1, target: 90, subject: ""))
        lines.append(Line(ms: "Lesen premis diluluskan dalam tempoh 7 hari bekerja selepas permohonan lengkap.",
                          en: "Premises licences are approved within 7 working days of a complete application.",
                          metric: .manual, standard: 7, unit: .workingDays, target: 90, subject: ""))
        return lines
    }

    static func load(on db: any Database, application app: Application) async throws {
        let today = LocalDate(app.clock.now())
        let head = try await Staff.query(on: db).all().first { $0.roles.contains(.headOfUnit) }
        let secondEffective = today.adding(days: -340)
        let lineages = (0..<second.count).map { _ in UUID() }
        // Version 1 shares the lines that version 2 kept.
        let firstLineages = [lineages[0], lineages[1], lineages[2], lineages[4], lineages[5], lineages[6]]
        let versions: [(Int, [Line], [UUID], LocalDate, String, CharterVersion.Status)] = [
            (1, first, firstLineages, secondEffective.adding(days: -365), "", .superseded),
            (2, second, lineages, secondEffective,
             "Semakan tahunan: bayaran dipanggil dalam 10 minit (kaunter ketiga dibuka); masa urusan pendaftaran dan jawapan telefon kini diukur. / "
                + "Annual review: payments called within 10 minutes (a third counter opened); registration service time and telephone answering now measured.",
             .published),
        ]
        let branchIDs = Dictionary(try await Branch.query(on: db).all().map { ($0.code, $0.id!) }, uniquingKeysWith: { a, _ in a })
        for (number, lines, ids, effective, note, status) in versions {
            let version = CharterVersion(number: number, changeNote: note)
            version.status = status
            version.effectiveFrom = effective.iso
            version.publishedAt = effective.adding(days: -7).startInstant.addingTimeInterval(10 * 3600)
            version.publishedBy = head?.name ?? "Ketua Unit"
            try await version.create(on: db)
            for (i, line) in lines.enumerated() {
                let draft = CharterCommitmentDraft(textMS: line.ms, textEN: line.en, metric: line.metric, standard: line.standard,
                                                   manualUnit: line.unit, targetPercent: line.target, subject: line.subject,
                                                   branchStandards: line.own.compactMap { own in
                                                       branchIDs[own.branch].map { CharterBranchStandard(branchID: $0, standard: own.standard, targetPercent: own.target) }
                                                   })
                try await CharterCommitmentRecord(versionID: version.id!, position: i, draft: draft, lineage: ids[i]).create(on: db)
            }
            // The queue and cases work to the version in force, as publishing it did.
            if status == .published { try await CharterEngine(app: app).applyTargets(try await CharterCommitmentRecord.query(on: db).filter(\.$version.$id == version.id!).all(), on: db) }
        }
        try await loadCaseHistory(on: db, application: app)
        try await loadManualFigures(on: db, lineage: lineages[lineages.count - 1], author: head?.name ?? "Ketua Unit", today: today)
        try await explainMisses(on: db, application: app, author: head?.name ?? "Ketua Unit")
    }

    /// The licensing unit's monthly return for the last six months, each with its report as evidence.
    static func loadManualFigures(on db: any Database, lineage: UUID, author: String, today: LocalDate) async throws {
        for (i, month) in CharterMonth(containing: today).previous.lastMonths(6).enumerated() {
            let total = 40 + i * 3, met = total - [2, 5, 3, 6, 1, 4][i]
            let figure = CharterManualFigure()
            figure.lineage = lineage; figure.month = month.key; figure.branchID = nil; figure.met = met; figure.total = total
            figure.evidenceName = "laporan-lesen-\(month.key).pdf"; figure.evidenceType = "application/pdf"
            figure.evidence = Data("%PDF-1.4\n% Laporan bulanan lesen premis \(month.key): \(met) daripada \(total) dalam 7 hari bekerja\n%%EOF\n".utf8)
            figure.enteredBy = author; figure.enteredAt = month.next.adding(days: 3).startInstant.addingTimeInterval(9 * 3600)
            try await figure.create(on: db)
        }
    }

    /// Two complaints and an inquiry per branch each month of the year, resolved, most within their standard.
    static func loadCaseHistory(on db: any Database, application app: Application) async throws {
        let calendar = try await app.calendarService.calendar(on: db, now: app.clock.now())
        let today = LocalDate(app.clock.now())
        let engine = CaseEngine(app: app)
        var random = SeededGenerator(seed: 1993)
        let subjects = [("Longkang tersumbat", "Longkang di hadapan rumah tersumbat sejak minggu lalu."),
                        ("Lampu jalan rosak", "Lampu jalan di simpang masuk taman tidak menyala."),
                        ("Dokumen permohonan lesen", "Apakah dokumen yang perlu dihantar untuk lesen premis?")]
        for branch in try await Branch.query(on: db).sort(\.$code).all() {
            for back in 1...12 {
                for (i, type) in [CaseType.complaint, .complaint, .inquiry].enumerated() {
                    let received = calendar.nextWorkingDay(onOrAfter: CharterMonth(containing: today).lastMonths(back + 1)[0].first.adding(days: 3 + i * 9),
                                                           in: branch.state)
                    guard received < today.adding(days: -10) else { continue }
                    let standard = type == .complaint ? 15 : 7
                    let new = NewCase(type: type, channel: [.web, .counterForm, .phone][i], categoryID: nil, subject: subjects[i].0, details: subjects[i].1,
                                      name: "Pelanggan \(branch.code) \(back)-\(i)", email: "pelanggan.\(branch.code.lowercased()).\(back).\(i)@example.my",
                                      branchID: branch.id!)
                    let record = try await engine.create(new, by: .system)
                    // A year-old case's acknowledgement is history, not mail to send today.
                    try await db.sql.delete(from: OutboxMessage.schema).where("case_id", .equal, SQLBind(record.id!)).run()
                    let ackDue = calendar.adding(workingDays: 1, to: received, in: branch.state)
                    let resolveDue = calendar.adding(workingDays: standard, to: received, in: branch.state)
                    // One case in six resolved late, one in eight acknowledged late.
                    let lateResolve = random.next() % 6 == 0, lateAck = random.next() % 8 == 0
                    let acknowledged = lateAck ? ackDue.adding(days: 2) : received
                    let resolved = min(today.adding(days: -1), lateResolve ? resolveDue.adding(days: Int(random.next() % 10) + 1)
                                                                         : calendar.adding(workingDays: standard / 2, to: received, in: branch.state))
                    let late = lateResolve || resolved > resolveDue
                    let at = { (day: LocalDate) in day.startInstant.addingTimeInterval(10 * 3600) }
                    try await db.sql.update(CaseRecord.schema)
                        .set("received_at", to: SQLBind(at(received))).set("received_on", to: SQLBind(received.iso))
                        .set("acknowledge_due", to: SQLBind(ackDue.iso)).set("resolve_due", to: SQLBind(resolveDue.iso))
                        .set("acknowledged_at", to: SQLBind(at(acknowledged))).set("acknowledge_met", to: SQLBind(!lateAck))
                        .set("resolved_at", to: SQLBind(at(resolved))).set("resolve_met", to: SQLBind(!late))
                        .set("closed_at", to: SQLBind(at(resolved))).set("status", to: SQLBind(CaseStatus.closed.rawValue))
                        .set("updated_at", to: SQLBind(at(resolved)))
                        .where("id", .equal, SQLBind(record.id!)).run()
                    try await db.sql.update(CaseEvent.schema).set("at", to: SQLBind(at(received))).where("case_id", .equal, SQLBind(record.id!)).run()
                }
            }
        }
    }

    /// Reasons for every miss before last month (those months published), and for none of last month's yet.
    static func explainMisses(on db: any Database, application app: Application, author: String) async throws {
        let today = LocalDate(app.clock.now())
        let list = CharterMissList(db: db)
        let reasons = ["Kaunter kekurangan pegawai (cuti sakit).", "Sistem rangkaian terputus selama sejam.",
                       "Menunggu dokumen daripada jabatan lain.", "Lonjakan pelanggan selepas cuti umum."]
        let lineages = Set(try await CharterAchievementStore(db: db).versions().flatMap(\.commitments).map(\.lineage))
        for month in CharterMonth(containing: today).previous.previous.lastMonths(6) {
            for lineage in lineages {
                for (i, miss) in try await list.misses(lineage: lineage, month: month, branchID: nil, today: today).enumerated() {
                    try await CharterMissReason(metric: miss.metric, recordID: miss.recordID, reason: reasons[i % reasons.count], by: author,
                                                at: month.next.startInstant.addingTimeInterval(9 * 3600)).create(on: db)
                }
            }
            let published = CharterPublishedMonth()
            published.id = month.key; published.publishedAt = month.next.adding(days: 5).startInstant.addingTimeInterval(9 * 3600); published.publishedBy = author
            try await published.create(on: db)
        }
    }
}
