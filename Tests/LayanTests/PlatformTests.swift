import Fluent
import Foundation
import SQLKit
import Testing
import VaporTesting
@testable import Layan
@testable import LayanStorage
@testable import LayanCore

@Suite struct HealthTests {
    @Test func healthzReportsEngineAndVersion() async throws {
        try await withLayan { app in
            // when
            try await app.testing().test(.GET, "/healthz") { res async throws in
                // then
                #expect(res.status == .ok)
                let health = try res.content.decode(HealthController.Health.self)
                #expect(health.status == "ok")
                #expect(health.database == TestDatabase.engine)
                #expect(health.version == LayanVersion.current)
            }
        }
    }

    @Test func healthzAnswers503WhenTheDatabaseIsGone() async throws {
        // given a PostgreSQL server that does not answer (nothing listens on the discard port)
        try await withLayan(adjust: {
            $0.database = .postgres(url: "postgres://nobody@127.0.0.1:9/none")
            $0.migrateAtBoot = false
        }) { app in
            // when
            try await app.testing().test(.GET, "/healthz") { res async throws in
                // then
                #expect(res.status == .serviceUnavailable)
                let health = try res.content.decode(HealthController.Health.self)
                #expect(health.status == "unavailable")
                #expect(health.database == "postgresql")
            }
        }
    }
}

@Suite struct ErrorPageTests {
    @Test func unknownRouteIsABilingualPage() async throws {
        try await withLayan { app in
            try await app.testing().test(.GET, "/tiada-di-sini", headers: ["Accept": "text/html"]) { res async throws in
                #expect(res.status == .notFound)
                #expect(res.headers.contentType?.subType == "html")
                #expect(res.body.string.contains("Halaman tidak dijumpai"))
                #expect(res.body.string.contains("Page not found"))
                let requestID = try #require(res.headers.first(name: "X-Request-Id"))
                #expect(res.body.string.contains(requestID))
            }
        }
    }

    @Test func unknownAPIRouteIsAProblemBody() async throws {
        try await withLayan { app in
            try await app.testing().test(.GET, "/api/v1/nothing") { res async throws in
                #expect(res.status == .notFound)
                let problem = try res.content.decode(Problem.self)
                #expect(problem.error)
                #expect(!problem.reason.isEmpty)
            }
        }
    }

    @Test func malformedJSONIsA400ProblemNotA500() async throws {
        try await withLayan { app in
            // given a route that decodes JSON
            struct Body: Content { var name: String; var count: Int }
            app.post("api", "v1", "_echo") { req -> Body in try req.content.decode(Body.self) }
            // when the body is broken, misses a field or has the wrong type
            for body in ["{not json", #"{"name":"a"}"#, #"{"name":"a","count":"x"}"#] {
                try await app.testing().test(.POST, "/api/v1/_echo", headers: ["Content-Type": "application/json"],
                                            body: .init(string: body)) { res async throws in
                    // then a 400 problem that says which field
                    #expect(res.status == .badRequest, "\(body)")
                    let problem = try res.content.decode(Problem.self)
                    #expect(problem.error)
                }
            }
            try await app.testing().test(.POST, "/api/v1/_echo", headers: ["Content-Type": "application/json"],
                                        body: .init(string: #"{"name":"a"}"#)) { res async throws in
                #expect(try res.content.decode(Problem.self).fields?["count"] != nil)
            }
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await withLayan { app in
            app.post("api", "v1", "_sink") { _ in "ok" }
            let big = String(repeating: "x", count: 2 * 1024 * 1024)
            try await app.testing(method: .running(port: 0)).test(.POST, "/api/v1/_sink", headers: ["Content-Type": "text/plain"],
                                        body: .init(string: big)) { res async throws in
                #expect(res.status == .payloadTooLarge)
                #expect(try res.content.decode(Problem.self).error)
            }
        }
    }

    @Test func internalErrorsShowTheRequestIdNotTheCause() async throws {
        try await withLayan { app in
            struct Secret: Error {}
            app.get("_boom") { _ -> String in throw Secret() }
            try await app.testing().test(.GET, "/_boom", headers: ["Accept": "text/html"]) { res async throws in
                #expect(res.status == .internalServerError)
                #expect(!res.body.string.contains("Secret"))
                #expect(res.body.string.contains(res.headers.first(name: "X-Request-Id") ?? "missing"))
            }
        }
    }
}

@Suite struct LanguageTests {
    @Test func malayByDefault() async throws {
        try await withLayan { app in
            try await app.testing().test(.GET, "/") { res async throws in
                #expect(res.status == .ok)
                #expect(res.body.string.contains(#"<html lang="ms-MY">"#))
                #expect(res.body.string.contains("Perkhidmatan kami"))
            }
        }
    }

    @Test func acceptLanguagePicksEnglish() async throws {
        try await withLayan { app in
            try await app.testing().test(.GET, "/", headers: ["Accept-Language": "en-GB,en;q=0.9"]) { res async throws in
                #expect(res.body.string.contains(#"<html lang="en-MY">"#))
                #expect(res.body.string.contains("Our services"))
            }
        }
    }

    @Test func queryChoiceIsRememberedInACookie() async throws {
        try await withLayan { app in
            // when the visitor picks English
            var cookie: String?
            try await app.testing().test(.GET, "/?lang=en") { res async throws in
                #expect(res.body.string.contains("Our services"))
                cookie = res.headers.setCookie?[LanguageMiddleware.cookieName]?.string
            }
            #expect(cookie == "en")
            // then the next page, with a Malay browser, stays English
            try await app.testing().test(.GET, "/", headers: ["Cookie": "\(LanguageMiddleware.cookieName)=en", "Accept-Language": "ms"]) { res async throws in
                #expect(res.body.string.contains("Our services"))
            }
        }
    }

    @Test func languageSwitchLinksToTheOtherLanguage() async throws {
        try await withLayan { app in
            try await app.testing().test(.GET, "/") { res async throws in
                #expect(res.body.string.contains(#"href="/?lang=en""#))
            }
        }
    }
}

@Suite struct SecurityHeaderTests {
    @Test func everyResponseCarriesTheHeaders() async throws {
        try await withLayan { app in
            for path in ["/", "/healthz", "/missing", "/css/layan.css"] {
                try await app.testing().test(.GET, path) { res async throws in
                    #expect(res.headers.first(name: "Content-Security-Policy")?.contains("default-src 'self'") == true, "\(path)")
                    #expect(res.headers.first(name: "Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
                    #expect(res.headers.first(name: "X-Content-Type-Options") == "nosniff")
                    #expect(res.headers.first(name: "Referrer-Policy") == "strict-origin-when-cross-origin")
                    #expect(res.headers.first(name: "Strict-Transport-Security") == nil)
                }
            }
        }
    }

    @Test func hstsBehindHTTPS() async throws {
        try await withLayan(adjust: { $0.behindHTTPS = true }) { app in
            try await app.testing().test(.GET, "/?lang=en") { res async throws in
                #expect(res.headers.first(name: "Strict-Transport-Security")?.contains("max-age=") == true)
                #expect(res.headers.setCookie?[LanguageMiddleware.cookieName]?.isSecure == true)
            }
        }
    }
}

@Suite struct SettingsTests {
    @Test func databaseTargets() throws {
        #expect(try DatabaseTarget.parse(nil) == .sqlite(path: "data/layan.sqlite"))
        #expect(try DatabaseTarget.parse("") == .sqlite(path: "data/layan.sqlite"))
        #expect(try DatabaseTarget.parse("sqlite:/tmp/x.sqlite") == .sqlite(path: "/tmp/x.sqlite"))
        #expect(try DatabaseTarget.parse("sqlite:///tmp/x.sqlite") == .sqlite(path: "/tmp/x.sqlite"))
        #expect(try DatabaseTarget.parse("postgres://u:p@db:5432/layan") == .postgres(url: "postgres://u:p@db:5432/layan"))
        #expect(try DatabaseTarget.parse("postgresql://u@h/layan").engineName == "postgresql")
        #expect(throws: SettingsError.self) { try DatabaseTarget.parse("mysql://x") }
        #expect(throws: SettingsError.self) { try DatabaseTarget.parse("sqlite:") }
    }

    @Test func postgresConnectionsPerEventLoop() throws {
        #expect(try AppSettings.fromEnvironment([:]).postgresConnectionsPerEventLoop == 8)
        #expect(try AppSettings.fromEnvironment(["LAYAN_PG_CONNECTIONS_PER_LOOP": "3"]).postgresConnectionsPerEventLoop == 3)
        for bad in ["0", "65", "many"] {
            #expect(throws: SettingsError.self) { try AppSettings.fromEnvironment(["LAYAN_PG_CONNECTIONS_PER_LOOP": bad]) }
        }
    }

    @Test func sqliteSynchronousIsFullUnlessNormalIsChosen() throws {
        #expect(try AppSettings.fromEnvironment([:]).sqliteSynchronous == .full)
        #expect(try AppSettings.fromEnvironment(["LAYAN_SQLITE_SYNCHRONOUS": "NORMAL"]).sqliteSynchronous == .normal)
        #expect(throws: SettingsError.self) { try AppSettings.fromEnvironment(["LAYAN_SQLITE_SYNCHRONOUS": "off"]) }
    }

    @Test func caseFilingWriters() throws {
        #expect(try AppSettings.fromEnvironment([:]).caseFilingWriters == 1)
        #expect(try AppSettings.fromEnvironment(["LAYAN_CASE_FILING_WRITERS": "2"]).caseFilingWriters == 2)
        for bad in ["0", "17", "two"] {
            #expect(throws: SettingsError.self) { try AppSettings.fromEnvironment(["LAYAN_CASE_FILING_WRITERS": bad]) }
        }
    }

    @Test func drainSecondsAfterSIGTERM() throws {
        #expect(try AppSettings.fromEnvironment([:]).drainSeconds == 3)
        #expect(try AppSettings.fromEnvironment(["LAYAN_DRAIN_SECONDS": "0"]).drainSeconds == 0)
        for bad in ["-1", "61", "soon"] {
            #expect(throws: SettingsError.self) { try AppSettings.fromEnvironment(["LAYAN_DRAIN_SECONDS": bad]) }
        }
    }
}

@Suite struct SQLiteSettingsTests {
    @Test func everyConnectionHasWALForeignKeysAndBusyTimeout() async throws {
        guard TestDatabase.engine == "sqlite" else { return }
        try await withLayan { app in
            // Connections are lent one task at a time: hold three at once so three different ones answer.
            @Sendable func check(_ db: any Database) async throws {
                let sql = db as! any SQLDatabase
                let journal = try await sql.raw("PRAGMA journal_mode").first()?.decode(column: "journal_mode", as: String.self)
                let foreignKeys = try await sql.raw("PRAGMA foreign_keys").first()?.decode(column: "foreign_keys", as: Int.self)
                let busyTimeout = try await sql.raw("PRAGMA busy_timeout").first()?.decode(column: "timeout", as: Int.self)
                let synchronous = try await sql.raw("PRAGMA synchronous").first()?.decode(column: "synchronous", as: Int.self)
                let mmap = try await sql.raw("PRAGMA mmap_size").first()?.decode(column: "mmap_size", as: Int.self)
                #expect(journal == "wal")
                #expect(foreignKeys == 1)
                #expect(busyTimeout == 5000)
                #expect(mmap == 268_435_456)
                #expect(synchronous == 2) // FULL: an acknowledged write survives a power cut (docs/operations.md)
            }
            try await app.db.withConnection { a in
                try await app.db.withConnection { b in
                    try await app.db.withConnection { c in
                        for db in [a, b, c] { try await check(db) }
                    }
                }
            }
        }
    }
}

/// Stopping never hangs (issue #21, item 1): the wait for running handlers has a bound even when one never ends.
@Suite struct StoppingTests {
    @Test(.timeLimit(.minutes(1))) func theWaitForHandlersEndsAtItsLimitWhenOneNeverFinishes() async {
        // given a handler that started and never finishes
        let counter = RequestsInFlight()
        _ = counter.started(.POST, "/api/v1/cases")
        // when the server waits a fifth of a second for handlers to settle
        let stuck = await counter.settled(within: .milliseconds(200))
        // then the wait ends and names the one still running
        #expect(stuck.map { "\($0.method) \($0.uri.path)" } == ["POST /api/v1/cases"])
    }

    @Test(.timeLimit(.minutes(1))) func theWaitEndsWhenTheLastHandlerFinishes() async {
        // given two handlers running
        let counter = RequestsInFlight()
        let first = counter.started(.GET, "/a"), second = counter.started(.GET, "/b")
        // when both finish while the server waits up to a minute
        Task { try? await Task.sleep(for: .milliseconds(50)); counter.finished(first); counter.finished(second) }
        let clock = ContinuousClock()
        let took = await clock.measure { #expect(await counter.settled(within: .seconds(60)).isEmpty) }
        // then the wait ended with them, not at its limit
        #expect(took < .seconds(30))
    }
}
