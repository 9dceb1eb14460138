import Fluent
import LayanCore
import Vapor

/// `layan demo`: loads the demo agency into the configured database. Safe to run again: it adds
/// nothing when the agency is already there.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Loads a realistic demo agency (branches, divisions, staff) into the database." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let loaded = try await DemoLoader.load(on: app.db, application: app)
        context.console.print(loaded ? "Demo agency loaded." : "Demo agency already present; nothing added.")
        DemoLoader.printLogins(to: context.console)
    }
}

enum DemoLoader {
    /// Returns false when the database already holds an agency.
    static func load(on db: any Database, application app: Application) async throws -> Bool {
        if try await Agency.query(on: db).count() > 0 { return false }
        let hash = try await app.password.async(on: app.threadPool, hopTo: app.eventLoopGroup.next())
            .hash(DemoAgency.password)
        try await db.writeTransaction { db in
            let a = DemoAgency.agency
            try await Agency(nameMs: a.nameMs, nameEn: a.nameEn, aboutMs: a.aboutMs, aboutEn: a.aboutEn).create(on: db)
            var branchIDs: [String: UUID] = [:]
            for seed in DemoAgency.branches {
                let branch = Branch(code: seed.code, name: seed.name, state: seed.state, address: seed.address, phone: seed.phone)
                branch.storedHours = seed.hours
                try await branch.create(on: db)
                branchIDs[seed.code] = branch.id
                var letters: [String: UUID] = [:]
                for service in DemoAgency.queueServices {
                    let model = QueueService(branchID: branch.id!, letter: service.letter, nameMs: service.nameMs, nameEn: service.nameEn,
                                             targetWaitMinutes: service.target, averageHandlingSeconds: service.handling)
                    try await model.create(on: db)
                    letters[service.letter] = model.id
                }
                for (number, type, serviceLetters) in DemoAgency.counters {
                    try await Counter(branchID: branch.id!, number: number, type: type, serviceIDs: serviceLetters.compactMap { letters[$0] }).create(on: db)
                }
                try await QueueSettings.defaults(branchID: branch.id!).create(on: db)
            }
            var divisionIDs: [String: UUID] = [:]
            for seed in DemoAgency.divisions {
                let division = Division(code: seed.code, nameMs: seed.nameMs, nameEn: seed.nameEn)
                try await division.create(on: db)
                divisionIDs[seed.code] = division.id
            }
            for seed in DemoAgency.staff {
                let phone = "013-\(seed.ext)\(String(seed.ext.reversed()))"
                let staff = Staff(name: seed.name, email: seed.email, phone: phone, phoneExtension: seed.ext,
                                  serviceGroup: seed.group, divisionID: divisionIDs[seed.division],
                                  branchID: branchIDs[seed.branch], roles: seed.roles, passwordHash: hash)
                staff.duties = DemoAgency.duties[seed.email]
                try await staff.create(on: db)
            }
        }
        await app.agencyProfile.invalidate()
        // A few customers already waiting, so the display board and consoles have something to show.
        let engine = QueueEngine(app: app, db: db)
        for branch in try await Branch.query(on: db).all() {
            let services = try await QueueService.query(on: db).filter(\.$branch.$id == branch.id!).sort(\.$letter).all()
            for (i, category) in [CustomerCategory.regular, .regular, .seniorCitizen, .regular, .disabled, .regular].enumerated() {
                _ = try await engine.issue(branch: branch, serviceID: services[i % services.count].id!, category: category, channel: "kiosk")
            }
        }
        try await loadCases(on: db, application: app)
        try await DemoChannels.load(on: db, application: app)
        try await DemoQueueHistory.load(on: db, application: app)
        try await DemoTelephone.load(on: db, application: app)
        try await DemoCharter.load(on: db, application: app)
        try await DemoSatisfaction.load(on: db, application: app)
        // The charter in force sets the targets, and its review reminder (due within the month) goes out.
        try await CharterReviewJob(app: app).runOnce()
        try await DemoPersonalData.load(on: db, application: app)
        return true
    }

    /// Each branch's case officers on duty for the coming month of working days, and a few cases at different
    /// stages, so the team queue, the case page and the public status page have something to show.
    static func loadCases(on db: any Database, application app: Application) async throws {
        let calendar = try await app.calendarService.calendar(on: db, now: app.clock.now())
        let today = LocalDate(app.clock.now())
        for branch in try await Branch.query(on: db).all() {
            let officers = try await Staff.query(on: db).filter(\.$branch.$id == branch.id).all().filter { $0.roles.contains(.caseOfficer) }
            var day = calendar.nextWorkingDay(onOrAfter: today, in: branch.state)
            for _ in 0..<22 {
                for officer in officers { try await DutyShift(branchID: branch.id!, staffID: officer.id!, date: day).create(on: db) }
                day = calendar.adding(workingDays: 1, to: day, in: branch.state)
            }
        }
        let articles: [(KnowledgeArticle.Kind, Bool, String, String, String, String, String?)] = [
            (.article, true, "Dokumen untuk memperbaharui lesen perniagaan", "Documents to renew a business licence",
             "Bawa kad pengenalan, lesen lama dan resit cukai pintu terkini. Pembaharuan boleh dibuat 30 hari sebelum tarikh tamat.",
             "Bring your identity card, the old licence and the latest assessment tax receipt. You may renew 30 days before it expires.", "Lesen"),
            (.article, true, "Waktu operasi kaunter", "Counter opening hours",
             "Kaunter dibuka 8.00 pagi hingga 5.00 petang pada hari bekerja, termasuk waktu rehat tengah hari.",
             "Counters open 8.00 am to 5.00 pm on working days, including the midday break.", nil),
            (.article, false, "Prosedur dalaman: aduan berulang", "Internal procedure: repeated complaints",
             "Semak kes terdahulu pelanggan sebelum membalas; rujuk kepada ketua unit jika lebih tiga kali.",
             "Check the customer's earlier cases before replying; refer to the head of unit after three.", nil),
            (.cannedReply, false, "Terima kasih atas maklum balas", "Thank you for the feedback",
             "Terima kasih kerana menghubungi kami. Maklum balas anda amat kami hargai dan telah dimaklumkan kepada bahagian berkenaan.",
             "Thank you for contacting us. We value your feedback and have passed it to the division concerned.", nil),
        ]
        for (kind, isPublic, titleMs, titleEn, bodyMs, bodyEn, service) in articles {
            let article = KnowledgeArticle()
            article.kind = kind; article.isPublic = isPublic; article.titleMs = titleMs; article.titleEn = titleEn
            article.bodyMs = bodyMs; article.bodyEn = bodyEn; article.service = service; article.active = true; article.updatedAt = app.clock.now()
            try await article.create(on: db)
        }
        let engine = CaseEngine(app: app)
        let delay = try await CaseCategory.query(on: db).filter(\.$code == "delay").first()
        let branches = try await Branch.query(on: db).sort(\.$code).all()
        let samples: [(CaseType, CaseChannel, String, String, String, String)] = [
            (.complaint, .web, "Permohonan lesen belum diproses", "Saya memohon lesen perniagaan enam minggu lalu dan belum menerima sebarang jawapan.", "Siti Aminah binti Yusof", "siti.aminah@example.my"),
            (.inquiry, .phone, "Dokumen untuk memperbaharui lesen", "Apakah dokumen yang perlu dibawa untuk memperbaharui lesen?", "Lee Chong Wei", "lee.cw@example.my"),
            (.compliment, .counterForm, "Layanan mesra di kaunter 3", "Pegawai di kaunter 3 sangat membantu. Terima kasih.", "Muthu a/l Rajan", "muthu@example.my"),
            (.suggestion, .feedbackBox, "Tambah kerusi di ruang menunggu", "Ruang menunggu penuh pada waktu puncak; cadangkan tambah kerusi.", "Nurul Huda", "nurul.huda@example.my"),
        ]
        for (i, sample) in samples.enumerated() {
            let new = NewCase(type: sample.0, channel: sample.1, categoryID: sample.0 == .complaint ? delay?.id : nil, subject: sample.2, details: sample.3,
                              name: sample.4, email: sample.5, branchID: branches[i % branches.count].id!)
            let record = try await engine.create(new, by: .system)
            if i == 1 { _ = try await engine.transition(record.id!, .acknowledge, details: .init(), by: .system) }
        }
    }

    static func printLogins(to console: any Console) {
        console.print("Demo logins (password for all: \(DemoAgency.password)):")
        for (role, email) in DemoAgency.loginsByRole {
            console.print("  \(role.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0)) \(email)")
        }
    }
}

/// When `layan serve` starts on a database with the demo agency, it prints the demo logins beside
/// Vapor's "Server started on …" line, so a first-time user knows how to get in.
struct DemoLoginsBanner: LifecycleHandler {
    func didBootAsync(_ application: Application) async throws {
        let arguments = application.environment.arguments.dropFirst()
        guard arguments.first == nil || arguments.first == "serve" || arguments.first?.hasPrefix("-") == true else { return }
        guard let adminEmail = DemoAgency.loginsByRole.first?.1,
              (try? await Staff.query(on: application.db).filter(\.$email == adminEmail).count()) ?? 0 > 0 else { return }
        DemoLoader.printLogins(to: application.console)
    }
}
