import Fluent
import LayanCore
import LayanFrontDoor
import LayanStorage
import Leaf
import NIOConcurrencyHelpers
import NIOPosix
import Vapor

/// Builds the whole application. The server, the commands and the tests all go through here
/// (conventions.md, habit 1); tests pass their own settings so they never touch `data/`.
public func configure(_ app: Application, settings: AppSettings? = nil) async throws {
    let settings = try settings ?? AppSettings.fromEnvironment()
    app.settings = settings
    // Before anything that records metrics is made: swift-metrics binds each metric to the factory at its creation.
    LayanMetrics.bootstrap()

    app.catalogue = try Catalogue.load(from: app.directory.resourcesDirectory + "Localization")
    app.agencyProfile = AgencyProfileCache(fallback: AgencyNames(
        nameMs: app.catalogue.text("agency.defaultName", .ms), nameEn: app.catalogue.text("agency.defaultName", .en),
        aboutMs: app.catalogue.text("agency.defaultAbout", .ms), aboutEn: app.catalogue.text("agency.defaultAbout", .en)))

    app.queueBroadcaster = QueueBroadcaster()
    app.lifecycle.use(QueueBroadcasterLifecycle())
    if case let .postgres(url) = settings.database {
        let relay = try QueueRelay(url: url)
        app.queueRelay = relay
        app.lifecycle.use(relay)
    }
    // Caches made here, before requests arrive: application storage is not for concurrent first writes.
    app.verifiedTokens = VerifiedTokens()
    app.queueSetupCache = QueueSetupCache()
    app.caseSetupCache = CaseSetupCache()
    app.satisfactionSettings = KeptForAWhile(lifetime: .seconds(1))
    app.charterTables = CharterTableCache()
    app.migrationsComplete = NIOLockedValueBox(false)
    // Each engine's own way of writing new cases (docs/architecture.md: stores).
    switch settings.database {
    case .sqlite: app.caseStore = SQLiteCaseStore()
    case .postgres: app.caseStore = PostgresCaseStore(writers: settings.caseFilingWriters)
    }
    app.branchDirectory = BranchDirectory()
    app.uploadBudget = UploadBudget(bytes: settings.uploadBudgetBytes)
    app.personalDataCipher = try PersonalDataCipher.configured(settings)
    // Idle sockets and kept-alive connections with nothing to say are closed (issue 15, item 2; docs/security.md).
    app.http.server.configuration.idleTimeout = .seconds(Int64(settings.idleTimeoutSeconds))
    // Slow or oversized request heads and connection floods are met before the server's pipeline (issue 15, items 2, 8).
    if settings.frontDoor {
        app.useFrontDoor(FrontDoor.Settings(headerTimeout: .seconds(Int64(settings.headerTimeoutSeconds)),
                                            connectionsPerAddress: settings.connectionsPerAddress, uncapped: settings.trustedProxies))
    }
    app.mailer = SMTPMailer(settings: settings.messaging)
    app.smsGateway = HTTPSMSGateway(url: settings.messaging.smsGatewayURL, token: settings.messaging.smsGatewayToken, client: app.client)
    app.conversationSender = ProviderConversations(settings: settings.conversations, twilioAuthToken: settings.twilioAuthToken, client: app.client)
    app.calendarService = CalendarService(base: try CalendarService.loadBase(resourcesDirectory: app.directory.resourcesDirectory))

    // Middleware, outermost first: errors must wrap everything so nothing escapes as a bare 500.
    app.middleware = .init()
    app.middleware.use(RequestsInFlight.Middleware(counter: app.requestsInFlight))
    app.middleware.use(RequestLogMiddleware(level: .info))
    app.middleware.use(SecurityHeadersMiddleware(behindHTTPS: settings.behindHTTPS))
    app.middleware.use(LanguageMiddleware())
    app.middleware.use(LayanErrorMiddleware())
    app.middleware.use(RequestPathGuard())
    app.middleware.use(PublicFilesMiddleware(publicDirectory: app.directory.publicDirectory))
    app.middleware.use(SessionMiddleware())

    app.routes.defaultMaxBodySize = "1mb"
    // API dates as ISO 8601 (UTC), as the OpenAPI document says.
    ContentConfiguration.global.use(encoder: APIJSON.encoder, for: .json)
    ContentConfiguration.global.use(decoder: APIJSON.decoder, for: .json)

    try await LayanDatabase.configure(app, target: settings.database, postgresConnectionsPerEventLoop: settings.postgresConnectionsPerEventLoop,
                                     sqliteSynchronous: settings.sqliteSynchronous)
    app.migrations.add(LayanMigrations.all(cipher: app.personalDataCipher))

    app.views.use(.leaf)
    app.leaf.tags["t"] = TranslateTag()
    if !app.environment.isRelease { app.leaf.cache.isEnabled = false }

    app.passwords.use(.bcrypt(cost: settings.bcryptCost))
    let passwordPool = NIOThreadPool(numberOfThreads: 2)
    passwordPool.start()
    app.lifecycle.use(PasswordPoolLifecycle(pool: passwordPool))
    let decoy = try await app.password.async(on: passwordPool, hopTo: app.eventLoopGroup.next()).hash(SessionToken.make())
    app.passwordHasher = PasswordHasher(pool: passwordPool, decoy: decoy)

    app.lifecycle.use(BackgroundJobs())
    app.lifecycle.use(AMIFeed())
    app.asyncCommands.use(DemoCommand(), as: "demo")
    // After the databases: Fluent registers its own `migrate` when they are set up, and this one takes its place.
    app.asyncCommands.use(MigrateCommand(), as: "migrate")
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(RestoreCommand(), as: "restore")
    app.lifecycle.use(DemoLoginsBanner())
    app.asyncCommands.use(UserCommandGroup(), as: "user")
    app.asyncCommands.use(CalendarCommandGroup(), as: "calendar")
    app.asyncCommands.use(TokenCommandGroup(), as: "token")
    app.asyncCommands.use(MailCommandGroup(), as: "mail")
    app.asyncCommands.use(TelephoneCommandGroup(), as: "telephone")

    try routes(app)
    try Access.verifyEveryRouteDeclared(app.routes)
    app.allowedMethods = AllowedMethods(app.routes)
    // `migrate` lists and runs the migrations itself (its --dry-run must see them pending), and `backup`/`restore` must
    // find the database as it is; every other command, `serve` first, brings the schema up to date as it starts.
    let command = app.environment.arguments.dropFirst().first ?? "serve"
    if settings.migrateAtBoot && !["migrate", "backup", "restore"].contains(command) { try await app.autoMigrate() }
}
