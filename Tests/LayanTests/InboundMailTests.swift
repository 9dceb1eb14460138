import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// A mail server handing Layan raw messages through `POST /api/v1/inbound/email` with a `mail:inbound` token.
struct MailServer {
    let app: Application
    let token: String

    static func make(_ app: Application) async throws -> MailServer {
        let (record, secret) = APIToken.make(name: "Postfix", scopes: [.mailInbound], createdBy: nil, at: app.clock.now())
        try await record.create(on: app.db)
        return MailServer(app: app, token: secret)
    }

    func deliver(_ raw: String, type: String = "message/rfc822") async throws -> TestingHTTPResponse {
        try await deliver(Array(raw.replacingOccurrences(of: "\n", with: "\r\n").utf8), type: type)
    }

    func deliver(_ raw: [UInt8], type: String = "message/rfc822") async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.POST, SiteURL.api(.inboundEmail).path, headers: ["Authorization": "Bearer \(token)", "Content-Type": type],
                                            body: ByteBuffer(bytes: raw))
    }

    static func corpus(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: InboundMailTests.corpus.appendingPathComponent(path)))
    }

    static func message(from: String = "Siti Aminah <siti@example.my>", subject: String = "Longkang tersumbat", id: String = "<m1@example.my>",
                        headers: String = "", body: String = "Longkang di Jalan 3 tersumbat sejak hujan.") -> String {
        "From: \(from)\nTo: aduan@layan.example\nSubject: \(subject)\nMessage-ID: \(id)\nDate: Wed, 2 Dec 2026 09:00:00 +0800\n\(headers)MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n\(body)\n"
    }
}

@Suite struct InboundMailTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../tests/mail-corpus").standardized

    func withMail(_ body: (Application, MailServer) async throws -> Void) async throws {
        try await withLayan { app in
            _ = try await CaseFixture.make(app)
            try await body(app, try await MailServer.make(app))
        }
    }

    func outcome(_ response: TestingHTTPResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    @Test func aMessageFilesAComplaintWithItsSenderTextAndFiles() async throws {
        try await withMail { app, mail in
            // when Thunderbird's Latin-1 message with a PDF arrives
            let response = try await mail.deliver(try MailServer.corpus("layan/thunderbird-latin1-rfc2231-attachment.eml"))
            // then
            #expect(response.status == .accepted)
            #expect(try outcome(response)["outcome"] as? String == "filed")
            let record = try #require(try await CaseRecord.query(on: app.db).filter(\.$channel == .email).first())
            #expect(record.customerEmail == "renee@example.fr" && record.customerName == "Renée Dubois")
            #expect(record.subject == "Permis n° 42")
            #expect(record.details == "Je vous écris au sujet du permis n° 42. Voir la pièce jointe.")
            let files = try await CaseAttachment.query(on: app.db).all()
            #expect(files.map(\.fileName) == ["Permohonan Lesen Perniagaan – Renée.pdf"])
            #expect(try await IntakeEntry.query(on: app.db).filter(\.$outcome == .filed).filter(\.$caseRecord.$id == record.id).count() == 1)
            // and the customer is acknowledged by e-mail
            #expect(try await OutboxMessage.query(on: app.db).filter(\.$recipient == "renee@example.fr").count() == 1)
        }
    }

    @Test func aReplyToOurNotificationContinuesItsCaseWithoutTheQuotedText() async throws {
        try await withMail { app, mail in
            // given a case filed by mail and the acknowledgement we sent
            _ = try await mail.deliver(MailServer.message())
            let record = try #require(try await CaseRecord.query(on: app.db).first())
            let acknowledgement = try #require(try await OutboxMessage.query(on: app.db).filter(\.$caseID == record.id).first())
            // when the customer answers it from another client
            let reply = MailServer.message(from: "siti@example.my", subject: "Re: something else", id: "<m2@example.my>",
                                           headers: "In-Reply-To: <\(OutboxMessage.mailMessageID(acknowledgement.id!))>\n",
                                           body: "Gambar ada pada saya.\n\nOn 2 Dec 2026, Layan wrote:\n> Aduan anda diterima.")
            let response = try await mail.deliver(reply)
            // then
            #expect(try outcome(response)["outcome"] as? String == "continued")
            #expect(try outcome(response)["caseReference"] as? String == record.reference)
            #expect(try await CaseRecord.query(on: app.db).count() == 1)
            let messages = try await CaseEvent.query(on: app.db).filter(\.$kind == .customerMessage).all()
            #expect(messages.map(\.body) == ["Gambar ada pada saya."])
        }
    }

    @Test func theReferenceInTheSubjectContinuesOnlyFromTheCasesOwnCustomer() async throws {
        try await withMail { app, mail in
            // given
            _ = try await mail.deliver(MailServer.message())
            let record = try #require(try await CaseRecord.query(on: app.db).first())
            // when the customer and a stranger write with its reference
            let own = try await mail.deliver(MailServer.message(from: "SITI@example.my", subject: "Re: [\(record.reference)] Diterima", id: "<m2@x>", body: "Terima kasih."))
            let stranger = try await mail.deliver(MailServer.message(from: "orang.lain@example.my", subject: "Re: [\(record.reference)] Diterima", id: "<m3@x>",
                                                                     body: "Saya bukan pengadu."))
            // then
            #expect(try outcome(own)["outcome"] as? String == "continued")
            #expect(try outcome(stranger)["outcome"] as? String == "filed")
            #expect(try await CaseRecord.query(on: app.db).count() == 2)
        }
    }

    @Test func aReplyToAClosedCaseStartsANewOne() async throws {
        try await withMail { app, mail in
            // given a case closed
            _ = try await mail.deliver(MailServer.message())
            let record = try #require(try await CaseRecord.query(on: app.db).first())
            record.status = .closed
            try await record.save(on: app.db)
            // when
            let response = try await mail.deliver(MailServer.message(subject: "Re: [\(record.reference)] Ditutup", id: "<m2@x>", body: "Masih tersumbat."))
            // then
            #expect(try outcome(response)["outcome"] as? String == "filed")
            #expect(try await CaseRecord.query(on: app.db).count() == 2)
        }
    }

    @Test func autoRepliesAndBouncesAreLoggedAndNeverAnswered() async throws {
        try await withMail { app, mail in
            // when
            let auto = try await mail.deliver(try MailServer.corpus("layan/exchange-auto-reply.eml"))
            let bounce = try await mail.deliver(try MailServer.corpus("layan/postfix-bounce-dsn.eml"))
            // then
            #expect(try outcome(auto)["outcome"] as? String == "ignored")
            #expect(try outcome(bounce)["outcome"] as? String == "ignored")
            #expect(try await CaseRecord.query(on: app.db).count() == 0)
            #expect(try await OutboxMessage.query(on: app.db).count() == 0)
            #expect(try await IntakeEntry.query(on: app.db).filter(\.$outcome == .ignored).count() == 2)
        }
    }

    @Test func mailFromOurOwnAddressIsIgnored() async throws {
        try await withMail { app, mail in
            let response = try await mail.deliver(MailServer.message(from: app.settings.messaging.mailFrom))
            #expect(try outcome(response)["outcome"] as? String == "ignored")
            #expect(try await CaseRecord.query(on: app.db).count() == 0)
        }
    }

    @Test func aRepeatedDeliveryAddsNothing() async throws {
        try await withMail { app, mail in
            // given
            _ = try await mail.deliver(MailServer.message())
            // when the relay delivers it again
            let again = try await mail.deliver(MailServer.message())
            // then
            #expect(try outcome(again)["outcome"] as? String == "duplicate")
            #expect(try await CaseRecord.query(on: app.db).count() == 1)
        }
    }

    @Test func anUnreadableMessageIsKeptWholeWithItsReason() async throws {
        try await withMail { app, mail in
            // given a message that lost its headers
            let raw = try MailServer.corpus("layan/broken-no-headers.eml")
            // when
            let response = try await mail.deliver(raw)
            // then
            #expect(response.status == .accepted)
            let body = try outcome(response)
            #expect(body["outcome"] as? String == "failed")
            let failed = try #require(try await FailedMail.query(on: app.db).first())
            #expect(Array(failed.raw) == raw && failed.state == .waiting && failed.reason.contains("no header section"))
            #expect(body["failedIntakeId"] as? String == failed.id?.uuidString)
            #expect(try await IntakeEntry.query(on: app.db).filter(\.$outcome == .failed).count() == 1)
        }
    }

    @Test func markupInAMessageIsStoredAsTextAndShownEscaped() async throws {
        try await withMail { app, mail in
            // given an HTML form message with a script
            _ = try await mail.deliver(try MailServer.corpus("layan/html-only-script.eml"))
            let record = try #require(try await CaseRecord.query(on: app.db).first())
            #expect(!record.details.contains("<script") && record.details.contains("<sejak>"))
            // when an officer opens it
            let browser = TestBrowser(app)
            _ = try await browser.signIn("kes1@test.layan.my")
            let page = try await browser.get(CaseURL.staff(record))
            // then
            #expect(page.body.string.contains("&lt;sejak&gt;"))
            #expect(!page.body.string.contains("<sejak>"))
        }
    }

    @Test func otherMediaTypesEmptyBodiesAndMissingScopesAreRefusedWithProblems() async throws {
        try await withMail { app, mail in
            let wrongType = try await mail.deliver(MailServer.message(), type: "text/plain")
            let empty = try await mail.deliver([UInt8](), type: "message/rfc822")
            let (other, otherSecret) = APIToken.make(name: "cases only", scopes: [.casesWrite], createdBy: nil, at: app.clock.now())
            try await other.create(on: app.db)
            let wrongScope = try await MailServer(app: app, token: otherSecret).deliver(MailServer.message())
            let noToken = try await app.testing().sendRequest(.POST, SiteURL.api(.inboundEmail).path, headers: ["Content-Type": "message/rfc822"],
                                                              body: ByteBuffer(string: MailServer.message()))
            #expect(wrongType.status == .unsupportedMediaType)
            #expect(try wrongType.content.decode(Problem.self).reason.contains("message/rfc822"))
            #expect(empty.status == .badRequest)
            #expect(wrongScope.status == .forbidden)
            #expect(noToken.status == .unauthorized)
            #expect(try await CaseRecord.query(on: app.db).count() == 0)
        }
    }

    @Test func aMessageOverTheLimitIs413AndNothingIsStored() async throws {
        try await withMail { app, mail in
            // given a message one megabyte over the limit, sent over a real connection (the limit is the server's)
            let huge = MailServer.message(body: String(repeating: "a", count: (InboundMailController.maximumMegabytes + 1) * 1024 * 1024))
            // when
            try await app.testing(method: .running(port: 0)).test(.POST, SiteURL.api(.inboundEmail).path,
                                                                  headers: ["Authorization": "Bearer \(mail.token)", "Content-Type": "message/rfc822"],
                                                                  body: ByteBuffer(string: huge)) { response async throws in
                // then
                #expect(response.status == .payloadTooLarge)
                #expect(try response.content.decode(Problem.self).error)
            }
            #expect(try await IntakeEntry.query(on: app.db).count() == 0)
        }
    }

    @Test func staffRetryAFailedMessageOnceItsCauseIsGone() async throws {
        try await withMail { app, mail in
            // given a readable message kept as failed (say, before its branch was set up)
            let raw = Array(MailServer.message().replacingOccurrences(of: "\n", with: "\r\n").utf8)
            let kept = FailedMail(raw: raw, reason: "No branch is set up", sender: "siti@example.my", subject: "Longkang tersumbat", at: app.clock.now())
            try await kept.create(on: app.db)
            let browser = TestBrowser(app)
            _ = try await browser.signIn("kes1@test.layan.my")
            let page = try await browser.get(SiteURL.channels(.oneFailedMail(kept.id!.uuidString)).path)
            #expect(page.body.string.contains("No branch is set up"))
            // when
            let retried = try await browser.post(SiteURL.channels(.retryFailedMail(kept.id!.uuidString)).path)
            // then
            #expect(retried.status == .seeOther)
            let record = try #require(try await CaseRecord.query(on: app.db).first())
            let after = try #require(try await FailedMail.find(kept.id, on: app.db))
            #expect(after.state == .taken && after.$caseRecord.id == record.id && after.handledBy == "Pegawai Kes 1")
            #expect(try await FailedMail.query(on: app.db).count() == 1)
        }
    }

    @Test func staffFileAnUnreadableMessageByHand() async throws {
        try await withMail { app, mail in
            // given
            _ = try await mail.deliver(try MailServer.corpus("layan/broken-no-headers.eml"))
            let failed = try #require(try await FailedMail.query(on: app.db).first())
            let browser = TestBrowser(app)
            _ = try await browser.signIn("kes1@test.layan.my")
            let page = try await browser.get(SiteURL.channels(.oneFailedMail(failed.id!.uuidString)).path)
            #expect(page.body.string.contains("Just some text that lost its headers"))
            // when the officer files it without a subject, then with one
            let refused = try await browser.post(SiteURL.channels(.fileFailedMail(failed.id!.uuidString)).path,
                                                 form: ["type": "complaint", "subject": "", "details": "Just some text"])
            let filed = try await browser.post(SiteURL.channels(.fileFailedMail(failed.id!.uuidString)).path,
                                               form: ["type": "inquiry", "subject": "Tiada pengepala", "details": "Just some text"])
            // then
            #expect(refused.status == .unprocessableEntity)
            #expect(filed.status == .seeOther)
            let record = try #require(try await CaseRecord.query(on: app.db).first())
            #expect(record.type == .inquiry && record.channel == .email && record.anonymous)
            #expect(try await FailedMail.find(failed.id, on: app.db)?.state == .filedByHand)
            // and the raw message stays downloadable as it arrived
            let raw = try await browser.get(SiteURL.channels(.failedMailRaw(failed.id!.uuidString)).path)
            #expect(Array(raw.body.readableBytesView) == (try MailServer.corpus("layan/broken-no-headers.eml")))
        }
    }

    @Test func everyCorpusMessageIsTakenWithoutAnError() async throws {
        try await withMail { app, mail in
            // given every collected message
            let files = FileManager.default.enumerator(at: Self.corpus, includingPropertiesForKeys: nil)!.compactMap { $0 as? URL }
                .filter { ["eml", "txt"].contains($0.pathExtension) }
            // when each is delivered
            var outcomes: [String: Int] = [:]
            for file in files {
                let response = try await mail.deliver(Array(try Data(contentsOf: file)))
                #expect(response.status == .accepted, "\(file.lastPathComponent): \(response.body.string)")
                outcomes[(try? outcome(response)["outcome"] as? String) ?? "?", default: 0] += 1
            }
            // then every one is on the intake log
            #expect(outcomes.values.reduce(0, +) == files.count)
            #expect(try await IntakeEntry.query(on: app.db).count() == files.count)
            #expect((outcomes["filed"] ?? 0) > files.count / 2, "\(outcomes)")
        }
    }
}

extension InboundMailTests {
    @Test func aFloodFromOneAddressIsKeptForStaffNotFiled() async throws {
        try await withMail { app, mail in
            // when one address sends more than a person writes
            for number in 1...(RateLimit.channelSender.limit + 3) {
                _ = try await mail.deliver(MailServer.message(subject: "Mesej \(number)", id: "<flood-\(number)@example.my>"))
            }
            // then the first are cases (each new e-mail is its own); the rest are kept whole as failed, nothing lost
            #expect(try await CaseRecord.query(on: app.db).count() == RateLimit.channelSender.limit)
            let kept = try await FailedMail.query(on: app.db).all()
            #expect(kept.count == 3 && kept.allSatisfy { $0.reason.hasPrefix("Rate limited") })
        }
    }
}
