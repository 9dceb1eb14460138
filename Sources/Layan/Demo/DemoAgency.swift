import LayanCore

/// A realistic demo agency, so a first-time user sees a living system. Fictitious, but shaped like a real
/// federal department with branches in three states (one of them Kelantan, with its Friday–Saturday weekend).
enum DemoAgency {
    /// The shared password of every demo account (demo data only).
    static let password = "Layan-Demo-2026"

    static let agency = (
        nameMs: "Jabatan Perkhidmatan Rakyat",
        nameEn: "Department of Public Services",
        aboutMs: "Kami memberikan perkhidmatan pendaftaran, lesen dan permit kepada orang ramai di kaunter, melalui telefon dan dalam talian, dengan tepat, mesra, mudah dan cepat.",
        aboutEn: "We provide registration, licensing and permit services to the public at our counters, by telephone and online: accurately, friendly, easily and fast."
    )

    struct BranchSeed {
        let code: String, name: String, state: MalaysianState, address: String, phone: String
        var hours: OfficeHours { DemoAgency.hours[code] ?? .standard(for: state, on: LocalDate(year: 2026, month: 1, day: 1)!) }
    }

    /// Kota Bharu keeps Kelantan's Sunday–Thursday week; Shah Alam also opens on Saturday mornings
    /// (PKPA 1/2008: longer or weekend hours where customers need them).
    static let hours: [String: OfficeHours] = {
        var shahAlam = OfficeHours.saturdaySundayWeek
        shahAlam.days[.saturday] = DayHours(opens: TimeOfDay("08:00")!, closes: TimeOfDay("12:30")!)
        return ["PJY": .saturdaySundayWeek, "KBR": .fridaySaturdayWeek, "SHA": shahAlam]
    }()

    /// What each demo officer handles, for the directory (by e-mail).
    static let duties: [String: String] = [
        "kaunter@demo.layan.my": "Pendaftaran pertubuhan, salinan sijil",
        "azlan.ismail@demo.layan.my": "Lesen perniagaan, permit iklan",
        "zaki@demo.layan.my": "Pendaftaran pertubuhan (Kelantan)",
        "nik.huda@demo.layan.my": "Lesen perniagaan, permit penjaja (Kelantan)",
        "ong.bk@demo.layan.my": "Pendaftaran pertubuhan (Selangor)",
        "aisyah@demo.layan.my": "Lesen perniagaan, permit iklan (Selangor)",
        "kes@demo.layan.my": "Aduan awam, maklum balas, Biro Pengaduan Awam",
        "kavitha@demo.layan.my": "Aduan awam, pemulihan perkhidmatan",
        "tengku.amirul@demo.layan.my": "Aduan awam (Kelantan)",
        "jennifer.jugah@demo.layan.my": "Aduan awam (Selangor)",
        "hairul@demo.layan.my": "Penguatkuasaan, aduan premis",
        "operator@demo.layan.my": "Talian utama 03-8880 1000",
    ]

    static let branches: [BranchSeed] = [
        BranchSeed(code: "PJY", name: "Ibu Pejabat Putrajaya", state: .putrajaya,
                   address: "Aras 3, Blok C, Presint 2, 62550 Putrajaya", phone: "03-8880 1000"),
        BranchSeed(code: "KBR", name: "Pejabat Negeri Kelantan, Kota Bharu", state: .kelantan,
                   address: "Jalan Sultan Yahya Petra, 15200 Kota Bharu, Kelantan", phone: "09-748 2000"),
        BranchSeed(code: "SHA", name: "Pejabat Negeri Selangor, Shah Alam", state: .selangor,
                   address: "Persiaran Perbandaran, Seksyen 14, 40000 Shah Alam, Selangor", phone: "03-5510 3000"),
    ]

    struct DivisionSeed {
        let code: String, nameMs: String, nameEn: String
    }

    static let divisions: [DivisionSeed] = [
        DivisionSeed(code: "BKP", nameMs: "Bahagian Khidmat Pelanggan", nameEn: "Customer Service Division"),
        DivisionSeed(code: "BPD", nameMs: "Bahagian Pendaftaran", nameEn: "Registration Division"),
        DivisionSeed(code: "BLP", nameMs: "Bahagian Lesen dan Permit", nameEn: "Licensing and Permits Division"),
        DivisionSeed(code: "BPK", nameMs: "Bahagian Penguatkuasaan", nameEn: "Enforcement Division"),
        DivisionSeed(code: "BKU", nameMs: "Bahagian Khidmat Pengurusan", nameEn: "Management Services Division"),
        DivisionSeed(code: "BTM", nameMs: "Bahagian Teknologi Maklumat", nameEn: "Information Technology Division"),
    ]

    struct StaffSeed {
        let name: String, email: String, ext: String, group: ServiceGroup, division: String, branch: String, roles: [StaffRole]
    }

    static let staff: [StaffSeed] = [
        StaffSeed(name: "Nurul Aina binti Kamarudin", email: "admin@demo.layan.my", ext: "1001", group: .managementProfessional, division: "BTM", branch: "PJY", roles: [.administrator]),
        StaffSeed(name: "Dato' Ahmad Faizal bin Hassan", email: "ketua@demo.layan.my", ext: "1002", group: .managementProfessional, division: "BKP", branch: "PJY", roles: [.headOfUnit]),
        StaffSeed(name: "Tan Mei Ling", email: "penyelia@demo.layan.my", ext: "1003", group: .managementProfessional, division: "BKP", branch: "PJY", roles: [.supervisor]),
        StaffSeed(name: "Muhammad Hafiz bin Rosli", email: "kaunter@demo.layan.my", ext: "1101", group: .support, division: "BPD", branch: "PJY", roles: [.counterOfficer]),
        StaffSeed(name: "Siti Khadijah binti Omar", email: "operator@demo.layan.my", ext: "1000", group: .support, division: "BKP", branch: "PJY", roles: [.telephoneOperator]),
        StaffSeed(name: "Rajesh a/l Subramaniam", email: "kes@demo.layan.my", ext: "1201", group: .managementProfessional, division: "BKP", branch: "PJY", roles: [.caseOfficer]),
        StaffSeed(name: "Farah Nabilah binti Zulkifli", email: "pembeli.misteri@demo.layan.my", ext: "1301", group: .support, division: "BKU", branch: "PJY", roles: [.mysteryShopper]),
        StaffSeed(name: "Datin Lim Siew Choo", email: "pengurusan@demo.layan.my", ext: "1004", group: .managementProfessional, division: "BKU", branch: "PJY", roles: [.managementViewer]),
        StaffSeed(name: "Mohd Azlan bin Ismail", email: "azlan.ismail@demo.layan.my", ext: "1102", group: .support, division: "BLP", branch: "PJY", roles: [.counterOfficer]),
        StaffSeed(name: "Kavitha a/p Muniandy", email: "kavitha@demo.layan.my", ext: "1202", group: .managementProfessional, division: "BKP", branch: "PJY", roles: [.caseOfficer, .supervisor]),
        StaffSeed(name: "Wan Nor Azlina binti Wan Ahmad", email: "wan.azlina@demo.layan.my", ext: "2001", group: .managementProfessional, division: "BKP", branch: "KBR", roles: [.headOfUnit]),
        StaffSeed(name: "Che Mohd Zaki bin Che Hassan", email: "zaki@demo.layan.my", ext: "2101", group: .support, division: "BPD", branch: "KBR", roles: [.counterOfficer]),
        StaffSeed(name: "Nik Nurul Huda binti Nik Abdullah", email: "nik.huda@demo.layan.my", ext: "2102", group: .support, division: "BLP", branch: "KBR", roles: [.counterOfficer]),
        StaffSeed(name: "Tengku Amirul bin Tengku Ismail", email: "tengku.amirul@demo.layan.my", ext: "2201", group: .managementProfessional, division: "BKP", branch: "KBR", roles: [.caseOfficer]),
        StaffSeed(name: "Rohani binti Yusof", email: "rohani@demo.layan.my", ext: "2000", group: .support, division: "BKP", branch: "KBR", roles: [.telephoneOperator]),
        StaffSeed(name: "Lee Chong Wei", email: "lee.cw@demo.layan.my", ext: "2002", group: .managementProfessional, division: "BKP", branch: "KBR", roles: [.supervisor]),
        StaffSeed(name: "Norazman bin Abdul Rahman", email: "norazman@demo.layan.my", ext: "3001", group: .managementProfessional, division: "BKP", branch: "SHA", roles: [.headOfUnit]),
        StaffSeed(name: "Priya a/p Ramasamy", email: "priya@demo.layan.my", ext: "3002", group: .managementProfessional, division: "BKP", branch: "SHA", roles: [.supervisor]),
        StaffSeed(name: "Ong Boon Keat", email: "ong.bk@demo.layan.my", ext: "3101", group: .support, division: "BPD", branch: "SHA", roles: [.counterOfficer]),
        StaffSeed(name: "Aisyah Humaira binti Razak", email: "aisyah@demo.layan.my", ext: "3102", group: .support, division: "BLP", branch: "SHA", roles: [.counterOfficer]),
        StaffSeed(name: "Jennifer Anak Jugah", email: "jennifer.jugah@demo.layan.my", ext: "3201", group: .managementProfessional, division: "BKP", branch: "SHA", roles: [.caseOfficer]),
        StaffSeed(name: "Mohd Shahrul Nizam bin Kassim", email: "shahrul@demo.layan.my", ext: "3000", group: .support, division: "BKP", branch: "SHA", roles: [.telephoneOperator]),
        StaffSeed(name: "Amanda Chong Pui Yee", email: "amanda.chong@demo.layan.my", ext: "3301", group: .support, division: "BPK", branch: "SHA", roles: [.mysteryShopper]),
        StaffSeed(name: "Hairul Anuar bin Mat Daud", email: "hairul@demo.layan.my", ext: "2301", group: .support, division: "BPK", branch: "KBR", roles: [.caseOfficer]),
    ]

    struct QueueServiceSeed { let letter: String; let nameMs: String; let nameEn: String; let target: Int; let handling: Double }

    /// Counter services every demo branch offers, with the Client Charter's waiting-time targets.
    static let queueServices: [QueueServiceSeed] = [
        QueueServiceSeed(letter: "A", nameMs: "Pendaftaran", nameEn: "Registration", target: 15, handling: 300),
        QueueServiceSeed(letter: "B", nameMs: "Lesen dan permit", nameEn: "Licences and permits", target: 20, handling: 420),
        QueueServiceSeed(letter: "C", nameMs: "Bayaran", nameEn: "Payments", target: 10, handling: 150),
    ]

    /// Counters: number, kind, and the letters of the services each takes (multi-service counters).
    static let counters: [(Int, CounterType, [String])] = [
        (1, .priority, ["A", "B", "C"]), (2, .regular, ["A"]), (3, .regular, ["A", "B"]), (4, .express, ["C"]),
    ]

    /// One login per role, printed when Layan starts with demo data.
    static var loginsByRole: [(StaffRole, String)] {
        StaffRole.allCases.compactMap { role in
            staff.first(where: { $0.roles.contains(role) }).map { (role, $0.email) }
        }
    }
}
