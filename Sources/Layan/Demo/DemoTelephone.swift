import Fluent
import Foundation
import LayanCore
import Vapor

/// The demo agency's telephone desk: a month of calls on its two PBX queues (`operator`, the main line, and `aduan`,
/// the complaints line) written as Asterisk's `queue_log` and taken in through the real import — mornings and the
/// hour after the midday break busiest, a few callers hanging up, transfers, one that came back — so the figures,
/// wallboard, call-backs and staffing advice show real answers; and a few messages for absent officers.
enum DemoTelephone {
    static let days = 30
    /// Mean calls per hour of a working day (Malaysian time) on the main line; the complaints line takes 40 % of it.
    static let arrivals: [Int: Double] = [8: 14, 9: 30, 10: 32, 11: 24, 12: 12, 13: 6, 14: 26, 15: 20, 16: 12]
    static let queues: [(name: String, share: Double, agents: [String])] = [
        ("operator", 1.0, ["PJSIP/1000", "PJSIP/1003", "PJSIP/1202"]),
        ("aduan", 0.4, ["PJSIP/2000", "PJSIP/3000", "PJSIP/2002"]),
    ]

    static func load(on db: any Database, application app: Application) async throws {
        let settings = try await TelephoneSettings.current(on: db)
        settings.queues = queues.map(\.name)
        try await settings.save(on: db)
        let text = try await queueLog(app)
        let bytes = Array(text.utf8)
        _ = try await QueueLogImport(app: app).run(TelephoneImportController.Chunks(
            chunks: stride(from: 0, to: bytes.count, by: 1 << 20).map { Array(bytes[$0..<min(bytes.count, $0 + (1 << 20))]) }))
        try await messages(app, on: db)
    }

    /// The month as Asterisk would have logged it.
    static func queueLog(_ app: Application) async throws -> String {
        let now = app.clock.now()
        let calendar = try await app.calendarService.calendar(on: app.db, now: now)
        let today = LocalDate(now)
        var random = SeededGenerator(seed: 1_800_8)
        var lines: [(Int, String)] = []
        var sequence = 0
        func uniform() -> Double { Double(random.next() % 1_000_000) / 1_000_000 }
        for back in stride(from: days, through: 0, by: -1) {
            let day = today.adding(days: -back)
            guard calendar.isWorkingDay(day, in: .putrajaya) else { continue }
            let midnight = day.dayNumber * 86_400 - 8 * 3600
            for queue in queues {
                for agent in queue.agents { lines.append((midnight + 7 * 3600 + 50 * 60, "\(midnight + 7 * 3600 + 50 * 60)|NONE|\(queue.name)|\(agent)|ADDMEMBER|")) }
                for (hour, mean) in arrivals.sorted(by: { $0.key < $1.key }) {
                    let count = Int((mean * queue.share * (0.8 + 0.4 * uniform())).rounded())
                    for _ in 0..<count {
                        let entered = midnight + hour * 3600 + Int(uniform() * 3600)
                        // Today: only what has happened by now.
                        guard entered + 600 < Int(now.timeIntervalSince1970) else { continue }
                        sequence += 1
                        let id = "\(entered).\(sequence)"
                        let caller = uniform() < 0.04 ? "anonymous" : "01\(Int(uniform() * 9) + 1)\(String(format: "%07d", Int(uniform() * 9_999_999)))"
                        let peak = hour == 10 || hour == 14 || hour == 9
                        let wait = Int(peak ? 2 + uniform() * uniform() * 30 : 1 + uniform() * uniform() * 14)
                        let agent = queue.agents[Int(uniform() * Double(queue.agents.count)) % queue.agents.count]
                        lines.append((entered, "\(entered)|\(id)|\(queue.name)|NONE|ENTERQUEUE||\(caller)|1"))
                        let leaves = uniform()
                        if leaves < (wait > 15 ? 0.25 : 0.03) {
                            lines.append((entered + wait, "\(entered + wait)|\(id)|\(queue.name)|NONE|ABANDON|1|1|\(wait)"))
                            continue
                        }
                        if leaves > 0.995 {
                            lines.append((entered + 40, "\(entered + 40)|\(id)|\(queue.name)|NONE|EXITWITHKEY|0|1|1|40"))
                            continue
                        }
                        if uniform() < 0.08, wait > 6 {
                            let other = queue.agents[(queue.agents.firstIndex(of: agent)! + 1) % queue.agents.count]
                            lines.append((entered + 5, "\(entered + 5)|\(id)|\(queue.name)|\(other)|RINGNOANSWER|5000"))
                        }
                        let talk = 60 + Int(uniform() * 240)
                        lines.append((entered + wait, "\(entered + wait)|\(id)|\(queue.name)|\(agent)|CONNECT|\(wait)|\(id).a|3"))
                        let end = entered + wait + talk
                        if uniform() < 0.06 {
                            lines.append((end, "\(end)|\(id)|\(queue.name)|\(agent)|BLINDTRANSFER|1201|from-internal|\(wait)|\(talk)|1"))
                            // One transfer in ten rings out and comes back to the operator (PKPA telephone rule 3).
                            if uniform() < 0.1 {
                                lines.append((end + 30, "\(end + 30)|\(id)|\(queue.name)|NONE|ENTERQUEUE||\(caller)|1"))
                                lines.append((end + 33, "\(end + 33)|\(id)|\(queue.name)|\(agent)|CONNECT|3|\(id).b|2"))
                                lines.append((end + 120, "\(end + 120)|\(id)|\(queue.name)|\(agent)|COMPLETECALLER|3|87|1"))
                            }
                        } else {
                            lines.append((end, "\(end)|\(id)|\(queue.name)|\(agent)|\(uniform() < 0.6 ? "COMPLETECALLER" : "COMPLETEAGENT")|\(wait)|\(talk)|1"))
                        }
                    }
                }
            }
        }
        return lines.sorted { $0.0 < $1.0 }.map(\.1).joined(separator: "\n") + "\n"
    }

    /// Messages for officers who were out: two open (one urgent), one returned in time; and who is away today.
    static func messages(_ app: Application, on db: any Database) async throws {
        func staff(_ email: String) async throws -> Staff? { try await Staff.query(on: db).filter(\.$email == email).first() }
        guard let operatorStaff = try await staff("operator@demo.layan.my"), let rajesh = try await staff("kes@demo.layan.my"),
              let kavitha = try await staff("kavitha@demo.layan.my"), let ketua = try await staff("ketua@demo.layan.my") else { return }
        let seeds: [(Staff, String, String, String, PhoneMessage.Urgency, String?)] = [
            (rajesh, "Encik Kamal bin Yusuf", "012-3344556", "Ingin tahu status aduan longkang tersumbat di Presint 9; sudah dua minggu.", .urgent, "Sebelum 12 tengah hari"),
            (kavitha, "Puan Lee Mei Fong", "016-7788990", "Mahu menukar alamat surat-menyurat bagi lesen perniagaan.", .normal, "Selepas 3 petang"),
            (ketua, "Tuan Haji Rosli", "019-2233445", "Jemputan mesyuarat jawatankuasa penduduk; minta panggil semula.", .normal, nil),
        ]
        for (index, seed) in seeds.enumerated() {
            let message = try await PhoneMessages.take(.init(staffID: seed.0.id!, callerName: seed.1, callerNumber: seed.2, body: seed.3, urgency: seed.4, bestTime: seed.5),
                                                       by: operatorStaff.id, app: app)
            if index == 2 { try await PhoneMessages.calledBack(message, outcome: .reached, note: "Hadir ke mesyuarat 15 hb.", by: ketua.id, app: app) }
        }
        let today = LocalDate(app.clock.now())
        for (officer, state, days) in [(rajesh, StaffPresence.State.onLeave, 3), (kavitha, .outOfOffice, 0)] {
            let presence = StaffPresence()
            presence.$staff.id = officer.id!
            presence.state = state
            presence.untilDay = today.adding(days: days).iso
            presence.note = state == .onLeave ? "Cuti rehat" : "Mesyuarat di luar"
            presence.updatedAt = app.clock.now()
            try await presence.create(on: db)
        }
    }
}
