import Fluent
import Foundation
import LayanCore
import LayanStorage
import SQLKit
import Vapor

/// A year of customer satisfaction for the demo agency (issue #20): about a third of served customers rate their
/// visit, with two patterns to find — Shah Alam's midday dip (customers served 12:00–14:00 wait longer and say so)
/// and one Kota Bharu officer rated "not friendly" far more than the others — and surveys answered for most
/// resolved cases; last month's low scores are open follow-ups, older ones closed with what was done.
enum DemoSatisfaction {
    /// The officer the demo's "not friendly" pattern belongs to.
    static let unfriendlyOfficer = "nik.huda@demo.layan.my"

    static func load(on db: any Database, application app: Application) async throws {
        let today = LocalDate(app.clock.now())
        let branches = try await Branch.byID(\.code, on: db)
        let unfriendly = try await Staff.query(on: db).filter(\.$email == unfriendlyOfficer).first()?.id
        struct Served: Decodable { let id: UUID; let branch_id: UUID; let counter_id: UUID; let officer_id: UUID; let service_id: UUID; let service_date: String; let completed_at: Date }
        let served = try await db.sql.raw("""
            SELECT id, branch_id, counter_id, officer_id, service_id, service_date, completed_at FROM tickets
            WHERE status = 'done' AND counter_id IS NOT NULL AND officer_id IS NOT NULL ORDER BY service_date, id
            """).all(decoding: Served.self)
        var random = SeededGenerator(seed: 2020)
        var rows: [[SQLValue]] = []
        var lows: [(UUID, UUID, Int, RatingReason?, Date)] = []
        for ticket in served where random.next() % 100 < 35 {
            let hour = MalaysianTime.localHour(epoch: Int(ticket.completed_at.timeIntervalSince1970))
            let midday = branches[ticket.branch_id] == "SHA" && (12..<14).contains(hour)
            let rude = ticket.officer_id == unfriendly
            var score = [5, 5, 5, 4, 4, 4, 4, 3, 3, 2][Int(random.next() % 10)]
            var reason: RatingReason?
            if midday, random.next() % 3 != 0 { score = Int(random.next() % 2) + 2; reason = .waitedTooLong }
            if rude, random.next() % 5 < 2 { score = Int(random.next() % 2) + 2; reason = .notFriendly }
            if reason == nil, random.next() % 3 == 0 { reason = RatingReason.offered(for: score)[Int(random.next() % UInt64(RatingReason.offered(for: score).count))] }
            let at = ticket.completed_at.addingTimeInterval(45)
            let id = UUID()
            rows.append([id, ticket.id, ticket.branch_id, ticket.counter_id, ticket.officer_id, ticket.service_id, ticket.service_date, score,
                         reason?.rawValue, nil, random.next() % 4 == 0 ? "phone" : "tablet", nil, at])
            if score <= 2 { lows.append((id, ticket.branch_id, score, reason, at)) }
        }
        let columns = ["id", "ticket_id", "branch_id", "counter_id", "officer_id", "service_id", "day", "score", "reason", "comment", "via", "device_id", "rated_at"]
        let all = rows, lowScores = lows
        try await db.writeTransaction { db in
            for start in stride(from: 0, to: all.count, by: 500) {
                try await db.sql.insertRows(into: CounterRating.schema, columns: columns, Array(all[start..<min(all.count, start + 500)]))
            }
            // Follow-ups: last month's still open, older ones closed with what was done.
            let recent = today.adding(days: -30).startInstant
            for (id, branch, score, reason, at) in lowScores {
                let row = SatisfactionFollowUp()
                row.source = .counter; row.recordID = id; row.branchID = branch; row.lowest = score
                row.summary = ["\(score)/5", reason.map { app.catalogue.text($0.catalogueKey, .ms) }].compactMap { $0 }.joined(separator: " · ")
                row.createdAt = at
                if at >= recent {
                    row.status = .open
                } else {
                    row.status = .closed; row.closedBy = "Ketua Unit"; row.closedAt = at.addingTimeInterval(3 * 86_400)
                    row.note = reason == .waitedTooLong ? "Kaunter tambahan dibuka waktu rehat tengah hari." : "Dibincangkan dengan pegawai; latihan 8S dijadualkan."
                }
                try await row.create(on: db)
            }
        }
        try await loadCaseSurveys(on: db, application: app)
        try await loadProposals(on: db, application: app)
        try await loadEngagement(on: db, application: app)
        try await loadPeriodicSurvey(on: db, application: app)
    }

    /// The PKPA survey, open all year, with about 400 responses (a fifth typed in from paper): customers expect more
    /// than they find on timeliness and accessibility, and Shah Alam's waiting area scores low.
    static func loadPeriodicSurvey(on db: any Database, application app: Application) async throws {
        let today = LocalDate(app.clock.now())
        let survey = try await PeriodicSurveys(app: app).createFromTemplate(code: "pkpa", titleMS: "Tinjauan Kepuasan Pelanggan \(today.components.year)",
                                                                              titleEN: "Customer Satisfaction Survey \(today.components.year)")
        survey.createdAt = today.adding(days: -365).startInstant
        try await survey.save(on: db)
        let items = try await PeriodicSurveys(app: app).asked(survey)
        let branches = try await Branch.query(on: db).sort(\.$code).all()
        var random = SeededGenerator(seed: 2022)
        var responses: [[SQLValue]] = [], answers: [[SQLValue]] = []
        for n in 0..<400 {
            let day = today.adding(days: -Int(random.next() % 360) - 1)
            let branch = branches[n % branches.count]
            let id = UUID()
            let paper = n % 5 == 0
            responses.append([id, survey.id!, 1, paper ? "paper" : "web", branch.id!, day.iso, day.startInstant.addingTimeInterval(11 * 3600),
                              paper ? "Kerani Kaunter" : nil])
            for item in items {
                var e: Int?, p: Int?, v: Int?, text: String?
                switch item.kind {
                case .servqual:
                    guard random.next() % 10 != 0 else { continue } // one in ten leaves an item blank
                    e = Int(random.next() % 2) + 4
                    var found = Int(random.next() % 3) + 3
                    if [.timeliness, .accessibility].contains(item.quality) { found -= 1 }
                    if item.quality == .conduciveEnvironment, branch.code == "SHA" { found -= 1 }
                    p = max(1, min(5, found))
                case .recommend: v = [10, 9, 9, 8, 8, 7, 6, 10, 9, 5][Int(random.next() % 10)]
                case .choice: v = Int(random.next() % UInt64(item.choices(in: .ms).count))
                case .comment:
                    guard n % 12 == 0 else { continue }
                    text = ["Ruang menunggu panas waktu tengah hari.", "Pegawai sangat membantu.", "Borang dalam talian lebih mudah.",
                            "Perlukan lebih banyak tempat letak kereta."][n / 12 % 4]
                case .rating, .effort: continue
                }
                answers.append([UUID(), id, survey.id!, item.id!, day.iso, branch.id!, e, p, v, text])
            }
        }
        let allResponses = responses, allAnswers = answers
        try await db.writeTransaction { db in
            let responseColumns = ["id", "survey_id", "version", "channel", "branch_id", "day", "submitted_at", "entered_by"]
            for start in stride(from: 0, to: allResponses.count, by: 500) {
                try await db.sql.insertRows(into: PeriodicSurveyResponse.schema, columns: responseColumns, Array(allResponses[start..<min(allResponses.count, start + 500)]))
            }
            let answerColumns = ["id", "response_id", "survey_id", "item_id", "day", "branch_id", "expectation", "perception", "value", "text"]
            for start in stride(from: 0, to: allAnswers.count, by: 500) {
                try await db.sql.insertRows(into: PeriodicSurveyAnswer.schema, columns: answerColumns, Array(allAnswers[start..<min(allAnswers.count, start + 500)]))
            }
        }
    }

    /// Two engagement sessions: a dialogue held two months ago whose points became a case, a proposal and a note, and
    /// a focus group planned for next fortnight.
    static func loadEngagement(on db: any Database, application app: Application) async throws {
        let today = LocalDate(app.clock.now())
        let head = try await Staff.query(on: db).filter(\.$email == "norazman@demo.layan.my").first()!
        let sha = try await Branch.query(on: db).filter(\.$code == "SHA").first()!
        let held = EngagementSession()
        held.kind = .dialogue; held.title = "Dialog pelanggan bersama Persatuan Penduduk Seksyen 7"; held.heldOn = today.adding(days: -60).iso
        held.place = "Dewan Serbaguna Seksyen 7, Shah Alam"; held.audience = "Penduduk dan peniaga Seksyen 7"
        held.invitees = "Persatuan Penduduk Seksyen 7\nPersatuan Peniaga Pasar Seksyen 7\nAhli Majlis Zon 7"; held.attendance = 64
        held.branchID = sha.id; held.createdBy = head.name; held.createdAt = today.adding(days: -80).startInstant
        try await held.create(on: db)
        let planned = EngagementSession()
        planned.kind = .focusGroup; planned.title = "Kumpulan fokus: permohonan lesen dalam talian"; planned.heldOn = today.adding(days: 14).iso
        planned.place = "Bilik Mesyuarat Utama, Ibu Pejabat Putrajaya"; planned.audience = "Pemohon lesen premis kali pertama"
        planned.invitees = "12 pemohon lesen (dipilih rawak daripada permohonan 6 bulan lepas)"; planned.branchID = nil
        planned.createdBy = head.name; planned.createdAt = today.adding(days: -7).startInstant
        try await planned.create(on: db)
        let staff = StaffIdentity(staff: head)
        var new = NewCase(type: .suggestion, channel: .walkIn, categoryID: nil, subject: held.title, details: "Sediakan tempat letak motosikal berbumbung di pejabat Shah Alam.", branchID: sha.id!)
        new.anonymous = true
        let filed = try await CaseEngine(app: app).create(new, by: .staff(staff))
        let sms = try await ImprovementProposal.query(on: db).filter(\.$source == .engagement).first()
        let items: [(String, EngagementItem.Outcome, UUID?, UUID?, String)] = [
            ("Tempat letak motosikal berbumbung di pejabat Shah Alam.", .case, filed.id, nil, "Dirujuk kepada Bahagian Khidmat Pengurusan; sebut harga diminta."),
            ("Pelanggan mahu tahu bila giliran hampir tanpa menunggu di dewan.", .proposal, nil, sms?.id, "Cadangan SMS peringatan giliran dibuka."),
            ("Penghargaan kepada kaunter bayaran yang pantas.", .note, nil, nil, "Disampaikan kepada pegawai kaunter bayaran dalam perhimpunan bulanan."),
        ]
        for (raised, outcome, caseID, proposalID, action) in items {
            let item = EngagementItem()
            item.sessionID = held.id!; item.raised = raised; item.outcome = outcome; item.caseID = caseID; item.proposalID = proposalID
            item.action = action; item.recordedBy = head.name; item.recordedAt = today.adding(days: -59).startInstant
            try await item.create(on: db)
        }
    }

    /// Proposals in every status: two done and published (one from the midday dip), one under way, one approved and
    /// overdue, one proposed, one dropped.
    static func loadProposals(on db: any Database, application app: Application) async throws {
        let today = LocalDate(app.clock.now())
        let staff = try await Staff.query(on: db).all()
        func person(_ email: String) -> Staff { staff.first { $0.email == email } ?? staff[0] }
        let head = person("ketua@demo.layan.my"), sha = person("norazman@demo.layan.my"), kbr = person("wan.azlina@demo.layan.my")
        let branches = Dictionary(try await Branch.query(on: db).all().map { ($0.code, $0.id!) }, uniquingKeysWith: { a, _ in a })
        struct Seed {
            let title: String, details: String, source: ProposalSource, evidence: String, branch: String?, owner: Staff
            let opened: Int, due: Int, status: ProposalStatus
            var said: (String, String)? = nil, did: (String, String)? = nil
        }
        let seeds = [
            Seed(title: "Kaunter tambahan waktu rehat tengah hari di Shah Alam", details: "Buka kaunter 4 untuk semua perkhidmatan dari 12:00 hingga 14:00, dengan giliran rehat pegawai disusun semula.",
                 source: .lowScore, evidence: "Laporan kepuasan mengikut bulan, Shah Alam: indeks pelanggan yang dilayan 12:00–14:00 jauh lebih rendah; sebab utama 'menunggu terlalu lama'.",
                 branch: "SHA", owner: sha, opened: 150, due: 90, status: .done,
                 said: ("Menunggu terlalu lama di kaunter waktu tengah hari.", "Waiting too long at the counter at lunchtime."),
                 did: ("Kaunter tambahan kini dibuka dari 12:00 hingga 14:00 setiap hari bekerja.", "An extra counter now opens from 12:00 to 14:00 every working day.")),
            Seed(title: "Papan tanda arah ke kaunter lesen", details: "Pasang papan tanda dwibahasa dari pintu masuk ke kaunter lesen dan permit.",
                 source: .suggestion, evidence: "Cadangan pelanggan melalui peti cadangan, tiga bulan berturut-turut.", branch: "PJY", owner: head,
                 opened: 200, due: 120, status: .done,
                 said: ("Sukar mencari kaunter lesen.", "Hard to find the licence counter."),
                 did: ("Papan tanda dwibahasa dipasang dari pintu masuk ke kaunter lesen.", "Bilingual signs now lead from the entrance to the licence counter.")),
            Seed(title: "Latihan amalan 8S untuk pegawai kaunter Kota Bharu", details: "Bengkel sehari amalan 8S (Senyum, Sopan, Salam) dan bimbingan di kaunter selama sebulan.",
                 source: .lowScore, evidence: "Laporan kepuasan mengikut pegawai: sebab 'pegawai kurang mesra' tertumpu pada seorang pegawai di Kota Bharu.",
                 branch: "KBR", owner: kbr, opened: 40, due: 30, status: .inProgress),
            Seed(title: "Borang permohonan lesen premis dipermudah", details: "Kurangkan borang daripada lapan kepada empat muka surat; panduan mengisi dalam dua bahasa.",
                 source: .complaints, evidence: "Aduan berulang tentang borang yang mengelirukan (kategori 'Prosedur').", branch: nil, owner: head,
                 opened: 90, due: -10, status: .approved),
            Seed(title: "Sistem SMS peringatan giliran", details: "Hantar SMS apabila tinggal lima nombor sebelum giliran pelanggan.",
                 source: .engagement, evidence: "Dialog pelanggan bersama persatuan penduduk.", branch: nil, owner: head,
                 opened: 10, due: 120, status: .proposed),
            Seed(title: "Kaunter bergerak di pasar mingguan", details: "Kaunter bergerak sebulan sekali di pasar mingguan.",
                 source: .suggestion, evidence: "Cadangan pelanggan.", branch: "KBR", owner: kbr, opened: 120, due: 60, status: .dropped),
        ]
        for seed in seeds {
            let opened = today.adding(days: -seed.opened).startInstant.addingTimeInterval(10 * 3600)
            let proposal = ImprovementProposal()
            proposal.title = seed.title; proposal.details = seed.details; proposal.source = seed.source; proposal.evidence = seed.evidence
            proposal.branchID = seed.branch.flatMap { branches[$0] }; proposal.ownerID = seed.owner.id!
            proposal.due = today.adding(days: seed.due).iso; proposal.status = seed.status
            proposal.createdBy = head.name; proposal.createdAt = opened
            proposal.doneAt = seed.status == .done ? opened.addingTimeInterval(60 * 86_400) : nil
            proposal.published = seed.said != nil
            proposal.saidMS = seed.said?.0 ?? ""; proposal.saidEN = seed.said?.1 ?? ""; proposal.didMS = seed.did?.0 ?? ""; proposal.didEN = seed.did?.1 ?? ""
            try await proposal.create(on: db)
            // A review each month it was open, the last one moving it to where it stands.
            let months = max(1, min(seed.opened / 30, 5))
            for m in 0..<months {
                let at = opened.addingTimeInterval(Double(m * 30 + 5) * 86_400)
                let review = ProposalReview()
                review.proposalID = proposal.id!; review.month = CharterMonth(containing: LocalDate(at)).key
                review.status = m == months - 1 && seed.status != .proposed ? seed.status : nil
                review.note = m == months - 1 && seed.status == .dropped ? "Tidak diteruskan: kos kenderaan tidak diluluskan." : "Kemajuan dibincangkan dalam mesyuarat bulanan unit."
                review.writtenBy = seed.owner.name; review.writtenAt = at
                try await review.create(on: db)
            }
        }
    }

    /// A survey for every resolved demo case with a customer to reach; about three in four answered.
    static func loadCaseSurveys(on db: any Database, application app: Application) async throws {
        var random = SeededGenerator(seed: 2021)
        let cases = try await CaseRecord.query(on: db).filter(\.$resolvedAt != nil).sort(\.$receivedAt).all()
        for record in cases where record.customerEmail != nil || record.customerPhone != nil {
            let sent = record.resolvedAt!
            let survey = CaseSurvey()
            survey.caseID = record.id!; survey.branchID = record.$branch.id
            survey.officerID = record.$assignee.id ?? UUID(uuidString: CreateSatisfaction.none)!
            survey.caseType = record.type; survey.channel = record.channel; survey.day = LocalDate(sent).iso
            survey.sentAt = sent; survey.expiresAt = sent.addingTimeInterval(14 * 86_400)
            if random.next() % 4 != 0 {
                let late = record.resolveMet == false
                survey.answeredAt = sent.addingTimeInterval(Double(random.next() % 72 + 1) * 3600)
                survey.outcome = late ? Int(random.next() % 3) + 2 : Int(random.next() % 2) + 4
                survey.timeTaken = late ? Int(random.next() % 2) + 1 : Int(random.next() % 3) + 3
                survey.manner = Int(random.next() % 2) + 4
                survey.useAgain = !late || random.next() % 2 == 0
                survey.comment = late ? "Mengambil masa terlalu lama." : nil
            }
            try await survey.create(on: db)
        }
    }
}
