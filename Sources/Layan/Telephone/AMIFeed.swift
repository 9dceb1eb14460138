import Fluent
import Foundation
import LayanCore
import NIOCore
import NIOPosix
import Vapor

/// What the live wallboard shows: the tracker fed by the PBX's manager events, and whether the feed is connected.
actor LiveWallboard {
    private(set) var tracker = LiveQueueTracker()
    private(set) var connected = false
    private(set) var lastEventAt: Date?
    private(set) var reconnects = 0

    func apply(_ message: AMIMessage, now: Date) -> [PBXCall] {
        lastEventAt = now
        var finished = tracker.expire(now: now.timeIntervalSince1970)
        if let call = tracker.apply(message, now: now.timeIntervalSince1970) { finished.append(call) }
        return finished
    }

    func tick(now: Date) -> [PBXCall] {
        tracker.forget(olderThan: 3600, now: now.timeIntervalSince1970)
        return tracker.expire(now: now.timeIntervalSince1970)
    }

    func setConnected(_ value: Bool) {
        if connected && !value { reconnects += 1 }
        connected = value
        // A new connection starts from what the PBX says next; callers from before are not known to be still there.
        if value { tracker = LiveQueueTracker() }
    }
}

extension Application {
    private struct LiveWallboardKey: StorageKey { typealias Value = LiveWallboard }
    var liveWallboard: LiveWallboard {
        if let board = storage[LiveWallboardKey.self] { return board }
        let board = LiveWallboard()
        storage[LiveWallboardKey.self] = board
        return board
    }
}

/// The Asterisk Manager Interface client (optional, `LAYAN_AMI_HOST`): logs in, reads queue events into the live
/// wallboard and stores each call they finish the way the `queue_log` import does. Written by hand: no AMI package is
/// in the offline set (docs/architecture.md). It reconnects with back-off (1 s doubling to 60 s); a PBX that drops
/// the line, sends garbage or goes silent only ever restarts this loop.
struct AMIFeed: LifecycleHandler {
    struct Settings: Sendable, Equatable {
        let host: String, port: Int, username: String, secret: String
        static func from(_ environment: [String: String]) -> Settings? {
            guard let host = environment["LAYAN_AMI_HOST"]?.nilIfEmpty else { return nil }
            return Settings(host: host, port: environment["LAYAN_AMI_PORT"].flatMap(Int.init) ?? 5038,
                            username: environment["LAYAN_AMI_USERNAME"] ?? "layan", secret: environment["LAYAN_AMI_SECRET"] ?? "")
        }
    }

    final class Runner: @unchecked Sendable {
        // @unchecked: set once at boot and cancelled at shutdown, both on the lifecycle's thread.
        var task: Task<Void, Never>?
    }
    let runner = Runner()
    /// Silence longer than this (no event, no answer to our ping) closes the line and reconnects.
    static let silence: TimeAmount = .seconds(60)
    static let pingEvery: Duration = .seconds(20)

    func didBootAsync(_ app: Application) async throws {
        let command = app.environment.arguments.dropFirst().first ?? "serve"
        guard let settings = Self.settings(app), app.environment != .testing || app.storage[ForceAMIKey.self] == true,
              command == "serve" || command.hasPrefix("-") || app.environment == .testing else { return }
        runner.task = Task { await Self.run(app, settings: settings) }
    }

    func shutdownAsync(_ app: Application) async { runner.task?.cancel(); _ = await runner.task?.value }

    struct ForceAMIKey: StorageKey { typealias Value = Bool }

    static func settings(_ app: Application) -> Settings? {
        app.storage[SettingsKey.self] ?? Settings.from(ProcessInfo.processInfo.environment)
    }
    struct SettingsKey: StorageKey { typealias Value = Settings }

    /// Connects until cancelled.
    static func run(_ app: Application, settings: Settings) async {
        var delay = 1.0
        while !Task.isCancelled {
            do {
                try await session(app, settings: settings)
                delay = 1
            } catch {
                app.logger.warning("AMI feed from \(settings.host):\(settings.port) stopped: \(error)")
            }
            await app.liveWallboard.setConnected(false)
            try? await Task.sleep(for: .seconds(delay))
            delay = min(60, delay * 2)
        }
    }

    struct LoginRefused: Error { let message: String }

    /// One connection: log in, then read events until the line drops or goes silent.
    static func session(_ app: Application, settings: Settings) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelOption(.socketOption(.so_keepalive), value: 1)
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: Self.silence))
                    try channel.pipeline.syncOperations.addHandler(IdleCloser())
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: AMIMessage.login(username: settings.username, secret: settings.secret).wire))
            var framer = AMIFramer()
            var loggedIn = false
            let pinger = Task {
                while !Task.isCancelled {
                    try await Task.sleep(for: Self.pingEvery)
                    try await outbound.write(ByteBuffer(string: AMIMessage([("Action", "Ping")]).wire))
                    let finished = await app.liveWallboard.tick(now: app.clock.now())
                    try await store(finished, app: app)
                }
            }
            defer { pinger.cancel() }
            for try await buffer in inbound {
                for message in framer.feed(buffer.readableBytesView) {
                    if !loggedIn {
                        guard let response = message["Response"] else { continue }
                        guard response == "Success" else { throw LoginRefused(message: message["Message"] ?? response) }
                        loggedIn = true
                        await app.liveWallboard.setConnected(true)
                        continue
                    }
                    let finished = await app.liveWallboard.apply(message, now: app.clock.now())
                    try await store(finished, app: app)
                }
            }
        }
    }

    static func store(_ calls: [PBXCall], app: Application) async throws {
        guard !calls.isEmpty else { return }
        let staff = try await Staff.query(on: app.db).filter(\.$active == true).all()
        let byExtension = Dictionary(staff.compactMap { s in s.phoneExtension.map { ($0, s.id!) } }, uniquingKeysWith: { a, _ in a })
        try await CallWriter(app: app).write(calls.map { call in
            TelephoneCall.New(call: call, staffID: call.agent.flatMap(CallerNumber.memberExtension).flatMap { byExtension[$0] }, source: .live)
        })
    }

    /// Closes a connection the PBX has left silent past `silence`.
    final class IdleCloser: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is IdleStateHandler.IdleStateEvent { context.close(promise: nil) } else { context.fireUserInboundEventTriggered(event) }
        }
    }
}

/// The live wallboard: callers waiting with their wait against the standard, and today's service level from the
/// stored calls (the same formula as the figures page).
struct WallboardController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let supervisor = routes.access(.staff(.superviseTelephone))
        supervisor.get(.telephone(.wallboard), use: page)
        supervisor.get(.telephone(.wallboardJSON), use: json)
    }

    struct Caller: Content, Sendable { let queue: String; let caller: String; let seconds: Int; let over: Bool }
    struct Board: Content, Sendable {
        let configured: Bool; let connected: Bool; let waiting: [Caller]; let longestWait: Int; let target: Int
        let today: TelephoneFigures; let charterLevel: String; let answeredToday: Int; let withinToday: Int; let abandonedToday: Int
    }

    static func board(_ req: Request) async throws -> Board {
        let now = req.application.clock.now()
        let settings = try await TelephoneSettings.current(on: req.db)
        let standard = settings.standard
        let today = LocalDate(now)
        let counts = try await TelephoneStore(db: req.db).counts(from: today, to: today, queue: nil, by: .total).first?.counts ?? CallCounts()
        let figures = TelephoneFigures(counts, formula: standard.formula, within: standard.answerWithinSeconds)
        let tracker = await req.application.liveWallboard.tracker
        let waiting = tracker.waiting(now: now.timeIntervalSince1970).map { item in
            Caller(queue: item.call.queue, caller: ContactMask.phone(item.call.caller ?? "—"), seconds: item.seconds, over: item.seconds > standard.answerWithinSeconds)
        }
        return Board(configured: AMIFeed.settings(req.application) != nil, connected: await req.application.liveWallboard.connected, waiting: waiting,
                     longestWait: waiting.first?.seconds ?? 0, target: standard.answerWithinSeconds, today: figures,
                     charterLevel: TelephoneFiguresController.percent(figures.charterServiceLevel), answeredToday: counts.answered,
                     withinToday: counts.answeredWithin, abandonedToday: counts.abandoned)
    }

    struct Page: Encodable, Sendable { let layout: LayoutContext; let board: Board; let jsonHref: String; let figuresHref: String }

    func page(req: Request) async throws -> View {
        try await req.view.render("Telephone/wallboard", Page(layout: await LayoutContext.make(for: req, title: req.t("telephone.wallboard.title")),
                                                              board: try await Self.board(req), jsonHref: SiteURL.telephone(.wallboardJSON).path,
                                                              figuresHref: SiteURL.telephone(.figures).path))
    }

    func json(req: Request) async throws -> Board { try await Self.board(req) }
}
