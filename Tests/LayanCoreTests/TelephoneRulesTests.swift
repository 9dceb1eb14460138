import Foundation
import Testing
@testable import LayanCore

/// The telephone desk's rules: reading `queue_log`, the figures as Asterisk defines them, the PBX check, the live feed.
@Suite struct TelephoneRulesTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../tests/telephone").standardized

    static func read(_ names: [String]) throws -> (calls: [PBXCall], agentEvents: Int, inProgress: Int) {
        var reader = QueueLogReader()
        var calls: [PBXCall] = [], agentEvents = 0
        for name in names {
            let text = try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
            for line in text.split(separator: "\n") {
                guard case let .success(parsed) = QueueLogLine.parse(String(line)) else { continue }
                let (ended, agent) = reader.read(parsed)
                calls += ended
                if agent != nil { agentEvents += 1 }
            }
        }
        calls += reader.finish()
        return (calls, agentEvents, reader.callsInProgress)
    }

    static func counts(_ calls: [PBXCall]) -> CallCounts {
        var counts = CallCounts()
        for call in calls { counts.add(call, within: 10, shortAbandon: 5) }
        return counts
    }

    @Test func aKnownDayGivesAsterisksOwnFiguresWorkedOutByHand() throws {
        // given the known day (tests/telephone/known-day.queue_log): 12 calls ended, one still talking at rotation
        let day = try Self.read(["known-day.queue_log"])
        // when its calls are added up
        let figures = TelephoneFigures(Self.counts(day.calls), formula: .answered, within: 10)
        // then every figure is the one written by hand from the lines
        let c = figures.counts
        #expect(c.offered == 12 && c.answered == 6 && c.answeredWithin == 4)
        #expect(c.abandoned == 5 && c.abandonedWithin == 3 && c.abandonedShort == 2 && c.leftByKey == 1)
        #expect(c.waitAnswered == 54 && c.longestWait == 300 && c.talk == 545 && c.ringNoAnswer == 1)
        #expect(c.transferred == 2 && c.returned == 1)
        #expect(figures.serviceLevel.numerator == 4 && figures.serviceLevel.denominator == 6)   // SL = 66.7 %
        #expect(figures.serviceLevel2.numerator == 7 && figures.serviceLevel2.denominator == 11) // SL2 = 63.6 %
        #expect(figures.serviceLevelOffered.numerator == 4 && figures.serviceLevelOffered.denominator == 9)
        #expect(figures.averageSpeedOfAnswer == 9.0)
        #expect(figures.abandonment.numerator == 5 && figures.abandonment.denominator == 12)
        #expect(day.agentEvents == 4 && day.inProgress == 1)
    }

    @Test func aCallSplitAcrossTwoFilesIsJoinedOnceEvenWhenTheSecondRepeatsTheFirstsTail() throws {
        // given the day's file and its rotated successor, which begins with the first file's last three lines
        // when both are read in turn
        let both = try Self.read(["known-day.queue_log", "known-day-part2.queue_log"])
        // then the call that spans them is one answered call, and nothing is counted twice
        let spanning = both.calls.filter { $0.callID == "1762048200.16" }
        #expect(spanning.count == 1)
        #expect(spanning.first?.waitSeconds == 2 && spanning.first?.talkSeconds == 100 && spanning.first?.outcome == .answered)
        #expect(both.calls.count == 13 && both.inProgress == 0)
    }

    @Test func theCharterFormulaIsTheOneTheAgencyChose() throws {
        let counts = Self.counts(try Self.read(["known-day.queue_log"]).calls)
        #expect(TelephoneFigures(counts, formula: .sl2, within: 10).charterServiceLevel.numerator == 7)
        #expect(TelephoneFigures(counts, formula: .offeredWithoutShortAbandons, within: 10).charterServiceLevel.denominator == 9)
    }

    @Test func noCallsGiveNoShareRatherThanAHundredPercent() {
        let figures = TelephoneFigures(CallCounts(), formula: .answered, within: 10)
        #expect(figures.serviceLevel.value == nil && figures.averageSpeedOfAnswer == nil)
    }

    @Test func aTransferThatComesBackIntoTheQueueIsMarkedReturned() throws {
        let calls = try Self.read(["known-day.queue_log"]).calls.filter { $0.callID == "1762047200.8" }
        #expect(calls.map(\.outcome) == [.transferred, .answered])
        #expect(calls.map(\.returnedAfterTransfer) == [false, true])
        #expect(calls.first?.transferTarget == "2001@from-internal" && calls.first?.transferKind == .blind)
    }

    @Test func callBacksAreForUnansweredCallersWithARealNumber() throws {
        let calls = try Self.read(["known-day.queue_log"]).calls.filter(\.needsCallBack)
        #expect(calls.map(\.caller) == ["0123456704", "+60123456705", "0123456706", "0123456707", "0123456715"])
    }

    @Test(arguments: [("PJSIP/1001", "1001"), ("SIP/2002", "2002"), ("Local/1003@from-queue/n", "1003"), ("1004", "1004"), ("Ahmad", nil)] as [(String, String?)])
    func aMembersExtensionIsReadFromItsInterface(agent: String, exten: String?) {
        #expect(CallerNumber.memberExtension(agent) == exten)
    }

    @Test func aClockStepBackwardsNeverMakesANegativeTime() {
        // given a call whose CONNECT and COMPLETE were written after the PBX's clock stepped back an hour
        var reader = QueueLogReader()
        let lines = ["1793581210|c1|operator|NONE|ENTERQUEUE||0123|1", "1793577615|c1|operator|PJSIP/1001|CONNECT|5|c1.1|2",
                     "1793577700|c1|operator|PJSIP/1001|COMPLETECALLER|5|85|1"]
        var calls: [PBXCall] = []
        for line in lines { if case let .success(parsed) = QueueLogLine.parse(line) { calls += reader.read(parsed).calls } }
        // then the durations are the PBX's own, never a difference of two clock readings
        #expect(calls.count == 1 && calls[0].waitSeconds == 5 && calls[0].talkSeconds == 85)
    }

    @Test func linesOutOfOrderStillMakeOneCallWithItsCaller() {
        var reader = QueueLogReader()
        let lines = ["1793581300|c2|operator|NONE|ABANDON|1|1|30", "1793581270|c2|operator|NONE|ENTERQUEUE||0199|1"]
        var calls: [PBXCall] = []
        for line in lines { if case let .success(parsed) = QueueLogLine.parse(line) { calls += reader.read(parsed).calls } }
        calls += reader.finish()
        #expect(calls.count == 1 && calls[0].caller == "0199" && calls[0].enteredAt == 1793581270 && calls[0].waitSeconds == 30)
    }

    @Test(arguments: ["1793581210|c1|operator", "yesterday|c1|operator|NONE|ENTERQUEUE", "1793581210|c1|operator|NONE|"])
    func aMalformedLineSaysWhy(line: String) {
        guard case .failure = QueueLogLine.parse(line) else { Issue.record("read \(line)"); return }
    }

    @Test func aFileInAnotherFormatIsRecognisedAsWrong() {
        let csv = ["\"clid\",\"src\",\"dst\",\"start\"", "\"Ali\" <0123>,0123,2001,2026-11-02 09:00:00"].map { ArraySlice(Array($0.utf8)) }
        #expect(!QueueLogFormat.looksRight(csv))
        #expect(QueueLogFormat.looksRight([ArraySlice(Array("1793581210|c1|operator|NONE|ENTERQUEUE||0123|1".utf8))]))
    }

    // MARK: the PBX configuration

    @Test func theGeneratedConfigurationBreaksNoRule() {
        let standard = TelephoneStandard()
        let queues = PBXConfiguration.queuesConf(queues: ["operator", "aduan"], standard: standard, agency: "Demo")
        #expect(PBXConfiguration.check(queues: queues, features: PBXConfiguration.featuresConf(standard: standard), standard: standard).isEmpty)
        #expect(AsteriskConfig(queues).queues.map(\.name) == ["operator", "aduan"])
    }

    @Test func everyRuleABadQueuesConfBreaksIsFoundWithItsLine() {
        // given a queues.conf as FreePBX often leaves it: no service level, no announcements, long rings one at a time
        let text = """
        [general]
        persistentmembers = yes

        [operator]
        strategy = rrmemory
        timeout = 15
        servicelevel = 60
        announce-frequency = 0
        announce-position = no
        """
        // when it is checked
        let findings = PBXConfiguration.check(queues: text, features: "[general]\natxferdropcall = yes\natxfercallbackretries = 0\n", standard: TelephoneStandard())
        // then each broken rule is named with the line that breaks it and its fix
        let byKey = Dictionary(findings.map { ($0.problemKey, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(byKey["telephone.check.serviceLevel"]?.line == 7 && byKey["telephone.check.serviceLevel"]?.fix == "servicelevel = 10")
        #expect(byKey["telephone.check.ringTimeout"]?.line == 6)
        #expect(byKey["telephone.check.announceFrequency"]?.line == 8 && byKey["telephone.check.announceFrequency"]?.rule == 4)
        #expect(byKey["telephone.check.announceStatus"]?.line == 9)
        #expect(byKey["telephone.check.dropCall"]?.line == 2 && byKey["telephone.check.dropCall"]?.rule == 3)
        #expect(byKey["telephone.check.callbackRetries"]?.line == 3)
        #expect(findings.count == 6)
    }

    @Test func aFileWithWindowsLineEndsIsReadTheSame() {
        let text = "[operator]\r\nstrategy = linear\r\ntimeout = 30\r\nservicelevel = 10\r\nannounce-frequency = 20\r\nannounce-position = yes\r\n"
        #expect(PBXConfiguration.check(queues: text, features: nil, standard: TelephoneStandard()).map(\.problemKey) == ["telephone.check.ringTimeout"])
    }

    @Test func settingsInheritedFromATemplateCount() {
        let text = "[std](!)\nservicelevel = 10\nannounce-frequency = 20\nannounce-position = yes\n\n[operator](std)\n"
        #expect(PBXConfiguration.check(queues: text, features: nil, standard: TelephoneStandard()).isEmpty)
    }

    @Test func aMissingServiceLevelIsReportedAtTheQueuesHead() {
        let findings = PBXConfiguration.check(queues: "[operator]\nannounce-frequency = 20\nannounce-position = yes\n", features: nil, standard: TelephoneStandard())
        #expect(findings.map(\.problemKey) == ["telephone.check.serviceLevel"] && findings[0].line == 1 && findings[0].found == nil)
    }

    // MARK: the live feed

    static func event(_ fields: [(String, String)]) -> AMIMessage { AMIMessage(fields) }

    @Test func theLiveFeedMakesTheSameCallAsTheLog() {
        // given the manager events of one answered call, as Asterisk raises them
        var tracker = LiveQueueTracker()
        var framer = AMIFramer()
        let wire = "Asterisk Call Manager/5.0.1\r\n" + [
            [("Event", "QueueCallerJoin"), ("Timestamp", "1793581210.120"), ("Queue", "operator"), ("Uniqueid", "1762045210.1"), ("CallerIDNum", "0123456701"), ("Position", "1")],
            [("Event", "QueueCallerLeave"), ("Timestamp", "1793581214.001"), ("Queue", "operator"), ("Uniqueid", "1762045210.1")],
            [("Event", "AgentConnect"), ("Timestamp", "1793581214.002"), ("Queue", "operator"), ("Uniqueid", "1762045210.1"), ("MemberName", "PJSIP/1001"), ("HoldTime", "4"), ("RingTime", "3")],
            [("Event", "AgentComplete"), ("Timestamp", "1793581334.5"), ("Queue", "operator"), ("Uniqueid", "1762045210.1"), ("MemberName", "PJSIP/1001"), ("HoldTime", "4"), ("TalkTime", "120"), ("Reason", "caller")],
        ].map { AMIMessage($0).wire }.joined()
        var calls: [PBXCall] = []
        for message in framer.feed(Array(wire.utf8)) { if let call = tracker.apply(message, now: 0) { calls.append(call) } }
        // then it is the call the log's import makes
        let logged = try? Self.read(["known-day.queue_log"]).calls.first { $0.callID == "1762045210.1" }
        #expect(framer.banner == "Asterisk Call Manager/5.0.1")
        #expect(calls.count == 1 && calls[0] == logged)
    }

    @Test func aCallerWaitingShowsOnTheWallboardUntilAnswered() {
        var tracker = LiveQueueTracker()
        _ = tracker.apply(Self.event([("Event", "QueueCallerJoin"), ("Queue", "operator"), ("Uniqueid", "u1"), ("CallerIDNum", "0123")]), now: 100)
        #expect(tracker.waiting(now: 112).map(\.seconds) == [12])
        _ = tracker.apply(Self.event([("Event", "AgentConnect"), ("Queue", "operator"), ("Uniqueid", "u1"), ("HoldTime", "12")]), now: 112)
        #expect(tracker.waiting(now: 113).isEmpty)
    }

    @Test func aCallerWhoLeavesUnansweredIsFinishedAsTimedOut() {
        var tracker = LiveQueueTracker()
        _ = tracker.apply(Self.event([("Event", "QueueCallerJoin"), ("Queue", "operator"), ("Uniqueid", "u2")]), now: 100)
        _ = tracker.apply(Self.event([("Event", "QueueCallerLeave"), ("Queue", "operator"), ("Uniqueid", "u2")]), now: 400)
        #expect(tracker.expire(now: 401).isEmpty)
        #expect(tracker.expire(now: 403).map(\.outcome) == [.timedOut])
    }

    @Test func garbageFromThePBXIsDroppedWithoutGrowingTheBuffer() {
        var framer = AMIFramer()
        let messages = framer.feed(Array(repeating: UInt8(65), count: 100_000))
        #expect(messages.isEmpty && framer.dropped >= 1)
        #expect(framer.feed(Array("Event: Test\r\n\r\n".utf8)).count <= 1)
    }
}
