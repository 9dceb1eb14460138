import Fluent
import Foundation
import NIOCore
import NIOPosix
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// The telephone desk (issue #18): imports, figures as Asterisk defines them, messages to the call-back, the console,
/// the PBX check, and the live feed from a scripted AMI server. On SQLite and again on PostgreSQL.
@Suite struct TelephoneTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../tests/telephone").standardized
    static func file(_ name: String) -> String { fixtures.appendingPathComponent(name).path }
    /// 2026-11-02 10:00 in Kuala Lumpur: the morning of the known day.
    static let knownMorning = Date(timeIntervalSince1970: 1_793_584_800)

    struct Desk {
        let app: Application
        let token: String
        let browser: TestBrowser
        let operatorStaff: Staff
        let officer: Staff
        var auth: HTTPHeaders { ["Authorization": "Bearer \(token)"] }
    }

    func withDesk(_ body: (Desk) async throws -> Void) async throws {
        try await withLayan(clock: FixedClock(Self.knownMorning)) { app in
            let branch = Branch(code: "PTJ", name: "Putrajaya", state: .putrajaya, address: "Presint 1", phone: "03-8888 1234")
            try await branch.create(on: app.db)
            let operatorStaff = try await TestStaff.create(.telephoneOperator, in: app, name: "Aminah Operator")
            let supervisor = try await TestStaff.create(.supervisor, in: app, name: "Penyelia Telefon")
            supervisor.$branch.id = branch.id
            try await supervisor.save(on: app.db)
            let officer = try await TestStaff.create(.caseOfficer, in: app, name: "Ahmad Pegawai")
            officer.phoneExtension = "1001"
            officer.$branch.id = branch.id
            try await officer.save(on: app.db)
            let (record, secret) = APIToken.make(name: "pbx", scopes: [.telephoneRead, .telephoneWrite], createdBy: nil, at: app.clock.now())
            try await record.create(on: app.db)
            let browser = TestBrowser(app)
            try await body(Desk(app: app, token: secret, browser: browser, operatorStaff: operatorStaff, officer: officer))
        }
    }

    func postLog(_ desk: Desk, _ text: String) async throws -> (HTTPResponseStatus, QueueLogImport.Report?) {
        var headers = desk.auth
        headers.contentType = .plainText
        let response = try await desk.browser.send(.POST, SiteURL.api(.telephoneQueueLog).path, headers: headers, body: ByteBuffer(string: text))
        return (response.status, try? response.content.decode(QueueLogImport.Report.self))
    }

    func figures(_ desk: Desk) async throws -> TelephoneFiguresController.Report {
        let response = try await desk.browser.get(SiteURL.api(.telephoneFigures).path(["from": "2026-11-02", "to": "2026-11-02"]), headers: desk.auth)
        #expect(response.status == .ok)
        return try response.content.decode(TelephoneFiguresController.Report.self)
    }

    @Test func aKnownDaysLogGivesAsterisksFiguresThroughTheAPI() async throws {
        try await withDesk { desk in
            // given the known day's queue_log
            let report = try await QueueLogImport(app: desk.app).run(file: Self.file("known-day.queue_log"))
            #expect(report.callsAdded == 12 && report.callsInProgress == 1 && report.agentEvents == 4 && report.problemCount == 0)
            // when the figures are asked for
            let day = try await figures(desk)
            // then they are the ones written by hand (TelephoneRulesTests) — counted by the database
            let c = day.total.counts
            #expect(c.offered == 12 && c.answered == 6 && c.answeredWithin == 4 && c.abandoned == 5 && c.abandonedWithin == 3)
            #expect(c.waitAnswered == 54 && c.longestWait == 300 && c.transferred == 2 && c.returned == 1 && c.ringNoAnswer == 1)
            #expect(day.total.serviceLevel.numerator == 4 && day.total.serviceLevel.denominator == 6)
            #expect(day.total.serviceLevel2.numerator == 7 && day.total.serviceLevel2.denominator == 11)
            #expect(day.byHour.map(\.group) == ["9"])
            #expect(day.byAgent.contains { $0.group == "PJSIP/1001" && $0.figures.counts.answered == 5 })
            #expect(day.staffing.first?.hour == 9 && day.staffing.first?.agentsNeeded != nil)
        }
    }

    @Test func importingTheSameFileTwiceOrAnOverlappingOneAddsNothing() async throws {
        try await withDesk { desk in
            // given the day imported once
            _ = try await QueueLogImport(app: desk.app).run(file: Self.file("known-day.queue_log"))
            // when it is imported again, then its rotated successor (which repeats its last lines)
            let again = try await QueueLogImport(app: desk.app).run(file: Self.file("known-day.queue_log"))
            let next = try await QueueLogImport(app: desk.app).run(file: Self.file("known-day-part2.queue_log"))
            // then nothing is doubled, and the call split across the two files is one call
            #expect(again.callsAdded == 0 && again.callsAlreadyStored == 12)
            #expect(next.callsAdded == 1 && next.callsInProgress == 0)
            #expect(try await TelephoneCall.query(on: desk.app.db).count() == 13)
            let spanning = try #require(try await TelephoneCall.query(on: desk.app.db).filter(\.$callID == "1762048200.16").first())
            #expect(spanning.waitSeconds == 2 && spanning.talkSeconds == 100 && spanning.$staff.id == desk.officer.id)
        }
    }

    @Test func malformedLinesAreReportedWithTheirNumbersAndTheRestIsRead() async throws {
        try await withDesk { desk in
            let text = "1793581210|c1|operator|NONE|ENTERQUEUE||0123456789|1\nthis is not a line\n1793581215|c1|operator|PJSIP/1001|CONNECT|5|c1.1|2\n"
                + "1793581300|c1|operator|PJSIP/1001|COMPLETECALLER|5|85|1\n1793581300|c2\n"
            let (status, report) = try await postLog(desk, text)
            #expect(status == .ok)
            #expect(report?.callsAdded == 1 && report?.problemCount == 2)
            #expect(report?.problems.map(\.line) == [2, 5])
        }
    }

    @Test func aFileInAnotherFormatIsRefusedAndNothingIsStored() async throws {
        try await withDesk { desk in
            let csv = (0..<30).map { "\"\($0)\",\"0123\",\"2001\",\"2026-11-02 09:00:00\",\"ANSWERED\"" }.joined(separator: "\n")
            let (status, _) = try await postLog(desk, csv)
            #expect(status == .unprocessableEntity)
            #expect(try await TelephoneCall.query(on: desk.app.db).count() == 0)
        }
    }

    @Test func theAPIRefusesABodyThatIsNotText() async throws {
        try await withDesk { desk in
            var headers = desk.auth
            headers.contentType = .json
            let response = try await desk.browser.send(.POST, SiteURL.api(.telephoneQueueLog).path, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(response.status == .unsupportedMediaType)
            #expect(response.body.string.contains("queue_log lines as text"))
        }
    }

    @Test func aCallFromAnotherPBXIsRecordedOnceAndItsFieldsAreChecked() async throws {
        try await withDesk { desk in
            var headers = desk.auth
            headers.contentType = .json
            let body = #"{"callId":"pbx-1","queue":"operator","caller":"0123456789","enteredAt":"2026-11-02T09:30:00+08:00","outcome":"answered","waitSeconds":7,"talkSeconds":60,"agent":"SIP/1001"}"#
            let first = try await desk.browser.send(.POST, SiteURL.api(.telephoneCalls).path, headers: headers, body: ByteBuffer(string: body))
            let second = try await desk.browser.send(.POST, SiteURL.api(.telephoneCalls).path, headers: headers, body: ByteBuffer(string: body))
            #expect(first.status == .created && second.status == .ok)
            #expect(try second.content.decode(TelephoneImportController.CallStored.self).stored == "already_stored")
            let stored = try #require(try await TelephoneCall.query(on: desk.app.db).first())
            #expect(stored.$staff.id == desk.officer.id && stored.source == .api && stored.localDay == "2026-11-02" && stored.localHour == 9)
            let bad = try await desk.browser.send(.POST, SiteURL.api(.telephoneCalls).path, headers: headers,
                                                  body: ByteBuffer(string: #"{"callId":"x","queue":"q","enteredAt":"2026-11-02T09:30:00+08:00","outcome":"maybe","waitSeconds":-1}"#))
            #expect(bad.status == .unprocessableEntity && bad.body.string.contains("outcome") && bad.body.string.contains("waitSeconds"))
        }
    }

    @Test func figuresRefuseABadRange() async throws {
        try await withDesk { desk in
            for query: KeyValuePairs<String, String> in [["from": "2026-13-01"], ["from": "2026-11-05", "to": "2026-11-01"], ["from": "2024-01-01", "to": "2026-01-01"]] {
                let response = try await desk.browser.get(SiteURL.api(.telephoneFigures).path(query), headers: desk.auth)
                #expect(response.status == .badRequest)
            }
        }
    }

    @Test func unansweredCallersBecomeCallBacksClosedWhenTheyGetThrough() async throws {
        try await withDesk { desk in
            // given the known day: five unanswered callers with numbers, one anonymous
            let report = try await QueueLogImport(app: desk.app).run(file: Self.file("known-day.queue_log"))
            #expect(report.callBacksOpened == 5)
            // when one of them calls again and is answered
            let (_, again) = try await postLog(desk, "1793585000|again.1|operator|NONE|ENTERQUEUE||0123456704|1\n1793585003|again.1|operator|PJSIP/1001|CONNECT|3|x|1\n"
                                               + "1793585063|again.1|operator|PJSIP/1001|COMPLETECALLER|3|60|1\n")
            #expect(again?.callsAdded == 1)
            // then that call-back closes by itself and the others stay open on the console
            let open = try await PhoneMessage.query(on: desk.app.db).filter(\.$kind == .callBack).filter(\.$calledBackAt == nil).all()
            #expect(open.count == 4 && !open.contains { $0.callerNumber == "0123456704" })
            let closed = try #require(try await PhoneMessage.query(on: desk.app.db).filter(\.$callerNumber == "0123456704").first())
            #expect(closed.outcome == .calledAgain && closed.returnedInTime == true)
            _ = try await desk.browser.signIn(desk.operatorStaff.email)
            let console = try await desk.browser.get(SiteURL.telephone(.console).path)
            #expect(console.status == .ok && console.body.string.contains("0123456706"))
        }
    }

    @Test func aMessageForAnAbsentOfficerIsMailedTrackedAndEscalated() async throws {
        try await withDesk { desk in
            // given the operator takes a message for the officer
            _ = try await desk.browser.signIn(desk.operatorStaff.email)
            _ = try await desk.browser.get(SiteURL.telephone(.console).path)
            let taken = try await desk.browser.post(SiteURL.telephone(.newMessage).path, form: [
                "staff": desk.officer.id!.uuidString, "callerName": "Puan Rosnah", "callerNumber": "019-2345678",
                "body": "Tanya status permohonan lesen", "urgency": "urgent", "bestTime": "Selepas 2 petang"])
            #expect(taken.status == .seeOther)
            // then the officer is told by e-mail, and the message is due one working day later
            let message = try #require(try await PhoneMessage.query(on: desk.app.db).filter(\.$kind == .message).first())
            #expect(message.dueAt == Self.knownMorning.addingTimeInterval(86_400))
            let mail = try await OutboxMessage.query(on: desk.app.db).all()
            #expect(mail.count == 1 && mail[0].recipient == desk.officer.email && mail[0].body.contains("Tanya status permohonan lesen"))
            // when the day passes without a call-back
            (desk.app.clock as! FixedClock).advance(by: 86_400 + 60)
            #expect(try await PhoneMessageEscalationJob(app: desk.app).runOnce() == 1)
            #expect(try await PhoneMessageEscalationJob(app: desk.app).runOnce() == 0)
            // then the supervisor of the officer's branch is told, once
            let escalations = try await OutboxMessage.query(on: desk.app.db).filter(\.$recipient == TestStaff.email(.supervisor)).count()
            #expect(escalations == 1)
            // and when the officer calls back late, it is recorded as not in time
            let officerBrowser = TestBrowser(desk.app)
            _ = try await officerBrowser.signIn(desk.officer.email)
            let page = try await officerBrowser.get(SiteURL.telephone(.messages).path)
            #expect(page.body.string.contains("Puan Rosnah"))
            let done = try await officerBrowser.post(SiteURL.telephone(.calledBack(message.id!.uuidString)).path, form: ["outcome": "reached", "note": "Sudah dimaklumkan"])
            #expect(done.status == .seeOther)
            let closed = try #require(try await PhoneMessage.find(message.id, on: desk.app.db))
            #expect(closed.calledBackAt != nil && closed.returnedInTime == false && closed.outcome == .reached)
        }
    }

    @Test func anOfficerCannotCloseSomeoneElsesMessage() async throws {
        try await withDesk { desk in
            let message = try await PhoneMessages.take(.init(staffID: desk.operatorStaff.id!, callerName: nil, callerNumber: "0123456789", body: "x", urgency: .normal, bestTime: nil),
                                                       by: nil, app: desk.app)
            _ = try await desk.browser.signIn(desk.officer.email)
            _ = try await desk.browser.get(SiteURL.telephone(.messages).path)
            let refused = try await desk.browser.post(SiteURL.telephone(.calledBack(message.id!.uuidString)).path, form: ["outcome": "reached"])
            #expect(refused.status == .forbidden)
        }
    }

    @Test func theConsoleShowsTheTransferScriptAndPresence() async throws {
        try await withDesk { desk in
            // given the officer is on leave until a day ahead
            let presence = StaffPresence()
            presence.$staff.id = desk.officer.id!
            presence.state = .onLeave
            presence.untilDay = "2026-11-04"
            presence.updatedAt = Date()
            try await presence.create(on: desk.app.db)
            // when the operator looks them up
            _ = try await desk.browser.signIn(desk.operatorStaff.email)
            let page = try await desk.browser.get(SiteURL.telephone(.console).path(["q": "Ahmad"]))
            // then the script names the officer and extension, and the leave shows
            let html = page.body.string
            #expect(html.contains("Saya akan sambungkan panggilan tuan/puan kepada Ahmad Pegawai") && html.contains("sambungan 1001"))
            #expect(html.contains("Bercuti"))
        }
    }

    @Test func aCallThatRaisesAComplaintGoesToTheCaseFormWithTheNumber() async throws {
        try await withDesk { desk in
            _ = try await desk.browser.signIn(desk.operatorStaff.email)
            _ = try await desk.browser.get(SiteURL.telephone(.console).path)
            let response = try await desk.browser.post(SiteURL.telephone(.logCall).path, form: ["callerNumber": "012-3456789", "topic": "Lampu jalan rosak", "result": "complaint"])
            #expect(response.status == .seeOther)
            let location = try #require(response.headers.first(name: .location))
            #expect(location.hasPrefix(SiteURL.cases(.new).path) && location.contains("channel=phone") && location.contains("phone=012-3456789"))
            let form = try await desk.browser.get(location)
            #expect(form.body.string.contains("value=\"012-3456789\""))
            #expect(try await TelephoneCall.query(on: desk.app.db).filter(\.$source == .console).count() == 1)
        }
    }

    @Test func aBadMessageFormIsExplainedNotStored() async throws {
        try await withDesk { desk in
            _ = try await desk.browser.signIn(desk.operatorStaff.email)
            _ = try await desk.browser.get(SiteURL.telephone(.console).path)
            let response = try await desk.browser.post(SiteURL.telephone(.newMessage).path, form: ["staff": "not-a-uuid", "callerNumber": "abc"])
            #expect(response.status == .unprocessableEntity)
            #expect(try await PhoneMessage.query(on: desk.app.db).count() == 0)
        }
    }

    @Test func thePBXPageFindsTheRulesAnUploadedQueuesConfBreaks() async throws {
        try await withDesk { desk in
            _ = try await desk.browser.signIn(TestStaff.email(.supervisor))
            let page = try await desk.browser.get(SiteURL.telephone(.pbx).path)
            #expect(page.body.string.contains("servicelevel = 10") && page.body.string.contains("atxferdropcall = no"))
            let checked = try await desk.browser.post(SiteURL.telephone(.pbx).path, form: ["queues": "[operator]\nservicelevel = 0\n"])
            #expect(checked.status == .ok)
            #expect(checked.body.string.contains("servicelevel = 0") && checked.body.string.contains("announce-frequency = 20"))
        }
    }

    @Test func theStandardIsSetAndUsedByTheFigures() async throws {
        try await withDesk { desk in
            _ = try await QueueLogImport(app: desk.app).run(file: Self.file("known-day.queue_log"))
            _ = try await desk.browser.signIn(TestStaff.email(.supervisor))
            _ = try await desk.browser.get(SiteURL.telephone(.settings).path)
            let bad = try await desk.browser.post(SiteURL.telephone(.settings).path, form: ["answerWithinSeconds": "0", "formula": "sl2", "shortAbandonSeconds": "5",
                                                                                         "targetPercent": "90", "announceEverySeconds": "20", "messageReturnWorkingDays": "1", "queues": "operator"])
            #expect(bad.status == .unprocessableEntity)
            let saved = try await desk.browser.post(SiteURL.telephone(.settings).path, form: ["answerWithinSeconds": "10", "formula": "sl2", "shortAbandonSeconds": "5",
                                                                                           "targetPercent": "90", "announceEverySeconds": "20", "messageReturnWorkingDays": "1", "queues": "operator, aduan"])
            #expect(saved.status == .seeOther)
            let day = try await figures(desk)
            #expect(day.standard.formula == .sl2 && day.total.charterServiceLevel.numerator == 7)
            let page = try await desk.browser.get(SiteURL.telephone(.figures).path(["from": "2026-11-02", "to": "2026-11-02"]))
            #expect(page.status == .ok && page.body.string.contains("63.6 %"))
            let csv = try await desk.browser.get(SiteURL.telephone(.figuresCSV).path(["from": "2026-11-02", "to": "2026-11-02"]))
            #expect(csv.body.string.contains("total,\"all\",12,6,4,5,3,1,0.6667,0.6364,0.6364"))
        }
    }

    @Test func theUploadPageImportsAFile() async throws {
        try await withDesk { desk in
            _ = try await desk.browser.signIn(TestStaff.email(.supervisor))
            let page = try await desk.browser.get(SiteURL.telephone(.importLog).path)
            let csrf = try #require(TestBrowser.csrf(in: page.body.string))
            let boundary = "----layan"
            let content = try String(contentsOfFile: Self.file("known-day.queue_log"), encoding: .utf8)
            let body = "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n--\(boundary)\r\nContent-Disposition: form-data; name=\"log\"; filename=\"queue_log\"\r\nContent-Type: text/plain\r\n\r\n\(content)\r\n--\(boundary)--\r\n"
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let response = try await desk.browser.send(.POST, SiteURL.telephone(.importLog).path, headers: headers, body: ByteBuffer(string: body))
            #expect(response.status == .ok)
            #expect(try await TelephoneCall.query(on: desk.app.db).count() == 12)
        }
    }

    // MARK: the live feed

    /// A scripted AMI server: the banner, a login answer, then the events Asterisk raises for one answered call.
    static func scriptedAMI(events: [AMIMessage], login: String = "Success", garbageFirst: Bool = false) async throws -> (port: Int, close: @Sendable () async throws -> Void) {
        let script = "Asterisk Call Manager/5.0.1\r\n"
        let loginAnswer = AMIMessage([("Response", login), ("Message", login == "Success" ? "Authentication accepted" : "Authentication failed")]).wire
        let replay = (garbageFirst ? "\u{1}\u{2}garbage without a colon\r\n\r\n" : "") + events.map(\.wire).joined()
        final class Scripted: ChannelInboundHandler, @unchecked Sendable {
            typealias InboundIn = ByteBuffer
            typealias OutboundOut = ByteBuffer
            let banner: String, login: String, replay: String
            var answered = false
            init(banner: String, login: String, replay: String) { self.banner = banner; self.login = login; self.replay = replay }
            func channelActive(context: ChannelHandlerContext) {
                context.writeAndFlush(NIOAny(ByteBuffer(string: banner)), promise: nil)
            }
            func channelRead(context: ChannelHandlerContext, data: NIOAny) {
                let text = String(buffer: unwrapInboundIn(data))
                guard !answered, text.contains("Action: Login") else { return }
                answered = true
                context.writeAndFlush(NIOAny(ByteBuffer(string: login + replay)), promise: nil)
            }
        }
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in channel.pipeline.addHandler(Scripted(banner: script, login: loginAnswer, replay: replay)) }
            .bind(host: "127.0.0.1", port: 0).get()
        return (channel.localAddress!.port!, { try await channel.close() })
    }

    static let answeredCall: [AMIMessage] = [
        AMIMessage([("Event", "QueueCallerJoin"), ("Timestamp", "1793581210.120"), ("Queue", "operator"), ("Uniqueid", "1762045210.1"), ("CallerIDNum", "0123456701"), ("Position", "1"), ("Count", "1")]),
        AMIMessage([("Event", "AgentCalled"), ("Queue", "operator"), ("Uniqueid", "1762045210.1"), ("MemberName", "PJSIP/1001")]),
        AMIMessage([("Event", "AgentConnect"), ("Timestamp", "1793581214.002"), ("Queue", "operator"), ("Uniqueid", "1762045210.1"), ("MemberName", "PJSIP/1001"), ("HoldTime", "4"), ("RingTime", "3")]),
        AMIMessage([("Event", "QueueCallerLeave"), ("Timestamp", "1793581214.003"), ("Queue", "operator"), ("Uniqueid", "1762045210.1"), ("Count", "0")]),
        AMIMessage([("Event", "AgentComplete"), ("Timestamp", "1793581334.5"), ("Queue", "operator"), ("Uniqueid", "1762045210.1"), ("MemberName", "PJSIP/1001"), ("HoldTime", "4"), ("TalkTime", "120"), ("Reason", "caller")]),
        AMIMessage([("Event", "QueueCallerJoin"), ("Timestamp", "1793584790"), ("Queue", "operator"), ("Uniqueid", "waiting.9"), ("CallerIDNum", "0139998888"), ("Position", "1"), ("Count", "1")]),
    ]

    static func waitUntil(_ condition: () async throws -> Bool) async throws {
        for _ in 0..<100 where !(try await condition()) { try await Task.sleep(for: .milliseconds(50)) }
    }

    @Test func theLiveFeedStoresTheCallAndALaterImportAddsNothingTwice() async throws {
        try await withDesk { desk in
            // given a scripted PBX replaying one answered call and one caller still waiting
            let ami = try await Self.scriptedAMI(events: Self.answeredCall, garbageFirst: true)
            let task = Task { await AMIFeed.run(desk.app, settings: .init(host: "127.0.0.1", port: ami.port, username: "layan", secret: "s")) }
            defer { task.cancel() }
            // when the feed has read it
            try await Self.waitUntil { try await TelephoneCall.query(on: desk.app.db).count() == 1 }
            // then the wallboard shows the waiting caller against 10 s, and the call is stored as the import would store it
            let board = await desk.app.liveWallboard.tracker.waiting(now: Self.knownMorning.timeIntervalSince1970)
            #expect(board.map(\.call.callID) == ["waiting.9"] && board.first?.seconds == 10)
            #expect(await desk.app.liveWallboard.connected)
            let live = try #require(try await TelephoneCall.query(on: desk.app.db).first())
            #expect(live.source == .live && live.waitSeconds == 4 && live.talkSeconds == 120 && live.$staff.id == desk.officer.id)
            // and importing the day's queue_log later adds that call no second time
            let report = try await QueueLogImport(app: desk.app).run(file: Self.file("known-day.queue_log"))
            #expect(report.callsAdded == 11 && report.callsCorrected == 1)
            #expect(try await TelephoneCall.query(on: desk.app.db).filter(\.$callID == "1762045210.1").count() == 1)
            try await ami.close()
        }
    }

    @Test func aPBXThatRefusesTheLoginLeavesTheRestOfLayanWorking() async throws {
        try await withDesk { desk in
            let ami = try await Self.scriptedAMI(events: Self.answeredCall, login: "Error")
            let task = Task { await AMIFeed.run(desk.app, settings: .init(host: "127.0.0.1", port: ami.port, username: "layan", secret: "wrong")) }
            try await Task.sleep(for: .milliseconds(300))
            #expect(await !desk.app.liveWallboard.connected)
            #expect(try await TelephoneCall.query(on: desk.app.db).count() == 0)
            _ = try await desk.browser.signIn(TestStaff.email(.supervisor))
            let page = try await desk.browser.get(SiteURL.telephone(.wallboard).path)
            #expect(page.status == .ok)
            task.cancel()
            try await ami.close()
        }
    }

    @Test func anAbsentPBXIsRetriedWithoutAffectingRequests() async throws {
        try await withDesk { desk in
            // a port nobody listens on
            let task = Task { await AMIFeed.run(desk.app, settings: .init(host: "127.0.0.1", port: 1, username: "layan", secret: "s")) }
            try await Task.sleep(for: .milliseconds(200))
            let response = try await desk.browser.get(SiteURL.api(.telephoneFigures).path, headers: desk.auth)
            #expect(response.status == .ok)
            task.cancel()
        }
    }
}
