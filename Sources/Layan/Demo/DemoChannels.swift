import Fluent
import Foundation
import LayanCore
import Vapor

/// The demo agency's inbound channels at work: Open311 services (what a licensing department's public reports are
/// about: premises, advertisements and hawkers without a licence or permit) with a request filed through each, the
/// way a city-reporting app would, and SMS and WhatsApp messages taken as Twilio delivers them — one sender writing
/// twice, one delivery repeated — an X direct message, e-mail through the mail intake and paper forms from the feedback
/// box, so the services page, the case list, the intake log, `/intake/mail` and `/open311/v2` show real answers.
enum DemoChannels {
    struct ServiceSeed {
        let code: String, branch: String, category: String, nameMs: String, nameEn: String, descriptionMs: String, descriptionEn: String
        let group: String, keywords: String, attributes: String
    }

    static let services: [ServiceSeed] = [
        ServiceSeed(code: "PREMIS-TANPA-LESEN", branch: "SHA", category: "enforcement_failure",
                    nameMs: "Premis beroperasi tanpa lesen", nameEn: "Premises trading without a licence",
                    descriptionMs: "Kedai, gerai atau kilang yang beroperasi tanpa lesen perniagaan.",
                    descriptionEn: "A shop, stall or workshop trading without a business licence.",
                    group: "Penguatkuasaan", keywords: "lesen, premis, kedai",
                    attributes: """
                    jenis_premis | singlevaluelist | required | Jenis premis | kedai=Kedai; gerai=Gerai; kilang=Kilang atau bengkel; rumah=Rumah kediaman
                    nama_premis | string | optional | Nama pada papan tanda, jika ada
                    waktu | datetime | optional | Bila kali terakhir dilihat beroperasi
                    """),
        ServiceSeed(code: "IKLAN-HARAM", branch: "PJY", category: "enforcement_failure",
                    nameMs: "Papan iklan tanpa permit", nameEn: "Advertisement without a permit",
                    descriptionMs: "Papan iklan, kain rentang atau poster yang dipasang tanpa permit iklan.",
                    descriptionEn: "A billboard, banner or poster put up without an advertising permit.",
                    group: "Penguatkuasaan", keywords: "iklan, papan tanda, kain rentang",
                    attributes: """
                    bentuk | singlevaluelist | required | Bentuk iklan | papan=Papan iklan; rentang=Kain rentang; poster=Poster atau pelekat
                    saiz | number | optional | Anggaran lebar dalam meter
                    nota | string | info | Jangan menanggalkan iklan itu sendiri
                    """),
        ServiceSeed(code: "PENJAJA-TANPA-PERMIT", branch: "KBR", category: "enforcement_failure",
                    nameMs: "Penjaja tanpa permit", nameEn: "Hawker without a permit",
                    descriptionMs: "Penjaja yang berniaga di tempat awam tanpa permit.",
                    descriptionEn: "A hawker trading in a public place without a permit.",
                    group: "Penguatkuasaan", keywords: "penjaja, permit, gerai",
                    attributes: """
                    hari | multivaluelist | optional | Hari biasa kelihatan | isnin=Isnin; selasa=Selasa; rabu=Rabu; khamis=Khamis; jumaat=Jumaat; sabtu=Sabtu; ahad=Ahad
                    """),
    ]

    static let requests: [[(String, String)]] = [
        [("service_code", "PREMIS-TANPA-LESEN"), ("address_string", "No. 12, Jalan Plumbum 7/102, Seksyen 7, 40000 Shah Alam"),
         ("attribute[jenis_premis]", "kilang"), ("attribute[nama_premis]", "Bengkel Motor Jaya"),
         ("description", "Bengkel ini dibuka sejak tiga bulan lalu dan tiada lesen dipamerkan. Bunyi bising hingga lewat malam."),
         ("first_name", "Farid"), ("last_name", "Hamzah"), ("email", "farid.hamzah@example.my"), ("device_id", "demo-android-1")],
        [("service_code", "IKLAN-HARAM"), ("lat", "2.9264"), ("long", "101.6964"), ("attribute[bentuk]", "rentang"), ("attribute[saiz]", "4"),
         ("description", "Kain rentang jualan rumah dipasang pada pagar jejantas di Presint 9."),
         ("media_url", "https://example.my/laporan/iklan-presint-9.jpg")],
        [("service_code", "PENJAJA-TANPA-PERMIT"), ("lat", "6.1302"), ("long", "102.2386"), ("attribute[hari][]", "jumaat"), ("attribute[hari][]", "sabtu"),
         ("description", "Gerai makanan di tepi jalan berhampiran Pasar Siti Khadijah menghalang laluan pejalan kaki."),
         ("first_name", "Wan"), ("last_name", "Azizah"), ("phone", "019-922 4410")],
    ]

    static func load(on db: any Database, application app: Application) async throws {
        let branches = Dictionary(uniqueKeysWithValues: try await Branch.query(on: db).all().map { ($0.code, $0.id!) })
        for (position, seed) in services.enumerated() {
            guard let branch = branches[seed.branch] else { continue }
            let service = Open311ServiceRecord()
            service.code = seed.code; service.type = .complaint; service.$branch.id = branch
            service.$category.id = try await CaseCategory.query(on: db).filter(\.$code == seed.category).first()?.id
            service.nameMs = seed.nameMs; service.nameEn = seed.nameEn; service.descriptionMs = seed.descriptionMs; service.descriptionEn = seed.descriptionEn
            service.group = seed.group; service.keywords = seed.keywords; service.published = true; service.position = position + 1
            service.attributes = try Open311AttributeLines.parse(seed.attributes).get()
            service.updatedAt = app.clock.now()
            try await service.create(on: db)
        }
        let desk = Open311Desk(db: db, app: app)
        for request in requests { _ = try await desk.file(Open311Submission(pairs: request), client: "Aplikasi MyBandar (demo)") }
        let intake = MessageIntake(db: db, app: app)
        for message in messages { _ = try await intake.take(message) }
        try await loadMail(on: db, application: app)
        try await loadPaperForms(on: db, application: app, branches: branches)
    }

    /// E-mail as the agency's mail server hands it over: a complaint, an HTML web-form message with a script in it,
    /// the customer's reply to our acknowledgement, an out-of-office answer (ignored) and a message that lost its
    /// headers (kept for staff at /intake/mail).
    static func loadMail(on db: any Database, application app: Application) async throws {
        let intake = MailIntake(db: db, app: app)
        func raw(_ text: String) -> [UInt8] { Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8) }
        let first = try await intake.take(raw("""
            From: "Rosnah binti Daud" <rosnah.daud@example.my>
            To: aduan@layan.example
            Subject: =?UTF-8?Q?Bayaran_lesen_tidak_dikemas_kini_=E2=80=93_mohon_semak?=
            Message-ID: <demo-mail-1@example.my>
            Date: Tue, 1 Dec 2026 09:12:00 +0800
            MIME-Version: 1.0
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: quoted-printable

            Tuan/Puan,

            Saya telah membayar pembaharuan lesen perniagaan pada 24 November di kaunter Shah Alam =
            (resit no. 004512), tetapi sistem dalam talian masih menunjukkan lesen tamat tempoh.

            Terima kasih,
            Rosnah
            """))
        _ = try await intake.take(raw("""
            From: borang@webmaster.example.my
            To: aduan@layan.example
            Subject: Borang web: lampu isyarat rosak
            Message-ID: <demo-mail-2@example.my>
            MIME-Version: 1.0
            Content-Type: text/html; charset=utf-8

            <html><head><script>alert('x')</script></head><body><p>Lampu isyarat di persimpangan Jalan Tengku Ampuan Zabedah &amp; Persiaran Selangor
            rosak sejak pagi.</p><ul><li>Masa: 7.45 pagi</li><li>Arah: dari Seksyen 9</li></ul></body></html>
            """))
        if case let .filed(reference) = first, let record = try await CaseRecord.query(on: db).filter(\.$reference == reference).first(),
           let acknowledgement = try await OutboxMessage.query(on: db).filter(\.$caseID == record.id).first() {
            _ = try await intake.take(raw("""
                From: Rosnah binti Daud <rosnah.daud@example.my>
                To: noreply@layan.example
                Subject: Re: [\(reference)] Diterima
                Message-ID: <demo-mail-3@example.my>
                In-Reply-To: <\(OutboxMessage.mailMessageID(acknowledgement.id!))>
                Content-Type: text/plain; charset=utf-8

                Salinan resit saya ada jika diperlukan.

                Pada 1 Dis 2026, Layan menulis:
                > Aduan anda telah diterima.
                """))
            _ = try await intake.take(raw("""
                From: Rosnah binti Daud <rosnah.daud@example.my>
                To: noreply@layan.example
                Subject: Automatic reply: [\(reference)] Diterima
                Message-ID: <demo-mail-4@example.my>
                Auto-Submitted: auto-replied
                Content-Type: text/plain; charset=utf-8

                Saya bercuti hingga 7 Disember.
                """))
        }
        _ = try await intake.take(raw("\nTeks ini kehilangan pengepalanya dalam perjalanan.\n"))
    }

    /// A batch of forms printed for Shah Alam, and three of them typed in from the feedback box and the counter.
    static func loadPaperForms(on db: any Database, application app: Application, branches: [String: UUID]) async throws {
        guard let branch = branches["SHA"] else { return }
        let now = app.clock.now()
        try await PaperFormBatch(branchID: branch, firstNumber: 1, count: 50, size: .a5, at: now, by: "Demo").create(on: db)
        let forms: [(Int, CaseChannel, CaseType, String, String?, String?)] = [
            (3, .feedbackBox, .suggestion, "Sediakan lebih banyak kerusi di ruang menunggu tingkat 1, terutama untuk warga emas.", nil, nil),
            (7, .feedbackBox, .compliment, "Pegawai di kaunter 3 (Puan Aina) sangat membantu dan sabar menerangkan borang.", "Haji Kamal", "013-778 2290"),
            (12, .counterForm, .complaint, "Mesin nombor giliran tidak mencetak tiket pada pagi Isnin, terpaksa menunggu tanpa nombor.", "Tan Mei Hua", "012-660 1834"),
        ]
        let yesterday = LocalDate(now).adding(days: -1)
        for (number, channel, type, text, name, phone) in forms {
            var new = NewCase(type: type, channel: channel, subject: String(text.prefix(80)), details: text, anonymous: name == nil, name: name,
                              phone: phone, contactBy: .sms, branchID: branch)
            new.channelRows = PaperFormEntry.rows(serial: PaperFormSerial(branchCode: "SHA", number: number), channel: channel, droppedOn: yesterday, text: text,
                                                  at: now, by: "Demo")
            _ = try await CaseEngine(db: db, app: app).file(new, by: .system)
        }
    }

    static let messages: [InboundMessage] = [
        InboundMessage(channel: .sms, provider: "twilio", providerMessageID: "SMdemo0001", sender: "+60132214455",
                       text: "Salam. Saya telah memohon permit penjaja pada 3 Nov tetapi belum dapat jawapan. No rujukan permohonan PJ-7781.",
                       replyRoute: ReplyRoute(channel: .twilio, recipient: "+60132214455", sender: "+60388801000")),
        InboundMessage(channel: .sms, provider: "twilio", providerMessageID: "SMdemo0002", sender: "+60132214455",
                       text: "Lupa nak beritahu, permohonan dibuat di kaunter Putrajaya."),
        InboundMessage(channel: .whatsapp, provider: "twilio", providerMessageID: "SMdemo0003", sender: "+60197781203", senderName: "Mei Ling",
                       text: "Hi, kaunter 2 di Shah Alam tutup awal hari ini, 3.30 petang. Ramai yang menunggu tidak dilayan.",
                       replyRoute: ReplyRoute(channel: .twilio, recipient: "whatsapp:+60197781203", sender: "whatsapp:+60388801000")),
        // Twilio retries a message when we answer slowly: taken once, the repeat only on the intake log.
        InboundMessage(channel: .whatsapp, provider: "twilio", providerMessageID: "SMdemo0003", sender: "+60197781203", senderName: "Mei Ling",
                       text: "Hi, kaunter 2 di Shah Alam tutup awal hari ini, 3.30 petang. Ramai yang menunggu tidak dilayan."),
        InboundMessage(channel: .x, provider: "x", providerMessageID: "1866000000000000001", sender: "3805104374", senderName: "Nur Aisyah",
                       text: "Laman web permohonan lesen tidak boleh dibuka sejak semalam, keluar ralat 502.",
                       replyRoute: ReplyRoute(channel: .x, recipient: "3805104374", sender: "4337869213")),
    ]
}
