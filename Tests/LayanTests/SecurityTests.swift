import Fluent
import Foundation
import Logging
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting
@testable import Layan
@testable import LayanCore

/// Issue 15: what an attacker tried, each held to a test that failed before the fix.
@Suite struct SignInBurstTests {
    /// Sends one sign-in per browser at once; answers the statuses.
    static func burst(_ app: Application, _ attempts: [(email: String, password: String)]) async throws -> [HTTPStatus] {
        var browsers: [TestBrowser] = []
        for _ in attempts {
            let browser = TestBrowser(app)
            try await browser.get("/login")
            browsers.append(browser)
        }
        return try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
            for (browser, attempt) in zip(browsers, attempts) {
                group.addTask { try await browser.post("/login", form: ["email": attempt.email, "password": attempt.password]).status }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
    }

    /// Thirty sign-ins at once each hold a connection while they wait their turn on the throttle's lock: on PostgreSQL
    /// the pool must have room for all of them, or under a loaded machine the test measures pool time-outs instead.
    static func roomForTheBurst(_ settings: inout AppSettings) { settings.postgresConnectionsPerEventLoop = 24 }

    @Test func attemptsSentAtOnceAreHeldToTheAccountLimit() async throws {
        try await withLayan(adjust: Self.roomForTheBurst) { app in
            // given an officer, and 30 sign-in forms open for their account
            try await TestStaff.create(.caseOfficer, in: app)
            let email = TestStaff.email(.caseOfficer)
            let attempts = (0..<30).map { (email: email, password: $0 == 29 ? TestStaff.password : "wrong password \($0)") }
            // when 29 wrong passwords and the right one are sent together
            let statuses = try await Self.burst(app, attempts)
            // then no more wrong passwords were checked than the limit of 5; the rest were throttled
            #expect(statuses.filter { $0 == .unauthorized }.count <= 5)
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 24)
            #expect(try await LoginAttempt.query(on: app.db).filter(\.$succeeded == false).count() <= 5)
        }
    }

    @Test func attemptsSentAtOnceAreHeldToTheAddressLimit() async throws {
        try await withLayan(adjust: Self.roomForTheBurst) { app in
            // given 30 sign-in forms open from one address, each for another account
            let attempts = (0..<30).map { (email: "nobody\($0)@test.layan.my", password: "wrong password \($0)") }
            // when they are sent together
            let statuses = try await Self.burst(app, attempts)
            // then at most the address's 20 were checked
            #expect(statuses.filter { $0 == .unauthorized }.count <= 20)
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 10)
        }
    }
}

/// A log handler that keeps what it is given, for tests.
final class CapturedLog: @unchecked Sendable {
    // @unchecked: lines are only touched under the lock.
    private let lock = NIOLock()
    private var kept: [String] = []
    var lines: [String] { lock.withLock { kept } }
    func add(_ line: String) { lock.withLock { kept.append(line) } }

    struct Handler: LogHandler {
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).merging(metadata) { a, _ in a }.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            // As a console logger writes it: one line per event, whatever the message holds.
            log.add("[ \(event.level) ] \(event.message) \(fields)")
        }
    }
}

@Suite struct LogForgingTests {
    @Test func controlCharactersInARequestAreEscapedInTheLog() async throws {
        try await withLayan { app in
            // given the log behind the escaping handler, as `layan serve` sets it up
            let captured = CapturedLog()
            app.logger = Logger(label: "test") { _ in EscapingLogHandler(CapturedLog.Handler(log: captured)) }
            // when a path with an encoded newline and a fake log line is requested
            try await app.testing().test(.GET, "/zz%0a%5B%20ERROR%20%5D%20FAKE-LINE") { _ in }
            // then no logged text holds a newline, and the fake line is visibly part of the path
            let text = captured.lines.joined(separator: "\n")
            #expect(!captured.lines.isEmpty)
            #expect(!captured.lines.contains { $0.contains("\n") })
            #expect(!text.split(separator: "\n").contains { $0.hasPrefix("[ ERROR ] FAKE-LINE") })
        }
    }

    @Test func escapingWritesEveryControlCharacterVisibly() {
        // given text with a newline, a carriage return, a NUL, an escape and a C1 control
        let text = "a\nb\rc\u{0}d\u{1B}[31me\u{85}f"
        // when it is escaped for the log
        let escaped = LogText.escaped(text)
        // then every control character is written out and the rest is kept
        #expect(escaped == #"a\nb\rc\u{0}d\u{1B}[31me\u{85}f"#)
        #expect(LogText.escaped("Nombor A012 — kaunter 3") == "Nombor A012 — kaunter 3")
    }
}

@Suite struct PathTests {
    @Test func aPathWithANulIsRefused() async throws {
        try await withLayan { app in
            // given a static file's path cut short by a NUL, as `/icons/layan.svg%00.html`
            // when it is requested
            try await app.testing().test(.GET, "/icons/layan.svg%00.html") { res async in
                // then it is refused, not served as HTML
                #expect(res.status == .badRequest)
                #expect(res.headers.contentType != .html || !res.body.string.contains("<svg"))
            }
        }
    }

    @Test func aPathTooLongForAFileIsNotFound() async throws {
        try await withLayan { app in
            // given a path of 4,100 characters
            let path = "/" + String(repeating: "a", count: 4_100)
            // when it is requested
            try await app.testing().test(.GET, path) { res async in
                // then it is a plain 404, not the internal error page
                #expect(res.status == .notFound)
            }
        }
    }

    @Test func traceIsNotAllowed() async throws {
        try await withLayan { app in
            // given a TRACE request, which would echo the request (and its cookies) back
            // when it is sent
            try await app.testing().test(.TRACE, "/") { res async in
                // then it is a 405 naming what is allowed
                #expect(res.status == .methodNotAllowed)
                #expect(res.headers.first(name: "Allow") == "GET, HEAD, POST")
            }
        }
    }

    @Test func aMethodThePathDoesNotTakeIs405WithThePathsOwnMethods() async throws {
        try await withLayan { app in
            // given paths that take some methods: health (GET) and the case list (GET, POST)
            // when each is asked with a method it does not take
            try await app.testing().test(.init(rawValue: "QUERY"), "/healthz") { res async in
                // then it is a 405 naming the path's own methods
                #expect(res.status == .methodNotAllowed)
                #expect(res.headers.first(name: "Allow") == "GET, HEAD")
            }
            try await app.testing().test(.DELETE, "/api/v1/cases") { res async in
                #expect(res.status == .methodNotAllowed)
                #expect(res.headers.first(name: "Allow") == "GET, HEAD, POST")
            }
        }
    }

    @Test func aPathNoRouteTakesIsStill404() async throws {
        try await withLayan { app in
            // given a path no route has
            // when it is asked with any method
            try await app.testing().test(.DELETE, "/no/such/place") { res async in
                // then it is a 404, not a 405
                #expect(res.status == .notFound)
            }
        }
    }
}

@Suite struct PersonalDataCacheTests {
    @Test func staffPagesAndAPIAnswersAreNotStored() async throws {
        try await withLayan { app in
            // given an officer who handles cases
            try await TestStaff.create(.caseOfficer, in: app)
            let browser = TestBrowser(app)
            try await browser.signIn(TestStaff.email(.caseOfficer))
            // when they open the case list
            let page = try await browser.get("/cases")
            // then no browser or proxy may keep it
            #expect(page.status == .ok)
            #expect(page.headers.first(name: .cacheControl) == "no-store")
        }
    }

    @Test func publicPagesMayBeKeptAsBefore() async throws {
        try await withLayan { app in
            // given the public home page, which holds nobody's data
            // when it is requested
            try await app.testing().test(.GET, "/") { res async in
                // then it carries no no-store of ours
                #expect(res.headers.first(name: .cacheControl) != "no-store")
            }
        }
    }
}

@Suite struct PersonalDataAuditTests {
    @Test func everyAPIAnswerWithTheCustomerRecordsTheView() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            // given a case and an integration that may work on it
            let f = try await CaseFixture.make(app)
            let record = try await f.engine(app).create(NewCase(type: .complaint, channel: .web, subject: "s", details: "d", name: "Siti",
                                                                email: "siti@example.my", branchID: f.branch.id!), by: .customer)
            let views = { try await AuditEvent.query(on: app.db).filter(\.$action == .viewPersonalData).count() }
            // when it acknowledges the case, then adds a note, each answer carrying the customer's details
            try await app.testing().test(.POST, "/api/v1/cases/\(record.id!)/transitions", headers: f.auth,
                                         body: f.json(["action": "acknowledge"])) { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains("siti@example.my"))
            }
            let afterTransition = try await views()
            try await app.testing().test(.POST, "/api/v1/cases/\(record.id!)/messages", headers: f.auth,
                                         body: f.json(["body": "Dalam tindakan", "public": false])) { res async throws in
                #expect(res.status == .created)
            }
            // then each view is on the audit trail
            #expect(afterTransition == 1)
            #expect(try await views() == 2)
        }
    }
}

@Suite struct APIMessageTests {
    @Test func aLimitOutOfRangeNamesTheRange() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            // given an integration listing cases
            let f = try await CaseFixture.make(app)
            // when it asks for a page of 0
            try await app.testing().test(.GET, "/api/v1/cases?limit=0", headers: f.auth) { res async throws in
                // then the message names the range, with no placeholder left
                #expect(res.status == .unprocessableEntity)
                let problem = try res.content.decode(Problem.self)
                #expect(problem.fields?["limit"]?.contains("1") == true && problem.fields?["limit"]?.contains("100") == true)
                #expect(!res.body.string.contains("{min}"))
            }
        }
    }

    @Test func anEmptyCursorIsNoCursor() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            // given an integration listing cases
            let f = try await CaseFixture.make(app)
            // when it sends `after=` empty, which the document allows
            try await app.testing().test(.GET, "/api/v1/cases?after=", headers: f.auth) { res async in
                // then it gets the first page
                #expect(res.status == .ok)
            }
        }
    }

    @Test func aTooLongDescriptionIsNamedAsTheAPINamesIt() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            // given an integration filing a case
            let f = try await CaseFixture.make(app)
            // when the description is over 5,000 characters
            try await app.testing().test(.POST, "/api/v1/cases", headers: f.auth,
                                         body: f.json(f.complaint(["description": String(repeating: "x", count: 5_001)]))) { res async throws in
                // then the problem names `description`, the field it sent
                #expect(res.status == .unprocessableEntity)
                let problem = try res.content.decode(Problem.self)
                #expect(problem.fields?["description"] != nil && problem.fields?["details"] == nil)
            }
        }
    }
}

@Suite struct IdentityNumberTests {
    static func caseWithMyKad(_ app: Application, _ f: CaseFixture) async throws -> CaseRecord {
        try await f.engine(app).create(NewCase(type: .complaint, channel: .web, subject: "s", details: "d", name: "Siti", email: "siti@example.my",
                                               idDocument: "900101-14-5678", branchID: f.branch.id!), by: .customer)
    }

    @Test func theNumberIsStoredEncrypted() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            // given a case filed with a MyKad number
            let f = try await CaseFixture.make(app)
            let record = try await Self.caseWithMyKad(app, f)
            // when the row is read as stored
            let stored = try #require(try await app.db.sql.raw("SELECT customer_id_document FROM cases WHERE id = \(bind: record.id!)")
                .first()?.decode(column: "customer_id_document", as: String.self))
            // then it is sealed, and opens to the number with the key in force
            #expect(stored.hasPrefix("v1:") && !stored.contains("5678"))
            #expect(app.personalDataCipher.open(stored) == "900101-14-5678")
        }
    }

    @Test func theAPIAnswersTheLastFourDigitsUnlessAskedAndAudited() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            // given a case with a MyKad number
            let f = try await CaseFixture.make(app)
            let record = try await Self.caseWithMyKad(app, f)
            // when an integration reads it, then asks for the full number
            try await app.testing().test(.GET, "/api/v1/cases/\(record.id!)", headers: f.auth) { res async throws in
                #expect(res.body.string.contains("••••••••••5678") && !res.body.string.contains("900101"))
            }
            try await app.testing().test(.GET, "/api/v1/cases/\(record.id!)?reveal=idDocument", headers: f.auth) { res async throws in
                #expect(res.body.string.contains("900101-14-5678"))
            }
            // then only the second showed it, and that is on the audit trail
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .revealIdentityNumber).count() == 1)
        }
    }

    @Test func theCasePageMasksTheNumberUntilTheOfficerAsks() async throws {
        try await withLayan(clock: FixedClock(caseMorning)) { app in
            // given a case with a MyKad number, and a case officer of its branch
            let f = try await CaseFixture.make(app)
            let record = try await Self.caseWithMyKad(app, f)
            let officer = TestBrowser(app)
            try await officer.signIn(f.dutyOfficers[0].email)
            // when they open the case, then press "show the full number"
            let page = try await officer.get("/cases/\(record.id!)")
            let shown = try await officer.post("/cases/\(record.id!)/identity")
            // then the page shows the last four only, the full number only after asking, and the asking is audited
            #expect(page.body.string.contains("5678") && !page.body.string.contains("900101"))
            #expect(shown.status == .ok && shown.body.string.contains("900101-14-5678"))
            #expect(try await AuditEvent.query(on: app.db).filter(\.$action == .revealIdentityNumber).count() == 1)
        }
    }

    @Test func maskingKeepsTheLastFourCharacters() {
        // given numbers of several lengths
        // when they are masked
        // then only the last four characters stay
        #expect(IdentityNumber.masked("900101-14-5678") == "••••••••••5678")
        #expect(IdentityNumber.masked("A123") == "••••")
        #expect(IdentityNumber.masked("") == "")
    }
}
